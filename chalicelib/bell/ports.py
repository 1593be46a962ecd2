"""What the bell needs from the outside world: a store and a realtime sender."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Protocol, Tuple

from chalicelib.bell.model import FeedPage, Notification


class ConnectionGone(Exception):
    """The dashboard behind a connection id is no longer there (API Gateway's 410)."""


class RealtimeUnavailable(Exception):
    """Posting to a connection failed for another reason (throttled, timeout, 5xx)."""


class BellStore(Protocol):
    # --- the feed -------------------------------------------------------------
    def add(self, notification: Notification, expires: datetime) -> bool:
        """Write the notification and count it unread, atomically. False (and nothing
        written) if a notification with that id is already there."""

    def page(self, store_id: str, limit: int, before: Optional[str]) -> FeedPage:
        """Newest first, positions strictly below `before`; with the unread count."""

    def mark_read(self, store_id: str, ids: List[str]) -> int:
        """Flip these to read (unknown or already read ids do nothing); the new count."""

    def mark_all_read(self, store_id: str) -> int:
        """Everything in the feed now is read; the new count (0 unless some arrived since)."""

    def unread_count(self, store_id: str) -> int:
        ...

    # --- dashboards' connections ------------------------------------------------
    def add_connection(self, store_id: str, connection_id: str, subject_id: str,
                       now: datetime, expires: datetime) -> None:
        ...

    def refresh_connection(self, connection_id: str, expires: datetime) -> Optional[str]:
        """Push back the connection's expiry; its store id, or None if unknown."""

    def remove_connection(self, connection_id: str) -> Optional[str]:
        """Forget the connection; the store id it belonged to, or None if unknown."""

    def connections(self, store_id: str, now: datetime) -> List[Tuple[str, datetime]]:
        """(connection id, expires) of the store's live connections."""


class RealtimeSender(Protocol):
    def post(self, connection_id: str, data: bytes) -> None:
        """Send one text frame. Raises ConnectionGone or RealtimeUnavailable."""
