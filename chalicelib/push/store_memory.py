"""SubscriptionStore in memory, for service tests and `store_kind="memory"`."""
from __future__ import annotations

import dataclasses
import threading
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from chalicelib.push.model import Subscription


class MemorySubscriptionStore:
    def __init__(self) -> None:
        self._items: Dict[Tuple[str, str], Subscription] = {}
        self._lock = threading.Lock()

    def save(self, subscription: Subscription) -> Subscription:
        key = (subscription.store_id, subscription.id)
        with self._lock:
            existing = self._items.get(key)
            if existing is not None:
                subscription = dataclasses.replace(subscription, created_at=existing.created_at)
            self._items[key] = subscription
            return subscription

    def get(self, store_id: str, subscription_id: str) -> Optional[Subscription]:
        return self._items.get((store_id, subscription_id))

    def page(self, store_id: str, limit: int,
             after: Optional[str]) -> Tuple[List[Subscription], Optional[str]]:
        ordered = [s for s in self.all_for_store(store_id) if after is None or s.id > after]
        chosen = ordered[:limit]
        more = len(ordered) > limit
        return chosen, (chosen[-1].id if more and chosen else None)

    def all_for_store(self, store_id: str) -> List[Subscription]:
        with self._lock:
            found = [s for (owner, _), s in self._items.items() if owner == store_id]
        return sorted(found, key=lambda s: s.id)

    def delete(self, store_id: str, subscription_id: str,
               unchanged_since: Optional[datetime] = None) -> bool:
        key = (store_id, subscription_id)
        with self._lock:
            existing = self._items.get(key)
            if existing is None:
                return False
            if unchanged_since is not None and existing.updated_at > unchanged_since:
                return False
            del self._items[key]
            return True
