"""Webhook endpoints, deliveries and attempts: plain values and the rules that decide them.

No I/O here. The delivery worker asks `plan_after_attempt` what an attempt's
outcome means (the next state, when to try again, what happens to the
endpoint's dead counter) and the store applies that plan with conditions.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Optional, Tuple

from chalicelib.accounts.model import NOTIFIABLE_EVENTS
from chalicelib.clock import iso, parse_iso
from chalicelib.errors import Conflict

# The event types an endpoint may subscribe to (the contract's webhook events).
EVENT_TYPES: Tuple[str, ...] = NOTIFIABLE_EVENTS
TEST_EVENT = "webhook.test"
MAX_ENDPOINTS = 10
# This many dead (or failed) deliveries in a row disable the endpoint.
DEAD_TO_DISABLE = 5
DISABLED_BY_FAILURES = "consecutive_dead"
DISABLED_BY_MERCHANT = "merchant"
# After a rotation the old secret keeps signing for this long, so receivers
# can switch without losing a delivery.
ROTATION_GRACE = timedelta(hours=24)
EXCERPT_BYTES = 1024
DELIVERY_TTL = timedelta(days=30)
# A worker that claimed an attempt owns it for this long; past it (the worker
# died mid-attempt) a redelivered message may try again.
CLAIM_MARGIN = timedelta(seconds=30)
# One delivery keeps at most this many attempts (all cycles together).
MAX_ATTEMPTS_PER_DELIVERY = 100
# SQS caps DelaySeconds at 15 minutes; longer waits hop through the queue.
MAX_QUEUE_DELAY = 900

PENDING, SUCCEEDED, RETRYING, FAILED, DEAD = "pending", "succeeded", "retrying", "failed", "dead"
IN_PROGRESS = (PENDING, RETRYING)
FINISHED = (SUCCEEDED, FAILED, DEAD)

# What an attempt's outcome does to the endpoint's consecutive-dead counter.
RESET, COUNT = "reset", "count"


class WebhookLimitReached(Conflict):
    code = "webhook_limit_reached"
    message = f"A store has at most {MAX_ENDPOINTS} webhook endpoints."


class DeliveryInProgress(Conflict):
    code = "delivery_in_progress"
    message = "This delivery is still being attempted; redeliver it once it has finished."


class DeliveryAttemptsExhausted(Conflict):
    code = "delivery_attempts_exhausted"
    message = "This delivery has been attempted too many times to redeliver it again."


@dataclass(frozen=True)
class Endpoint:
    id: str
    store_id: str
    url: str
    events: Tuple[str, ...]
    secret: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    enabled: bool = True
    disabled_reason: Optional[str] = None
    disabled_at: Optional[datetime] = None
    consecutive_dead: int = 0
    previous_secret: Optional[str] = None
    previous_secret_expires_at: Optional[datetime] = None
    # Set when created with an Idempotency-Key: what the first request was.
    request_hash: Optional[str] = None
    version: int = 1

    def changed(self, **changes) -> "Endpoint":
        return replace(self, **changes)

    def subscribes(self, event_type: str) -> bool:
        return self.enabled and event_type in self.events

    def signing_secrets(self, now: datetime) -> Tuple[str, ...]:
        """The current secret, and the previous one while its grace period lasts."""
        if self.previous_secret and self.previous_secret_expires_at and \
                now < self.previous_secret_expires_at:
            return (self.secret, self.previous_secret)
        return (self.secret,)


@dataclass(frozen=True)
class Attempt:
    number: int
    at: datetime
    status_code: Optional[int]
    duration_ms: int
    error: Optional[str]
    response_excerpt: Optional[str]


@dataclass(frozen=True)
class SendResult:
    """What one HTTP attempt returned; the sender never raises for the receiver's behaviour."""
    status_code: Optional[int]
    duration_ms: int
    error: Optional[str] = None
    response_excerpt: Optional[str] = None
    # Timeouts and connection errors: the receiver may answer next time.
    transient: bool = False


@dataclass(frozen=True)
class DeliveryRef:
    """Where a delivery lives, recovered from its id alone."""
    endpoint_id: str
    at: str


@dataclass(frozen=True)
class Delivery:
    id: str
    store_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    event_at: str
    payload: str             # the exact body sent on every attempt
    created_at: datetime
    state: str = PENDING
    attempts: Tuple[Attempt, ...] = ()
    # Index in `attempts` where the current cycle (first delivery or a
    # redelivery) starts: the retry schedule counts from there.
    cycle_start: int = 0
    next_attempt_at: Optional[datetime] = None
    claimed_attempt: int = 0
    claimed_until: Optional[datetime] = None

    @property
    def ref(self) -> DeliveryRef:
        return DeliveryRef(self.endpoint_id, self.event_at)

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)

    @property
    def next_number(self) -> int:
        return len(self.attempts) + 1

    def expires_at(self, now: datetime) -> datetime:
        return now + DELIVERY_TTL


@dataclass(frozen=True)
class AttemptPlan:
    """What recording one attempt writes: the attempt, the new state, the counter move."""
    attempt: Attempt
    state: str
    next_attempt_at: Optional[datetime]
    delay_seconds: Optional[int]      # when retrying: seconds until the next attempt
    counter: Optional[str]            # RESET, COUNT or None


# --- identities ---------------------------------------------------------------
def _epoch_ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


def delivery_id(endpoint_id: str, event_id: str, event_at: str) -> str:
    """One event to one endpoint is one delivery: its id is derived, never drawn.

    The id also carries where the delivery is stored (endpoint and time), so
    redeliver finds it from the id alone with one GetItem."""
    digest = hashlib.sha256(f"{endpoint_id}|{event_id}".encode("utf-8")).hexdigest()[:20]
    return f"whd_{endpoint_id}_{_epoch_ms(parse_iso(event_at)):x}_{digest}"


def delivery_ref(value: str) -> Optional[DeliveryRef]:
    """The storage position a delivery id stands for, or None if it is not one of ours."""
    if not value.startswith("whd_") or len(value) > 120:
        return None
    parts = value[len("whd_"):].rsplit("_", 2)
    if len(parts) != 3 or not parts[0].startswith("wh_"):
        return None
    endpoint_id, stamp, digest = parts
    try:
        moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=int(stamp, 16))
    except (ValueError, OverflowError):
        return None
    if len(digest) != 20 or not all(c in "0123456789abcdef" for c in digest):
        return None
    return DeliveryRef(endpoint_id, iso(moment))


def event_time(event_at: str) -> str:
    """An event's time as delivery keys use it (millisecond ISO, Z)."""
    return iso(parse_iso(event_at))


# --- decisions ------------------------------------------------------------------
def outcome(result: SendResult) -> str:
    """succeeded, retry or failed: 2xx is success; 5xx, 408, 429 and transport errors retry."""
    code = result.status_code
    if code is not None and 200 <= code < 300:
        return SUCCEEDED
    if code is None:
        return RETRYING if result.transient else FAILED
    if code >= 500 or code in (408, 429):
        return RETRYING
    # Other 4xx and any 1xx/3xx (redirects are not followed): retrying will not help.
    return FAILED


def plan_after_attempt(delivery: Delivery, number: int, result: SendResult, now: datetime,
                       retry_delays: Tuple[int, ...], counts: bool = True) -> AttemptPlan:
    """Decide what attempt `number` of `delivery` leads to.

    Within a cycle the n-th retry waits retry_delays[n-1]; when they are used up
    the delivery is dead. `counts` is False for test pings, which never move the
    endpoint's dead counter."""
    attempt = Attempt(number=number, at=now, status_code=result.status_code,
                      duration_ms=result.duration_ms, error=result.error,
                      response_excerpt=result.response_excerpt)
    verdict = outcome(result)
    retries_done = number - 1 - delivery.cycle_start
    if verdict == RETRYING and counts and retries_done < len(retry_delays):
        delay = int(retry_delays[retries_done])
        return AttemptPlan(attempt, RETRYING, now + timedelta(seconds=delay), delay, None)
    if verdict == RETRYING:
        verdict = DEAD if counts else FAILED
    counter = None
    if counts:
        counter = RESET if verdict == SUCCEEDED else COUNT
    return AttemptPlan(attempt, verdict, None, None, counter)


def should_disable(endpoint: Endpoint) -> bool:
    return endpoint.enabled and endpoint.consecutive_dead >= DEAD_TO_DISABLE


def attempt_message(delivery_id_value: str, number: int, due: Optional[datetime],
                    now: datetime) -> Tuple[dict, int]:
    """The queue message for an attempt and its SQS delay; waits past the SQS cap
    carry `not_before` and hop through the queue until due."""
    wait = 0 if due is None else max(0, int((due - now).total_seconds() + 0.999))
    message = {"delivery_id": delivery_id_value, "attempt": number}
    if wait > MAX_QUEUE_DELAY:
        message["not_before"] = iso(due)
        return message, MAX_QUEUE_DELAY
    return message, wait


def excerpt(raw: bytes) -> str:
    """At most EXCERPT_BYTES of a response body, as text (never raises)."""
    return raw[:EXCERPT_BYTES].decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Page:
    items: Tuple = field(default_factory=tuple)
    next_position: Optional[str] = None
