"""An in-memory WebhookStore with the same conditions as the DynamoDB one."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import Dict, List, Optional, Sequence, Tuple

from chalicelib.errors import AlreadyExists, ConcurrentChange
from chalicelib.webhooks.model import (COUNT, FINISHED, IN_PROGRESS, PENDING, RESET, AttemptPlan,
                                       Delivery, DeliveryRef, Endpoint, WebhookLimitReached)


class MemoryWebhookStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._endpoints: Dict[Tuple[str, str], Endpoint] = {}
        self._deliveries: Dict[str, Delivery] = {}

    # --- endpoints -------------------------------------------------------------
    def create_endpoint(self, endpoint: Endpoint, limit: int) -> None:
        with self._lock:
            key = (endpoint.store_id, endpoint.id)
            if key in self._endpoints:
                raise AlreadyExists("This webhook endpoint already exists.")
            if len(self.endpoints(endpoint.store_id)) >= limit:
                raise WebhookLimitReached()
            self._endpoints[key] = endpoint

    def endpoint(self, store_id: str, endpoint_id: str) -> Optional[Endpoint]:
        with self._lock:
            return self._endpoints.get((store_id, endpoint_id))

    def endpoints(self, store_id: str) -> List[Endpoint]:
        with self._lock:
            found = [e for (sid, _), e in self._endpoints.items() if sid == store_id]
        return sorted(found, key=lambda e: e.id)

    def update_endpoint(self, endpoint: Endpoint, changed: Sequence[str],
                        previous_version: int) -> None:
        with self._lock:
            current = self._endpoints.get((endpoint.store_id, endpoint.id))
            if current is None or current.version != previous_version:
                raise ConcurrentChange()
            values = {name: getattr(endpoint, name) for name in changed}
            self._endpoints[(endpoint.store_id, endpoint.id)] = replace(
                current, **values, updated_at=endpoint.updated_at, version=previous_version + 1)

    def delete_endpoint(self, store_id: str, endpoint_id: str) -> bool:
        with self._lock:
            return self._endpoints.pop((store_id, endpoint_id), None) is not None

    def disable_endpoint(self, store_id: str, endpoint_id: str, reason: str, now: datetime,
                         dead_at_least: int) -> bool:
        with self._lock:
            current = self._endpoints.get((store_id, endpoint_id))
            if current is None or not current.enabled or current.consecutive_dead < dead_at_least:
                return False
            self._endpoints[(store_id, endpoint_id)] = replace(
                current, enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now,
                version=current.version + 1)
            return True

    # --- deliveries ------------------------------------------------------------
    def create_delivery(self, delivery: Delivery, expires_at: datetime) -> Tuple[Delivery, bool]:
        with self._lock:
            if delivery.id in self._deliveries:
                return self._deliveries[delivery.id], False
            self._deliveries[delivery.id] = delivery
            return delivery, True

    def delivery(self, ref: DeliveryRef, delivery_id: str) -> Optional[Delivery]:
        with self._lock:
            found = self._deliveries.get(delivery_id)
        if found is None or found.ref != ref:
            return None
        return found

    def deliveries(self, endpoint_id: str, limit: int,
                   after: Optional[str]) -> Tuple[List[Delivery], Optional[str]]:
        with self._lock:
            mine = [d for d in self._deliveries.values() if d.endpoint_id == endpoint_id]
        ordered = sorted(mine, key=lambda d: f"{d.event_at}#{d.id}", reverse=True)
        if after is not None:
            ordered = [d for d in ordered if f"{d.event_at}#{d.id}" < after]
        page = ordered[:limit]
        more = len(ordered) > limit
        return page, (f"{page[-1].event_at}#{page[-1].id}" if more and page else None)

    def claim_attempt(self, delivery: Delivery, number: int, now: datetime,
                      until: datetime) -> bool:
        with self._lock:
            current = self._deliveries.get(delivery.id)
            if current is None or current.state not in IN_PROGRESS \
                    or current.attempt_count != number - 1:
                return False
            if current.claimed_attempt == number and current.claimed_until \
                    and current.claimed_until > now:
                return False
            self._deliveries[delivery.id] = replace(current, claimed_attempt=number,
                                                    claimed_until=until)
            return True

    def record_attempt(self, delivery: Delivery, plan: AttemptPlan) -> bool:
        with self._lock:
            current = self._deliveries.get(delivery.id)
            if current is None or current.attempt_count != plan.attempt.number - 1:
                return False
            self._deliveries[delivery.id] = replace(
                current, attempts=current.attempts + (plan.attempt,), state=plan.state,
                next_attempt_at=plan.next_attempt_at)
            key = (delivery.store_id, delivery.endpoint_id)
            endpoint = self._endpoints.get(key)
            if endpoint is not None and plan.counter == COUNT:
                self._endpoints[key] = replace(endpoint,
                                               consecutive_dead=endpoint.consecutive_dead + 1)
            elif endpoint is not None and plan.counter == RESET:
                self._endpoints[key] = replace(endpoint, consecutive_dead=0)
            return True

    def restart_delivery(self, delivery: Delivery, now: datetime, expires_at: datetime) -> bool:
        with self._lock:
            current = self._deliveries.get(delivery.id)
            if current is None or current.state not in FINISHED \
                    or current.attempt_count != delivery.attempt_count:
                return False
            self._deliveries[delivery.id] = replace(
                current, state=PENDING, cycle_start=current.attempt_count, next_attempt_at=now,
                claimed_attempt=0, claimed_until=None)
            return True
