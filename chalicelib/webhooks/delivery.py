"""The delivery pipeline: fan an event out to endpoints, make one attempt, plan the next.

Plain Python over the ports. Each step is idempotent: a delivery's id is
derived from the event and the endpoint (a redelivered event finds the one it
made), an attempt is claimed and recorded under its number (a redelivered
attempt message finds it done), and every state change is a conditional write.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Tuple

from chalicelib.clock import Clock, parse_iso
from chalicelib.logs import get_logger, log
from chalicelib.webhooks import signing
from chalicelib.webhooks.model import (CLAIM_MARGIN, COUNT, DEAD_TO_DISABLE, DISABLED_BY_FAILURES,
                                       EVENT_TYPES, IN_PROGRESS, PENDING, RETRYING,
                                       TEST_EVENT, AttemptPlan, Delivery, Endpoint, SendResult,
                                       attempt_message, delivery_id, delivery_ref, event_time,
                                       plan_after_attempt, should_disable)
from chalicelib.webhooks.ports import AttemptQueue, Resolver, Sender, WebhookStore
from chalicelib.webhooks.validation import UrlRefused, check_url

logger = get_logger("webhooks")


def payload(event_type: str, at: str, data: Any) -> str:
    """The body every attempt of a delivery sends, byte for byte."""
    return json.dumps({"type": event_type, "timestamp": at, "data": data},
                      ensure_ascii=False, separators=(",", ":"))


class DeliveryPipeline:
    def __init__(self, store: WebhookStore, queue: AttemptQueue, sender: Sender,
                 resolver: Resolver, clock: Clock, *, retry_delays: Tuple[int, ...],
                 timeout_seconds: float, allow_loopback: bool) -> None:
        self._store = store
        self._queue = queue
        self._sender = sender
        self._resolver = resolver
        self._clock = clock
        self._delays = tuple(retry_delays)
        self._timeout = float(timeout_seconds)
        self._allow_loopback = allow_loopback

    # --- fan-out (webhook_events) ------------------------------------------------
    def handle_event(self, message: Mapping[str, Any]) -> None:
        """One delivery per enabled endpoint of the store subscribed to the event."""
        event_type = message.get("type")
        if event_type not in EVENT_TYPES:
            return
        store_id, event_id, at = message["store_id"], message["id"], message["at"]
        body = payload(event_type, at, message.get("data") or {})
        for endpoint in self._store.endpoints(store_id):
            if endpoint.subscribes(event_type):
                self.start(endpoint, event_id, event_type, at, body)

    def start(self, endpoint: Endpoint, event_id: str, event_type: str, at: str,
              body: str) -> Delivery:
        """Create the delivery (or find the one this event already made) and queue its
        first attempt unless an attempt of the current cycle has already happened."""
        stored, created = self._create(endpoint, event_id, event_type, at, body)
        if created or self.awaits_first_attempt(stored):
            # A worker that died after the put and before the send is repaired here,
            # when the event comes back.
            self._queue_attempt(stored.id, stored.next_number, None)
        return stored

    def start_now(self, endpoint: Endpoint, event_id: str, event_type: str, at: str,
                  body: str) -> Delivery:
        """Create a delivery that the caller attempts at once (test pings): nothing queued."""
        return self._create(endpoint, event_id, event_type, at, body)[0]

    def _create(self, endpoint: Endpoint, event_id: str, event_type: str, at: str,
                body: str) -> Tuple[Delivery, bool]:
        now = self._clock()
        key_at = event_time(at)
        delivery = Delivery(id=delivery_id(endpoint.id, event_id, key_at), store_id=endpoint.store_id,
                            endpoint_id=endpoint.id, event_id=event_id, event_type=event_type,
                            event_at=key_at, payload=body, created_at=now, next_attempt_at=now)
        return self._store.create_delivery(delivery, delivery.expires_at(now))

    @staticmethod
    def awaits_first_attempt(delivery: Delivery) -> bool:
        return delivery.state == PENDING and delivery.attempt_count == delivery.cycle_start

    def _queue_attempt(self, delivery_id_value: str, number: int, due: Optional[datetime]) -> None:
        message, delay = attempt_message(delivery_id_value, number, due, self._clock())
        self._queue.send(message, delay)

    # --- one attempt (webhook_deliveries) ------------------------------------------
    def handle_attempt(self, message: Mapping[str, Any]) -> None:
        delivery_id_value, number = str(message["delivery_id"]), int(message["attempt"])
        not_before = message.get("not_before")
        if not_before and parse_iso(str(not_before)) > self._clock():
            # Longer than SQS can delay: hop through the queue until due.
            self._queue_attempt(delivery_id_value, number, parse_iso(str(not_before)))
            return
        ref = delivery_ref(delivery_id_value)
        delivery = self._store.delivery(ref, delivery_id_value) if ref else None
        if delivery is None:
            log(logger, logging.INFO, "attempt for an unknown delivery", delivery_id=delivery_id_value)
            return
        endpoint = self._store.endpoint(delivery.store_id, delivery.endpoint_id)
        if endpoint is not None and should_disable(endpoint):
            # A worker died between counting and disabling: finish its work.
            self._disable(endpoint)
            endpoint = self._store.endpoint(delivery.store_id, delivery.endpoint_id)
        if delivery.state not in IN_PROGRESS or number != delivery.next_number:
            return      # stale or duplicate: that attempt is already recorded
        if endpoint is None or not endpoint.enabled:
            reason = "the endpoint was deleted" if endpoint is None else "the endpoint is disabled"
            self._record(delivery, plan_after_attempt(
                delivery, number, SendResult(None, 0, error=reason), self._clock(), (), counts=False))
            return
        self.attempt(endpoint, delivery, number)

    def attempt(self, endpoint: Endpoint, delivery: Delivery, number: int) -> Optional[AttemptPlan]:
        """Claim, send, record; queue the next attempt or count a dead one. None if
        another worker holds this attempt."""
        now = self._clock()
        until = now + timedelta(seconds=self._timeout) + CLAIM_MARGIN
        if not self._store.claim_attempt(delivery, number, now, until):
            return None
        result = self._send(endpoint, delivery, now)
        counts = delivery.event_type != TEST_EVENT
        plan = plan_after_attempt(delivery, number, result, now, self._delays, counts=counts)
        if not self._record(delivery, plan):
            return plan
        if plan.state == RETRYING:
            self._queue_attempt(delivery.id, number + 1, plan.next_attempt_at)
        if plan.counter == COUNT:
            current = self._store.endpoint(endpoint.store_id, endpoint.id)
            if current is not None and should_disable(current):
                self._disable(current)
        return plan

    def _record(self, delivery: Delivery, plan: AttemptPlan) -> bool:
        recorded = self._store.record_attempt(delivery, plan)
        log(logger, logging.INFO, "webhook attempt", store_id=delivery.store_id,
            webhook_id=delivery.endpoint_id, delivery_id=delivery.id, attempt=plan.attempt.number,
            status_code=plan.attempt.status_code, state=plan.state, recorded=recorded)
        return recorded

    def _send(self, endpoint: Endpoint, delivery: Delivery, now: datetime) -> SendResult:
        try:
            # Again right before sending: the name may resolve elsewhere by now.
            check_url(endpoint.url, self._resolver, self._allow_loopback)
        except UrlRefused as refused:
            return SendResult(None, 0, error=f"refused: the URL {refused}")
        headers = signing.headers(endpoint.signing_secrets(now), delivery.event_id, now,
                                  delivery.payload)
        return self._sender.send(endpoint.url, headers, delivery.payload.encode("utf-8"),
                                 self._timeout)

    def _disable(self, endpoint: Endpoint) -> None:
        if self._store.disable_endpoint(endpoint.store_id, endpoint.id, DISABLED_BY_FAILURES,
                                        self._clock(), DEAD_TO_DISABLE):
            log(logger, logging.WARNING, "webhook endpoint disabled", store_id=endpoint.store_id,
                webhook_id=endpoint.id, consecutive_dead=endpoint.consecutive_dead)

    # --- redelivery ------------------------------------------------------------------
    def restart(self, delivery: Delivery) -> bool:
        """Queue a new attempt cycle (same webhook-id); False if it is still in progress."""
        now = self._clock()
        if self._store.restart_delivery(delivery, now, delivery.expires_at(now)):
            self._queue_attempt(delivery.id, delivery.next_number, None)
            return True
        current = self._store.delivery(delivery.ref, delivery.id)
        if current is not None and self.awaits_first_attempt(current):
            # Restarted, but the queueing was lost: queue it now.
            self._queue_attempt(current.id, current.next_number, None)
            return True
        return False



