"""What the webhook use cases need from storage, the queue, the network and name resolution."""
from __future__ import annotations

from datetime import datetime
from typing import List, Mapping, Optional, Protocol, Sequence, Tuple

from chalicelib.webhooks.model import AttemptPlan, Delivery, DeliveryRef, Endpoint, SendResult
# Name resolution belongs to the outbound-target rules (chalicelib/targets.py).
from chalicelib.targets import Resolver, UnresolvableHost  # noqa: F401 - re-exported


class WebhookStore(Protocol):
    # --- endpoints -------------------------------------------------------------
    def create_endpoint(self, endpoint: Endpoint, limit: int) -> None:
        """Add the endpoint if the store has fewer than `limit`.

        Raises WebhookLimitReached when full, AlreadyExists if the id is taken."""

    def endpoint(self, store_id: str, endpoint_id: str) -> Optional[Endpoint]: ...

    def endpoints(self, store_id: str) -> List[Endpoint]:
        """Every endpoint of the store, oldest first."""

    def update_endpoint(self, endpoint: Endpoint, changed: Sequence[str],
                        previous_version: int) -> None:
        """Write `endpoint`'s values of the `changed` fields (plus updated_at and
        version) if it is still at `previous_version`.

        Only the named fields are written, so a counter moved by a delivery in
        the meantime is never overwritten. Raises ConcurrentChange."""

    def delete_endpoint(self, store_id: str, endpoint_id: str) -> bool: ...

    def disable_endpoint(self, store_id: str, endpoint_id: str, reason: str, now: datetime,
                         dead_at_least: int) -> bool:
        """Disable if still enabled and its counter is at least `dead_at_least`; True if it did."""

    # --- deliveries ------------------------------------------------------------
    def create_delivery(self, delivery: Delivery, expires_at: datetime) -> Tuple[Delivery, bool]:
        """Put the delivery unless one with its id exists: (the stored one, created?)."""

    def delivery(self, ref: DeliveryRef, delivery_id: str) -> Optional[Delivery]: ...

    def deliveries(self, endpoint_id: str, limit: int,
                   after: Optional[str]) -> Tuple[List[Delivery], Optional[str]]:
        """Newest first; `after` and the returned position are opaque page positions."""

    def claim_attempt(self, delivery: Delivery, number: int, now: datetime,
                      until: datetime) -> bool:
        """Take attempt `number` for this worker: only if it is the next one, the delivery
        is in progress and nobody else holds an unexpired claim on it."""

    def record_attempt(self, delivery: Delivery, plan: AttemptPlan) -> bool:
        """Append the attempt and its state, and move the endpoint's counter, at once.

        False (and nothing written) if that attempt was already recorded."""

    def restart_delivery(self, delivery: Delivery, now: datetime, expires_at: datetime) -> bool:
        """A new attempt cycle for a finished delivery; False if it is not finished
        (someone restarted it first, or it is still in progress)."""


class AttemptQueue(Protocol):
    def send(self, message: Mapping[str, object], delay_seconds: int) -> None: ...


class Sender(Protocol):
    def send(self, url: str, headers: Mapping[str, str], body: bytes,
             timeout: float) -> SendResult:
        """One POST; never raises for anything the receiver does."""
