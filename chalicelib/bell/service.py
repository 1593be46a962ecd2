"""The bell's use cases. Plain Python: the store, the realtime sender and the
account service come in as ports.

`handle` turns a queue message into one notification (idempotent: the id comes
from the event id, and the store's write is conditional), then posts it to the
store's open dashboards. The post happens only when this call wrote the item:
a redelivered event posts nothing. A crash between the write and the post
therefore loses the live post (the feed still has the item); it never shows a
dashboard the same notification twice.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, Mapping, Optional

from chalicelib.accounts.model import notifies
from chalicelib.bell.model import (ALWAYS_IN_BELL, CONNECTION_TTL, KEEP_FOR, Notification,
                                   feed_item, is_bell_event, notification_id, parse_after,
                                   parse_read_request, realtime_message)
from chalicelib.bell.ports import BellStore, ConnectionGone, RealtimeSender, RealtimeUnavailable
from chalicelib.clock import Clock, parse_iso
from chalicelib.config import Settings
from chalicelib.errors import DomainError, NotFound
from chalicelib.logs import get_logger, log
from chalicelib.notifications.messages import language_of, summarize

logger = get_logger("bell")

PONG = json.dumps({"type": "pong"}).encode("utf-8")


class BellService:
    def __init__(self, store: BellStore, sender: RealtimeSender, accounts: Any,
                 settings: Settings, clock: Clock) -> None:
        self._store, self._sender, self._accounts = store, sender, accounts
        self._settings, self._clock = settings, clock

    # --- the bell queue ------------------------------------------------------------
    def handle(self, message: Mapping[str, Any]) -> Optional[Notification]:
        """Write and deliver the notification `message` calls for; the notification if
        this call wrote it, None when there is nothing (more) to do."""
        notification = self._notification_for(message)
        if notification is None:
            return None
        if not self._store.add(notification, notification.created_at + KEEP_FOR):
            return None   # redelivered: written (and posted) the first time
        log(logger, logging.INFO, "bell notification", event_id=message.get("id"),
            event_type=notification.type, store_id=notification.store_id,
            notification_id=notification.id)
        self._broadcast(notification)
        return notification

    def _notification_for(self, message: Mapping[str, Any]) -> Optional[Notification]:
        event_id, event_type = message.get("id"), str(message.get("type") or "")
        if not event_id or not is_bell_event(event_type):
            log(logger, logging.WARNING, "ignored message", event_type=event_type)
            return None
        try:
            store = self._accounts.get_store(str(message.get("store_id") or ""))
        except NotFound:
            return None   # the store is gone: nobody to tell
        if event_type not in ALWAYS_IN_BELL and not notifies(store, "bell", event_type):
            return None
        # The event's own time, not the clock: a redelivery must name the same item.
        at = parse_iso(str(message["at"]))
        summary = summarize(message, language_of(store.languages), self._settings.dashboard_url)
        return Notification(id=notification_id(str(event_id), at), store_id=store.id,
                            type=event_type, title=summary.title, body=summary.body,
                            url=summary.url, order_id=summary.order_id,
                            sound=notifies(store, "sound", event_type), created_at=at)

    def _broadcast(self, notification: Notification) -> None:
        data = json.dumps(realtime_message(notification), ensure_ascii=False).encode("utf-8")
        try:
            connections = self._store.connections(notification.store_id, self._clock())
        except DomainError:
            # The item is written: failing the record would not post it again.
            log(logger, logging.ERROR, "could not list connections", exc_info=True,
                store_id=notification.store_id)
            return
        for connection_id, _ in connections:
            self._post(notification.store_id, connection_id, data)

    def _post(self, store_id: str, connection_id: str, data: bytes) -> bool:
        try:
            self._sender.post(connection_id, data)
            return True
        except ConnectionGone:
            # The dashboard went away without a $disconnect: prune it.
            self._forget(connection_id)
        except RealtimeUnavailable:
            log(logger, logging.WARNING, "realtime post failed", exc_info=True,
                store_id=store_id, connection_id=connection_id)
        return False

    def _forget(self, connection_id: str) -> None:
        try:
            store_id = self._store.remove_connection(connection_id)
        except DomainError:
            log(logger, logging.ERROR, "could not prune connection", exc_info=True,
                connection_id=connection_id)
            return
        log(logger, logging.INFO, "pruned gone connection", store_id=store_id,
            connection_id=connection_id)

    # --- the feed --------------------------------------------------------------------
    def feed(self, store_id: str, limit: int, after: Optional[str],
             decode_position) -> Dict[str, Any]:
        """One page of the feed. `decode_position` turns a cursor into a position."""
        page = self._store.page(store_id, limit, parse_after(after, decode_position))
        return {"items": [feed_item(n, page.read_before) for n in page.items],
                "next_position": page.next_position, "unread_count": page.unread_count}

    def mark_read(self, store_id: str, body: Mapping[str, Any]) -> Dict[str, int]:
        request = parse_read_request(body)
        if request.all:
            return {"unread_count": self._store.mark_all_read(store_id)}
        return {"unread_count": self._store.mark_read(store_id, list(request.ids))}

    # --- dashboards' connections -------------------------------------------------------
    def connect(self, token: Optional[str], connection_id: str) -> int:
        """The status $connect answers: 200 (remembered), 401 bad token, 403 not a session."""
        record = self._accounts.authenticate(token or "")
        if record is None:
            return 401
        if record.kind != "session":
            return 403   # dashboards connect with a merchant's session, not an API key
        now = self._clock()
        self._store.add_connection(record.store_id, connection_id, record.subject_id, now,
                                   now + CONNECTION_TTL)
        log(logger, logging.INFO, "dashboard connected", store_id=record.store_id,
            connection_id=connection_id)
        return 200

    def on_message(self, connection_id: str, body: Optional[str]) -> None:
        """Any message keeps the connection remembered; a ping is answered with a pong."""
        store_id = self._store.refresh_connection(connection_id, self._clock() + CONNECTION_TTL)
        if store_id is not None and _is_ping(body):
            self._post(store_id, connection_id, PONG)

    def disconnect(self, connection_id: str) -> None:
        store_id = self._store.remove_connection(connection_id)
        log(logger, logging.INFO, "dashboard disconnected", store_id=store_id,
            connection_id=connection_id)


def _is_ping(body: Optional[str]) -> bool:
    if body is None:
        return False
    if body.strip() == "ping":
        return True
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("type") == "ping"
