"""PushSender in memory, for service tests and `store_kind="memory"`."""
from __future__ import annotations

import threading
from typing import Dict, Tuple

from chalicelib.push.model import PushNotification, SendResult, Subscription, VapidKeys


class MemoryPushSender:
    """Records what would have been pushed; answers as programmed per endpoint."""

    def __init__(self) -> None:
        self.sent: list = []
        self._answers: Dict[str, list] = {}
        self._lock = threading.Lock()

    def answer(self, endpoint: str, *statuses) -> None:
        """The next answers for `endpoint` (None: unreachable); 201 once they run out."""
        with self._lock:
            self._answers[endpoint] = list(statuses)

    def send(self, subscription: Subscription, notification: PushNotification,
             keys: VapidKeys) -> SendResult:
        with self._lock:
            queued = self._answers.get(subscription.endpoint) or []
            status = queued.pop(0) if queued else 201
            self.sent.append((subscription, notification, status))
        return SendResult(status=status, error="" if status and status < 300 else "programmed")

    def delivered_to(self) -> Tuple[str, ...]:
        return tuple(s.endpoint for s, _, status in self.sent if status and 200 <= status < 300)
