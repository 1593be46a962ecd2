"""Accounts, stores, tokens and API keys: plain values, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Dict, FrozenSet, List, Optional, Tuple

from chalicelib.errors import Conflict

# Events a merchant can route to email, push and the bell sound (the webhook
# event names of the contract).
NOTIFIABLE_EVENTS: Tuple[str, ...] = (
    "order.created", "order.confirmed", "order.processing", "order.shipped",
    "order.delivered", "order.cancelled", "order.returned", "order.call_logged",
    "shipment.created", "shipment.failed", "tracking.updated",
)
LANGUAGES: Tuple[str, ...] = ("fr", "ar", "en")
ROLES: Tuple[str, ...] = ("owner", "admin", "manager", "operator", "readonly")
MEMBER_STATUSES: Tuple[str, ...] = ("invited", "active")

# What an API key may do: each scope is a permission name of the one permission
# table (chalicelib/api/permissions.py), which also grants them to roles.
SCOPES: Dict[str, str] = {
    "store:read": "read the store, its settings and its delivery rates",
    "store:write": "change the store's settings and delivery rates",
    "catalog:read": "read products, variants and stock movements",
    "catalog:write": "create and change products, variants and stock (and restock returned orders)",
    "orders:read": "read orders, their export and labels, and the call queue",
    "orders:write": "change order status, add notes, log calls, assign, request shipments",
    "notifications:read": "read the bell feed, push subscriptions and the VAPID key",
    "notifications:write": "mark the bell read, add and remove push subscriptions",
    "couriers:read": "read courier accounts (never their credentials)",
    "couriers:write": "set up, test, sync and remove courier accounts",
    "webhooks": "manage webhook endpoints and their deliveries",
    "api_keys": "create, list and revoke API keys (never beyond the key's own scopes)",
    "members:read": "list the store's members",
    "members:write": "invite members, change their roles, remove them",
}
# A key created without `scopes` gets what every API key could do before scopes
# existed: everything but the team, which came later and is granted explicitly.
DEFAULT_KEY_SCOPES: Tuple[str, ...] = tuple(s for s in SCOPES if not s.startswith("members:"))
# How long an invitation can be accepted.
INVITATION_DAYS = 7


class LastOwner(Conflict):
    """409 (as every Conflict in chalicelib/errors.py): a store keeps at least one owner."""
    code = "last_owner"
    message = "A store keeps at least one owner; make someone else owner first."


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


CHECKOUT_LIMITS = ("per_phone_per_hour", "per_ip_per_hour")


def default_checkout_limits() -> Dict[str, Optional[int]]:
    return {name: None for name in CHECKOUT_LIMITS}


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
    # Cancel a pending order after this many unanswered calls (None: never).
    auto_cancel_after_attempts: Optional[int] = None
    # Checkouts per phone / per client IP per hour (None: no limit, the default).
    checkout_limits: Dict[str, Optional[int]] = field(default_factory=default_checkout_limits)
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
    # "invited" until the invitation is accepted: an invited account cannot log in.
    status: str = "active"


@dataclass(frozen=True)
class Member:
    """A store's view of one account: who, which role, invited or active. No secrets
    but the invitation's hash, which only the store adapters use (to drop it with the member)."""
    id: str                    # the account id: timeline actors name it
    store_id: str
    email: str
    name: str
    role: str
    status: str                # "invited" | "active"
    created_at: datetime
    invited_by: Optional[str] = None
    invite_expires_at: Optional[datetime] = None
    accepted_at: Optional[datetime] = None
    invite_hash: Optional[str] = None

    @property
    def is_active_owner(self) -> bool:
        return self.role == "owner" and self.status == "active"

    @classmethod
    def of(cls, account: Account, **extra) -> "Member":
        """The member record of `account` (a store's founder at signup, or an invitee)."""
        return cls(id=account.id, store_id=account.store_id, email=account.email,
                   name=account.name, role=account.role, status=account.status,
                   created_at=account.created_at,
                   accepted_at=account.created_at if account.status == "active" else None,
                   **extra)


@dataclass(frozen=True)
class Invitation:
    """What an invite token stands for. Only its SHA-256 is stored; used once."""
    token_hash: str
    store_id: str
    member_id: str
    email: str
    expires_at: datetime

    def is_valid(self, now: datetime) -> bool:
        return self.expires_at > now


@dataclass(frozen=True)
class Caller:
    """Who asks for a team change: a member's session or an API key."""
    kind: str                  # "session" | "api_key"
    id: str
    name: str
    role: str

    @property
    def is_owner(self) -> bool:
        # An API key acts as an admin at most: only a member can be an owner.
        return self.kind == "session" and self.role == "owner"


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
    scopes: Optional[Tuple[str, ...]] = None   # API keys; None on keys made before scopes

    def is_valid(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now

    def granted_scopes(self) -> FrozenSet[str]:
        """An API key's scopes (the pre-scope default for older keys); none for sessions."""
        if self.kind != "api_key":
            return frozenset()
        return frozenset(DEFAULT_KEY_SCOPES if self.scopes is None else self.scopes)


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
    scopes: Tuple[str, ...] = DEFAULT_KEY_SCOPES
