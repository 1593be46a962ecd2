"""The bell's values and rules: plain Python, no I/O.

A notification's id is derived from the event it tells about and carries the
event's time, so the same event always names the same feed position
(`<at>#<id>`): a redelivered event finds its notification already written, and
an id alone is enough to find the item again (no index needed).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.clock import iso, parse_iso
from chalicelib.errors import ValidationFailed

# How long the feed keeps a notification, and how long a dashboard's connection
# is remembered without a message (API Gateway closes a connection after 2 h).
KEEP_FOR = timedelta(days=60)
CONNECTION_TTL = timedelta(hours=2)
MAX_READ_IDS = 100

# Event types the bell queue carries that may become a notification.
BELL_EVENT_PREFIXES = ("order.", "shipment.")
BELL_EVENTS = ("tracking.updated", "webhook.disabled")
# Alerts about the store's own setup: always in the bell, whatever the settings say.
ALWAYS_IN_BELL = ("webhook.disabled",)

_ID = re.compile(r"^ntf_(\d{8}T\d{6}\d{3}Z)_([0-9a-f]{20})$")


@dataclass(frozen=True)
class Notification:
    id: str
    store_id: str
    type: str
    title: str
    body: str
    url: str
    order_id: Optional[str]
    sound: bool
    created_at: datetime
    read: bool = False

    @property
    def position(self) -> str:
        return position_of(self.created_at, self.id)


@dataclass(frozen=True)
class FeedPage:
    items: List[Notification]
    next_position: Optional[str]
    unread_count: int
    read_before: Optional[str]


@dataclass(frozen=True)
class ReadRequest:
    ids: Tuple[str, ...] = ()
    all: bool = False


def is_bell_event(event_type: str) -> bool:
    return event_type in BELL_EVENTS or event_type.startswith(BELL_EVENT_PREFIXES)


def position_of(created_at: datetime, notification_id: str) -> str:
    """The feed's sort key: newest first is descending order of this string."""
    return f"{iso(created_at)}#{notification_id}"


def notification_id(event_id: str, at: datetime) -> str:
    stamp = iso(at).replace("-", "").replace(":", "").replace(".", "")
    digest = hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:20]
    return f"ntf_{stamp}_{digest}"


def position_for_id(notification_id: Any) -> Optional[str]:
    """The feed position an id stands for, or None if it is not one of ours."""
    match = _ID.match(notification_id) if isinstance(notification_id, str) else None
    if match is None:
        return None
    stamp = match.group(1)
    try:
        at = parse_iso(f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:"
                       f"{stamp[13:15]}.{stamp[15:18]}Z")
    except ValueError:
        return None
    return position_of(at, notification_id)


def is_read(notification: Notification, read_before: Optional[str]) -> bool:
    """Read when flipped one by one, or at or below the "mark all" watermark."""
    return notification.read or (read_before is not None and notification.position <= read_before)


def feed_item(notification: Notification, read_before: Optional[str]) -> Dict[str, Any]:
    """The item as the feed and the realtime channel show it."""
    return {"id": notification.id, "type": notification.type, "title": notification.title,
            "body": notification.body, "url": notification.url,
            "order_id": notification.order_id, "read": is_read(notification, read_before),
            "sound": notification.sound, "created_at": iso(notification.created_at)}


def realtime_message(notification: Notification) -> Dict[str, Any]:
    """What an open dashboard receives: the feed item verbatim, wrapped with its kind."""
    return {"type": "notification", "item": feed_item(notification, None)}


def parse_read_request(body: Mapping[str, Any]) -> ReadRequest:
    """`{"ids": [...]}` or `{"all": true}`, exactly one of them, and nothing else."""
    unknown = [key for key in body if key not in ("ids", "all")]
    if unknown:
        # A misspelt member must not pass silently (`{"all": true, "id": ...}` marks everything).
        raise ValidationFailed(fields={key: "is not a member of a read request; give ids or all"
                                       for key in unknown})
    has_ids, has_all = "ids" in body, "all" in body
    if has_ids and has_all:
        raise ValidationFailed(fields={"ids": "give either ids or all, not both"})
    if has_all:
        if body["all"] is not True:
            raise ValidationFailed(fields={"all": "must be true"})
        return ReadRequest(all=True)
    if not has_ids:
        raise ValidationFailed(fields={"ids": "is required (or all: true)"})
    ids = body["ids"]
    if not isinstance(ids, list) or not all(isinstance(value, str) for value in ids):
        raise ValidationFailed(fields={"ids": "must be a list of strings"})
    if len(ids) > MAX_READ_IDS:
        raise ValidationFailed(fields={"ids": f"may hold at most {MAX_READ_IDS} ids"})
    return ReadRequest(ids=tuple(dict.fromkeys(ids)))


def parse_after(value: Optional[str], decode_position) -> Optional[str]:
    """`after`: a `next_cursor` this feed returned, or an ISO-8601 time (items created
    strictly before it). `decode_position` turns a cursor into a position or raises."""
    if value is None or value == "":
        return None
    if value[:1].isdigit():
        try:
            return iso(parse_iso(value))
        except (ValueError, OverflowError):
            # OverflowError: a time whose offset moves it outside years 1-9999 in UTC.
            raise ValidationFailed(fields={"after": "is not a time or a cursor this feed returned"})
    return decode_position(value)
