"""The sliding window: who is let through, and when a refused caller may come back."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from chalicelib.ratelimit.model import WINDOW_SECONDS, Counts, decide

START = datetime(2026, 12, 3, 10, 0, 0, tzinfo=timezone.utc)   # a minute boundary


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def estimate_later(counts: Counts, since_window_start: float) -> float:
    """Written apart from the model: the weighted count `since_window_start` seconds
    after the start of counts.window, with no request in between."""
    if since_window_start < WINDOW_SECONDS:
        return counts.previous * (1 - since_window_start / WINDOW_SECONDS) + counts.current
    if since_window_start < 2 * WINDOW_SECONDS:
        return counts.current * (1 - (since_window_start - WINDOW_SECONDS) / WINDOW_SECONDS)
    return 0.0


def test_a_fresh_caller_is_let_through_with_the_rest_of_the_minute_left():
    decision = decide(Counts(window=0, current=1, previous=0), at(15), 600)
    assert decision.allowed and decision.remaining == 599 and decision.retry_after == 0
    assert decision.headers() == {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "599",
                                  "X-RateLimit-Reset": "45"}


def test_the_limit_itself_passes_and_one_more_is_refused_until_the_minute_rolls():
    assert decide(Counts(0, 600, 0), at(30), 600).allowed
    refused = decide(Counts(0, 601, 0), at(30), 600)
    assert not refused.allowed and refused.remaining == 0
    # 601 this minute: next minute it weighs 601 * (1 - t/60) <= 599 after t = 0.2 s.
    assert refused.retry_after == 31
    assert refused.headers()["Retry-After"] == "31"


def test_the_previous_minute_still_weighs_early_in_the_next():
    # 600 last minute, 10 s into this one: 500 of them still count.
    assert decide(Counts(0, 101, 600), at(10), 600).allowed is False
    assert decide(Counts(0, 100, 600), at(10), 600).allowed is True
    # Half a minute later half of them have slid out.
    assert decide(Counts(0, 300, 600), at(40), 600).allowed is True


@given(limit=st.integers(1, 1000), current=st.integers(1, 3000), previous=st.integers(0, 3000),
       elapsed=st.floats(0, 59.999))
def test_a_refused_caller_fits_at_retry_after_and_not_a_second_sooner(limit, current, previous,
                                                                        elapsed):
    counts = Counts(0, current, previous)
    decision = decide(counts, at(elapsed), limit)
    used = estimate_later(counts, elapsed)
    assert decision.allowed == (used <= limit)
    if decision.allowed:
        assert decision.remaining == max(0, int(limit - used))
        return
    back = elapsed + decision.retry_after
    assert estimate_later(counts, back) + 1 <= limit + 1e-9
    if decision.retry_after > 1:
        assert estimate_later(counts, back - 1) + 1 > limit
