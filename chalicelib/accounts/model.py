"""Accounts, stores, tokens and API keys: plain values, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Dict, List, Optional, Tuple

# Events a merchant can route to email, push and the bell sound (the webhook
# event names of the contract).
NOTIFIABLE_EVENTS: Tuple[str, ...] = (
    "order.created", "order.confirmed", "order.processing", "order.shipped",
    "order.delivered", "order.cancelled", "order.returned", "order.call_logged",
    "shipment.created", "shipment.failed", "tracking.updated",
)
LANGUAGES: Tuple[str, ...] = ("fr", "ar", "en")
ROLES: Tuple[str, ...] = ("owner", "admin", "manager", "operator", "readonly")


# Channels and the events each may carry: the bell feed, its sound, the owner's
# email, web push, and the SMS sent to the customer (only these two events).
NOTIFICATION_CHANNELS: Dict[str, Tuple[str, ...]] = {
    "bell": NOTIFIABLE_EVENTS, "sound": NOTIFIABLE_EVENTS, "email": NOTIFIABLE_EVENTS,
    "push": NOTIFIABLE_EVENTS, "sms": ("order.confirmed", "shipment.created"),
}


def default_notifications() -> Dict[str, List[str]]:
    return {"bell": ["order.cancelled", "order.created", "order.delivered", "order.returned",
                     "shipment.failed"],
            "sound": ["order.created"], "email": ["order.created"], "push": ["order.created"],
            "sms": ["shipment.created"]}


def notifies(store: "Store", channel: str, event_type: str) -> bool:
    """Whether `store`'s settings send `event_type` to `channel` (defaults where unset)."""
    chosen = store.notifications.get(channel)
    if chosen is None:
        chosen = default_notifications().get(channel, [])
    return event_type in chosen


@dataclass(frozen=True)
class Store:
    id: str
    slug: str
    name: str
    owner_email: str
    created_at: datetime
    updated_at: datetime
    phone: Optional[str] = None
    logo_url: Optional[str] = None
    languages: Tuple[str, ...] = ("fr", "ar")
    notifications: Dict[str, List[str]] = field(default_factory=default_notifications)
    restock_on_return: bool = False
    version: int = 1

    def changed(self, **changes) -> "Store":
        return replace(self, **changes)


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    password_hash: str
    store_id: str
    role: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class TokenRecord:
    """What a bearer token stands for. Only its SHA-256 is ever stored."""
    token_hash: str
    kind: str                  # "session" | "api_key"
    store_id: str
    subject_id: str            # account id or API key id
    actor_name: str
    role: str
    created_at: datetime
    expires_at: Optional[datetime] = None   # None: until revoked (API keys)

    def is_valid(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True)
class ApiKey:
    id: str
    store_id: str
    name: str
    prefix: str                # first characters, so merchants can tell keys apart
    token_hash: str
    created_at: datetime
    created_by: str
    last_used_at: Optional[datetime] = None
