"""Webhook use cases: endpoints (CRUD, rotation, enable), test pings, the delivery log.

Plain Python over the ports; the pipeline (`delivery.py`) does the sending.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock, iso
from chalicelib.errors import (AlreadyExists, ConcurrentChange, IdempotencyKeyReused, NotFound,
                               ValidationFailed)
from chalicelib.ids import new_id
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit
from chalicelib.webhooks import signing, validation
from chalicelib.webhooks.delivery import DeliveryPipeline, payload
from chalicelib.webhooks.model import (DISABLED_BY_MERCHANT, MAX_ATTEMPTS_PER_DELIVERY,
                                       MAX_ENDPOINTS, ROTATION_GRACE, SUCCEEDED, TEST_EVENT,
                                       DeliveryAttemptsExhausted, DeliveryInProgress, Endpoint,
                                       delivery_ref)
from chalicelib.webhooks.ports import Resolver, WebhookStore
from chalicelib.webhooks.serialize import delivery_view, endpoint_view

CURSOR_PREFIX = "whd:"
# Changing the settings retries this often when a delivery disabled the endpoint meanwhile.
WRITE_RETRIES = 3


def _request_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class WebhookService:
    def __init__(self, store: WebhookStore, pipeline: DeliveryPipeline, resolver: Resolver,
                 clock: Clock, allow_loopback: bool) -> None:
        self._store = store
        self._pipeline = pipeline
        self._resolver = resolver
        self._clock = clock
        self._allow_loopback = allow_loopback

    # --- the workers' entry points ---------------------------------------------------
    def handle_event(self, message: Mapping[str, Any]) -> None:
        self._pipeline.handle_event(message)

    def handle_attempt(self, message: Mapping[str, Any]) -> None:
        self._pipeline.handle_attempt(message)

    # --- endpoints ------------------------------------------------------------------
    def create(self, store_id: str, body: Mapping[str, Any],
               idempotency_key: Optional[str] = None) -> Tuple[Dict[str, Any], bool]:
        """(the endpoint with its secret, replayed?). The secret is shown here only."""
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
            raise ValidationFailed(fields={"Idempotency-Key": "must be 1 to 255 characters"})
        fields = validation.parse_create(body, self._resolver, self._allow_loopback)
        now = self._clock()
        request_hash = _request_hash(body) if idempotency_key else None
        endpoint_id = new_id("wh_") if idempotency_key is None else "wh_" + hashlib.sha256(
            f"{store_id}|{idempotency_key}".encode("utf-8")).hexdigest()[:22]
        endpoint = Endpoint(id=endpoint_id, store_id=store_id, url=fields["url"],
                            events=fields["events"], description=fields["description"],
                            secret=signing.new_secret(), created_at=now, updated_at=now,
                            request_hash=request_hash)
        try:
            self._store.create_endpoint(endpoint, MAX_ENDPOINTS)
        except AlreadyExists:
            # Only a derived id can clash: this Idempotency-Key was used before.
            first = self._store.endpoint(store_id, endpoint_id)
            if first is None or first.request_hash != request_hash:
                raise IdempotencyKeyReused() from None
            return self._with_secret(first, first.secret, now), True
        return self._with_secret(endpoint, endpoint.secret, now), False

    def _with_secret(self, endpoint: Endpoint, secret: str, now: datetime) -> Dict[str, Any]:
        return {**endpoint_view(endpoint, now), "secret": secret}

    def list(self, store_id: str) -> List[Dict[str, Any]]:
        now = self._clock()
        return [endpoint_view(e, now) for e in self._store.endpoints(store_id)]

    def _endpoint(self, store_id: str, endpoint_id: str) -> Endpoint:
        endpoint = self._store.endpoint(store_id, endpoint_id) if endpoint_id.startswith("wh_") else None
        if endpoint is None:
            raise NotFound("No such webhook endpoint.")
        return endpoint

    def get(self, store_id: str, endpoint_id: str) -> Dict[str, Any]:
        return endpoint_view(self._endpoint(store_id, endpoint_id), self._clock())

    def update(self, store_id: str, endpoint_id: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        changes = validation.parse_patch(body, self._resolver, self._allow_loopback)
        if "enabled" in changes:
            enabled = changes.pop("enabled")
            changes.update(self._enabled_changes(enabled))
        return endpoint_view(self._change(store_id, endpoint_id, lambda _: changes), self._clock())

    def _enabled_changes(self, enabled: bool) -> Dict[str, Any]:
        if enabled:
            return {"enabled": True, "consecutive_dead": 0, "disabled_reason": None,
                    "disabled_at": None}
        return {"enabled": False, "disabled_reason": DISABLED_BY_MERCHANT,
                "disabled_at": self._clock()}

    def _change(self, store_id: str, endpoint_id: str, changes_for) -> Endpoint:
        """Apply `changes_for(current)` under the endpoint's version, re-reading on a race."""
        for attempt in range(WRITE_RETRIES):
            current = self._endpoint(store_id, endpoint_id)
            changes = changes_for(current)
            if not current.enabled and changes.get("enabled") is False:
                # Already off: keep the reason it was turned off for.
                changes = {k: v for k, v in changes.items()
                           if k not in ("enabled", "disabled_reason", "disabled_at")}
            updated = current.changed(**changes, updated_at=self._clock(),
                                      version=current.version + 1)
            try:
                self._store.update_endpoint(updated, sorted(changes), current.version)
            except ConcurrentChange:
                if attempt == WRITE_RETRIES - 1:
                    raise
                continue
            return updated
        raise ConcurrentChange()

    def delete(self, store_id: str, endpoint_id: str) -> None:
        if not endpoint_id.startswith("wh_") or not self._store.delete_endpoint(store_id, endpoint_id):
            raise NotFound("No such webhook endpoint.")

    def rotate_secret(self, store_id: str, endpoint_id: str) -> Dict[str, Any]:
        """A new secret, shown once; the old one keeps signing for ROTATION_GRACE."""
        secret = signing.new_secret()
        now = self._clock()
        updated = self._change(store_id, endpoint_id, lambda current: {
            "secret": secret, "previous_secret": current.secret,
            "previous_secret_expires_at": now + ROTATION_GRACE})
        return self._with_secret(updated, secret, now)

    def enable(self, store_id: str, endpoint_id: str) -> Dict[str, Any]:
        updated = self._change(store_id, endpoint_id, lambda _: self._enabled_changes(True))
        return endpoint_view(updated, self._clock())

    # --- test pings and the delivery log ---------------------------------------------
    def test(self, store_id: str, endpoint_id: str) -> Dict[str, Any]:
        """Send a `webhook.test` event now and answer with the attempt's result."""
        endpoint = self._endpoint(store_id, endpoint_id)
        at = iso(self._clock())
        event_id = new_id("evt_test_")
        body = payload(TEST_EVENT, at, {"webhook_id": endpoint.id, "store_id": store_id,
                                        "message": "A test event from dzorders."})
        delivery = self._pipeline.start_now(endpoint, event_id, TEST_EVENT, at, body)
        plan = self._pipeline.attempt(endpoint, delivery, 1)
        if plan is None:
            raise ConcurrentChange()
        attempt = plan.attempt
        return {"delivery_id": delivery.id, "succeeded": plan.state == SUCCEEDED,
                "status_code": attempt.status_code, "duration_ms": attempt.duration_ms,
                "error": attempt.error, "response_excerpt": attempt.response_excerpt}

    def deliveries(self, store_id: str, endpoint_id: str,
                   query: Mapping[str, str]) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        limit = parse_limit(query, default=20)
        after = decode_cursor(query, CURSOR_PREFIX)
        endpoint = self._endpoint(store_id, endpoint_id)
        items, position = self._store.deliveries(
            endpoint.id, limit, after[len(CURSOR_PREFIX):] if after else None)
        return ([delivery_view(d) for d in items],
                encode_cursor(CURSOR_PREFIX + position) if position else None)

    def redeliver(self, store_id: str, delivery_id_value: str) -> Dict[str, Any]:
        ref = delivery_ref(delivery_id_value)
        delivery = self._store.delivery(ref, delivery_id_value) if ref else None
        if delivery is None or delivery.store_id != store_id:
            raise NotFound("No such webhook delivery.")
        if delivery.attempt_count >= MAX_ATTEMPTS_PER_DELIVERY:
            raise DeliveryAttemptsExhausted()
        self._endpoint(store_id, delivery.endpoint_id)
        if not self._pipeline.restart(delivery):
            raise DeliveryInProgress()
        return delivery_view(self._store.delivery(delivery.ref, delivery.id) or delivery)
