"""Rate-limit counters in memory, with the DynamoDB store's semantics."""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Dict

from chalicelib.ratelimit.model import Counts, window_of


class MemoryRateLimitStore:
    def __init__(self) -> None:
        self._counts: Dict[str, Counts] = {}
        self._lock = threading.Lock()

    def count(self, caller: str, now: datetime) -> Counts:
        minute = window_of(now)
        with self._lock:
            old = self._counts.get(caller)
            if old is not None and old.window >= minute:
                new = Counts(old.window, old.current + 1, old.previous)
            else:
                previous = old.current if old is not None and old.window == minute - 1 else 0
                new = Counts(minute, 1, previous)
            self._counts[caller] = new
            return new
