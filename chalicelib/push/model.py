"""Web push values and rules. Plain Python.

A subscription is one browser (or app) of one member, keyed by the member and
the push service endpoint: subscribing the same endpoint again is the same
subscription with its keys refreshed. A push goes once to each distinct
endpoint of the store (two members sharing a browser share its endpoint).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from chalicelib.clock import iso
from chalicelib.notifications.messages import Summary

# How long a push service keeps a notification for an offline device.
PUSH_TTL_SECONDS = 24 * 3600
# VAPID tokens live at most 24 h (RFC 8292 section 2); 12 h leaves room for clock skew.
VAPID_TOKEN_SECONDS = 12 * 3600
# What the worker waits for one push service, per request.
SEND_TIMEOUT_SECONDS = 10.0
# Events that deserve to wake a phone at once; the rest may wait for a good moment.
URGENT_EVENTS = ("order.created",)


@dataclass(frozen=True)
class Subscription:
    id: str
    store_id: str
    member_id: str
    endpoint: str
    p256dh: str
    auth: str
    created_at: datetime
    updated_at: datetime
    # The browser's PushSubscription.expirationTime (epoch milliseconds), if any.
    expiration_time: Optional[int] = None

    @property
    def device_key(self) -> str:
        return device_key(self.endpoint)


@dataclass(frozen=True)
class VapidKeys:
    """This deployment's application server key pair, base64url without padding."""
    private_key: str    # the raw 32-byte P-256 private value
    public_key: str     # the 65-byte uncompressed point browsers take as applicationServerKey


@dataclass(frozen=True)
class PushNotification:
    payload: bytes
    ttl: int
    urgency: str        # "high" or "normal" (RFC 8030 section 5.3)
    claims_sub: str     # the VAPID `sub` claim: who to contact about these pushes


@dataclass(frozen=True)
class SendResult:
    """What one push service answered: its status, or None when it could not be reached."""
    status: Optional[int]
    error: str = ""


# What to do after one send.
DELIVERED, GONE, DROPPED, RETRY = "delivered", "gone", "dropped", "retry"


def outcome_of(result: SendResult) -> str:
    """2xx delivered; 404/410 the subscription is gone; 429, 5xx and no answer are
    retried; any other answer will not get better by retrying, so that send is dropped."""
    status = result.status
    if status is None or status == 429 or status >= 500:
        return RETRY
    if 200 <= status < 300:
        return DELIVERED
    if status in (404, 410):
        return GONE
    return DROPPED


def subscription_id(store_id: str, member_id: str, endpoint: str) -> str:
    """The same member subscribing the same endpoint always gets the same id."""
    digest = hashlib.sha256(f"{store_id}\n{member_id}\n{endpoint}".encode("utf-8")).hexdigest()
    return "ps_" + digest[:24]


def device_key(endpoint: str) -> str:
    """Stands for an endpoint in markers and logs (the endpoint itself is a capability URL)."""
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:24]


def origin(endpoint: str) -> str:
    """The VAPID `aud`: the push service's scheme, host and port."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def devices(subscriptions: Iterable[Subscription]) -> List[Tuple[str, Subscription, Tuple[str, ...]]]:
    """One entry per distinct endpoint: (device key, the freshest subscription to use,
    the ids of every subscription on that endpoint), in a stable order."""
    by_device: Dict[str, List[Subscription]] = {}
    for subscription in subscriptions:
        by_device.setdefault(subscription.device_key, []).append(subscription)
    planned = []
    for key in sorted(by_device):
        group = by_device[key]
        freshest = max(group, key=lambda s: (s.updated_at, s.id))
        planned.append((key, freshest, tuple(sorted(s.id for s in group))))
    return planned


def notification(message: Mapping[str, Any], summary: Summary, sender_email: str) -> PushNotification:
    """The push for one event: what the service worker shows, and the headers' values."""
    event_type = str(message.get("type") or "")
    data = message.get("data") or {}
    body: Dict[str, Any] = {
        "title": summary.title, "body": summary.body, "url": summary.url,
        # One notification per order on the device: a later event replaces the earlier.
        "tag": f"order-{summary.order_id}" if summary.order_id else event_type,
        "type": event_type, "event_id": message.get("id"), "store_id": message.get("store_id"),
        "order_id": summary.order_id, "number": data.get("number") if isinstance(data, Mapping) else None,
        "at": message.get("at"),
    }
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return PushNotification(payload=payload, ttl=PUSH_TTL_SECONDS,
                            urgency="high" if event_type in URGENT_EVENTS else "normal",
                            claims_sub="mailto:" + sender_email)


def serialize(subscription: Subscription) -> Dict[str, Any]:
    """A subscription as the API shows it: never its keys."""
    return {"id": subscription.id, "endpoint": subscription.endpoint,
            "member_id": subscription.member_id,
            "expiration_time": subscription.expiration_time,
            "created_at": iso(subscription.created_at), "updated_at": iso(subscription.updated_at)}
