"""What the push use cases need from storage, keys, the network and name resolution."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Protocol, Tuple

from chalicelib.push.model import PushNotification, SendResult, Subscription, VapidKeys
# Name resolution belongs to the outbound-target rules (chalicelib/targets.py).
from chalicelib.targets import Resolver, UnresolvableHost  # noqa: F401 - re-exported


class SubscriptionStore(Protocol):
    def save(self, subscription: Subscription) -> Subscription:
        """Create, or refresh the keys of, the subscription with this id.

        Returns what is stored: a refreshed one keeps its first created_at."""

    def get(self, store_id: str, subscription_id: str) -> Optional[Subscription]: ...

    def page(self, store_id: str, limit: int,
             after: Optional[str]) -> Tuple[List[Subscription], Optional[str]]:
        """The store's subscriptions by id; `after` and the returned position are opaque."""

    def all_for_store(self, store_id: str) -> List[Subscription]:
        """Every subscription of the store (all its members' devices)."""

    def delete(self, store_id: str, subscription_id: str,
               unchanged_since: Optional[datetime] = None) -> bool:
        """Delete it; with `unchanged_since`, only if it was not refreshed after that
        time (a push service's 410 must not delete a subscription renewed meanwhile).
        True if something was deleted."""


class KeyStore(Protocol):
    def keys(self) -> VapidKeys:
        """This deployment's VAPID key pair, created on first need."""


class PushSender(Protocol):
    def send(self, subscription: Subscription, notification: PushNotification,
             keys: VapidKeys) -> SendResult:
        """One encrypted, VAPID-signed push; never raises for what the push service does."""
