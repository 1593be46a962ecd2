"""API rate limits: a sliding window per API key and per session, as plain data.

The window is the usual two-bucket approximation of a true sliding window: the
count of the current minute plus the previous minute's count weighted by how much
of it still lies within the last 60 seconds. It needs two numbers per caller, so
one item and one conditional update per request hold it (the stores).

Refused requests count too: a client that ignores Retry-After stays limited
instead of getting every other request through.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

WINDOW_SECONDS = 60
# Counters outlive their window by one more, for the previous-minute weight.
COUNTER_TTL_SECONDS = 3 * WINDOW_SECONDS


@dataclass(frozen=True)
class Counts:
    """What the store holds for a caller after counting this request."""
    window: int          # the minute (epoch seconds // 60) `current` counts
    current: int         # requests in that minute, this one included
    previous: int        # requests in the minute before it


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int   # until this minute's count rolls over (refused: retry_after)
    retry_after: int     # 0 when allowed

    def headers(self) -> dict:
        headers = {"X-RateLimit-Limit": str(self.limit),
                   "X-RateLimit-Remaining": str(self.remaining),
                   "X-RateLimit-Reset": str(self.reset_seconds)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def window_of(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def elapsed_in_window(now: datetime) -> float:
    return now.timestamp() - window_of(now) * WINDOW_SECONDS


def estimate(counts: Counts, elapsed: float) -> float:
    """Requests in the last 60 s, the previous minute weighted by its overlap."""
    return counts.previous * (1 - elapsed / WINDOW_SECONDS) + counts.current


def seconds_until_room(counts: Counts, elapsed: float, limit: int) -> float:
    """How long until one more request fits: until the estimate is at most limit - 1."""
    target = limit - 1
    if estimate(counts, elapsed) <= target:
        return 0.0
    left_in_window = WINDOW_SECONDS - elapsed
    if counts.current <= target and counts.previous > 0:
        # Within this minute, only the previous minute's share decays.
        wait = WINDOW_SECONDS * (1 - (target - counts.current) / counts.previous) - elapsed
        if wait < left_in_window:
            return max(0.0, wait)
    # Next minute: this minute's count becomes the decaying share.
    share = max(0.0, 1 - target / counts.current) if counts.current else 0.0
    return left_in_window + WINDOW_SECONDS * share


def decide(counts: Counts, now: datetime, limit: int) -> Decision:
    elapsed = elapsed_in_window(now)
    used = estimate(counts, elapsed)
    allowed = used <= limit
    wait = seconds_until_room(counts, elapsed, limit)
    retry_after = 0 if allowed else max(1, math.ceil(wait))
    return Decision(allowed=allowed, limit=limit,
                    remaining=max(0, math.floor(limit - used)),
                    reset_seconds=retry_after or max(1, math.ceil(WINDOW_SECONDS - elapsed)),
                    retry_after=retry_after)
