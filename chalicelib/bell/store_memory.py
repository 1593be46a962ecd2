"""BellStore in memory, for service tests; the contract tests hold it to the
DynamoDB adapter's behaviour (exact unread count, watermark, pagination, TTL)."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from chalicelib.bell.model import FeedPage, Notification, is_read, position_for_id


class MemoryBellStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # store id -> position -> (notification, expires)
        self._feeds: Dict[str, Dict[str, Tuple[Notification, datetime]]] = {}
        self._unread: Dict[str, int] = {}
        self._read_before: Dict[str, str] = {}
        # connection id -> (store id, subject id, expires)
        self._connections: Dict[str, Tuple[str, str, datetime]] = {}

    # --- the feed -------------------------------------------------------------
    def add(self, notification: Notification, expires: datetime) -> bool:
        with self._lock:
            feed = self._feeds.setdefault(notification.store_id, {})
            if notification.position in feed:
                return False
            read = is_read(notification, self._read_before.get(notification.store_id))
            feed[notification.position] = (replace(notification, read=read), expires)
            if not read:
                self._unread[notification.store_id] = self.unread_count(notification.store_id) + 1
            return True

    def expires(self, store_id: str, notification_id: str) -> Optional[datetime]:
        entry = self._feeds.get(store_id, {}).get(position_for_id(notification_id) or "")
        return entry[1] if entry else None

    def page(self, store_id: str, limit: int, before: Optional[str]) -> FeedPage:
        with self._lock:
            positions = sorted((p for p in self._feeds.get(store_id, {})
                                if before is None or p < before), reverse=True)
            chosen = positions[:limit]
            items = [self._feeds[store_id][p][0] for p in chosen]
            more = len(positions) > limit
            return FeedPage(items=items, next_position=chosen[-1] if more else None,
                            unread_count=self._unread.get(store_id, 0),
                            read_before=self._read_before.get(store_id))

    def mark_read(self, store_id: str, ids: List[str]) -> int:
        with self._lock:
            feed = self._feeds.get(store_id, {})
            watermark = self._read_before.get(store_id)
            for notification_id in ids:
                position = position_for_id(notification_id)
                entry = feed.get(position or "")
                if entry is None or entry[0].id != notification_id or is_read(entry[0], watermark):
                    continue
                feed[position] = (replace(entry[0], read=True), entry[1])
                self._unread[store_id] -= 1
            return self._unread.get(store_id, 0)

    def mark_all_read(self, store_id: str) -> int:
        with self._lock:
            positions = self._feeds.get(store_id, {})
            if positions:
                newest = max(positions)
                self._read_before[store_id] = max(newest, self._read_before.get(store_id, ""))
                self._unread[store_id] = 0
            return self._unread.get(store_id, 0)

    def unread_count(self, store_id: str) -> int:
        return self._unread.get(store_id, 0)

    # --- dashboards' connections ------------------------------------------------
    def add_connection(self, store_id: str, connection_id: str, subject_id: str,
                       now: datetime, expires: datetime) -> None:
        with self._lock:
            self._connections[connection_id] = (store_id, subject_id, expires)

    def refresh_connection(self, connection_id: str, expires: datetime) -> Optional[str]:
        with self._lock:
            entry = self._connections.get(connection_id)
            if entry is None:
                return None
            self._connections[connection_id] = (entry[0], entry[1], expires)
            return entry[0]

    def remove_connection(self, connection_id: str) -> Optional[str]:
        with self._lock:
            entry = self._connections.pop(connection_id, None)
            return entry[0] if entry else None

    def connections(self, store_id: str, now: datetime) -> List[Tuple[str, datetime]]:
        with self._lock:
            return sorted((cid, expires) for cid, (sid, _, expires) in self._connections.items()
                          if sid == store_id and expires > now)
