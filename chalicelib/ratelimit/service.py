"""Admit or refuse one API request of a caller (an API key or a session)."""
from __future__ import annotations

from typing import Any

from chalicelib.clock import Clock

from chalicelib.ratelimit.model import Decision, decide


class RateLimiter:
    def __init__(self, store: Any, clock: Clock, per_minute: int) -> None:
        self._store = store
        self._clock = clock
        self.per_minute = per_minute

    def admit(self, caller: str) -> Decision:
        now = self._clock()
        return decide(self._store.count(caller, now), now, self.per_minute)
