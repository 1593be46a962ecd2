"""WebhookStore on DynamoDB (DATA-MODEL question 19).

Items:
  STORE#<id> / WEBHOOK#<id>        an endpoint: settings, secrets, dead counter, `version`
  STORE#<id> / WEBHOOKS            how many endpoints the store has (the limit's guard)
  WEBHOOK#<id> / <at>#<delivery>   a delivery with its attempts (TTL); <at> is the event's
                                   time, and the delivery id carries both key parts, so
                                   redeliver is one GetItem.
Times are stored as ISO-8601 text with `Z` (sortable, and readable in stream images).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, List, Optional, Sequence, Tuple

from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute,
                                 UnicodeAttribute)
from pynamodb.exceptions import DoesNotExist, PutError, PynamoDBException, TransactWriteError, UpdateError

from chalicelib import dynamo
from chalicelib.clock import iso, parse_iso
from chalicelib.dynamo import TableItem
from chalicelib.errors import AlreadyExists, ConcurrentChange
from chalicelib.webhooks.model import (COUNT, FINISHED, IN_PROGRESS, PENDING, RESET, Attempt,
                                       AttemptPlan, Delivery, DeliveryRef, Endpoint,
                                       WebhookLimitReached)

CONDITION_FAILED = "ConditionalCheckFailedException"


def _time(value: Optional[str]) -> Optional[datetime]:
    return parse_iso(value) if value else None


class WebhookEndpointItem(TableItem, discriminator="webhook_endpoint"):
    endpoint_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute()
    disabled_reason = UnicodeAttribute(null=True)
    disabled_at = UnicodeAttribute(null=True)
    consecutive_dead = NumberAttribute(default=0)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_expires_at = UnicodeAttribute(null=True)
    request_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute()

    @staticmethod
    def key(store_id: str, endpoint_id: str):
        return f"STORE#{store_id}", f"WEBHOOK#{endpoint_id}"


class WebhookCountItem(TableItem, discriminator="webhook_count"):
    count = NumberAttribute(default=0)

    @staticmethod
    def key(store_id: str):
        return f"STORE#{store_id}", "WEBHOOKS"


class AttemptMap(MapAttribute):
    number = NumberAttribute()
    at = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    duration_ms = NumberAttribute()
    error = UnicodeAttribute(null=True)
    response_excerpt = UnicodeAttribute(null=True)


class WebhookDeliveryItem(TableItem, discriminator="webhook_delivery"):
    delivery_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    event_at = UnicodeAttribute()
    payload = UnicodeAttribute()
    created_at = UnicodeAttribute()
    state = UnicodeAttribute()
    attempts = ListAttribute(of=AttemptMap, default=list)
    attempt_count = NumberAttribute(default=0)
    cycle_start = NumberAttribute(default=0)
    next_attempt_at = UnicodeAttribute(null=True)
    claimed_attempt = NumberAttribute(default=0)
    claimed_until = UnicodeAttribute(null=True)

    @staticmethod
    def key(ref: DeliveryRef, delivery_id: str):
        return f"WEBHOOK#{ref.endpoint_id}", f"{ref.at}#{delivery_id}"


# Endpoint fields and how each is stored (time fields as ISO text).
_TIME_FIELDS = ("disabled_at", "previous_secret_expires_at", "created_at", "updated_at")


def _stored(name: str, value: Any) -> Any:
    if name in _TIME_FIELDS:
        return iso(value)
    if name == "events":
        return list(value)
    return value


def _endpoint_item(endpoint: Endpoint) -> WebhookEndpointItem:
    pk, sk = WebhookEndpointItem.key(endpoint.store_id, endpoint.id)
    names = ("store_id", "url", "events", "description", "enabled", "disabled_reason",
             "disabled_at", "consecutive_dead", "secret", "previous_secret",
             "previous_secret_expires_at", "request_hash", "created_at", "updated_at", "version")
    return WebhookEndpointItem(pk, sk, endpoint_id=endpoint.id,
                               **{n: _stored(n, getattr(endpoint, n)) for n in names})


def _endpoint(item: WebhookEndpointItem) -> Endpoint:
    return Endpoint(id=item.endpoint_id, store_id=item.store_id, url=item.url,
                    events=tuple(item.events or ()), description=item.description or "",
                    enabled=bool(item.enabled), disabled_reason=item.disabled_reason,
                    disabled_at=_time(item.disabled_at),
                    consecutive_dead=int(item.consecutive_dead or 0), secret=item.secret,
                    previous_secret=item.previous_secret,
                    previous_secret_expires_at=_time(item.previous_secret_expires_at),
                    request_hash=item.request_hash, created_at=parse_iso(item.created_at),
                    updated_at=parse_iso(item.updated_at), version=int(item.version))


def _attempt_map(attempt: Attempt) -> AttemptMap:
    return AttemptMap(number=attempt.number, at=iso(attempt.at), status_code=attempt.status_code,
                      duration_ms=attempt.duration_ms, error=attempt.error,
                      response_excerpt=attempt.response_excerpt)


def _attempt(raw: AttemptMap) -> Attempt:
    code = raw.status_code
    return Attempt(number=int(raw.number), at=parse_iso(raw.at),
                   status_code=None if code is None else int(code),
                   duration_ms=int(raw.duration_ms), error=raw.error,
                   response_excerpt=raw.response_excerpt)


def _delivery(item: WebhookDeliveryItem) -> Delivery:
    return Delivery(id=item.delivery_id, store_id=item.store_id, endpoint_id=item.endpoint_id,
                    event_id=item.event_id, event_type=item.event_type, event_at=item.event_at,
                    payload=item.payload, created_at=parse_iso(item.created_at), state=item.state,
                    attempts=tuple(_attempt(a) for a in (item.attempts or [])),
                    cycle_start=int(item.cycle_start or 0),
                    next_attempt_at=_time(item.next_attempt_at),
                    claimed_attempt=int(item.claimed_attempt or 0),
                    claimed_until=_time(item.claimed_until))


def _delivery_item(delivery: Delivery, expires_at: datetime) -> WebhookDeliveryItem:
    pk, sk = WebhookDeliveryItem.key(delivery.ref, delivery.id)
    return WebhookDeliveryItem(
        pk, sk, delivery_id=delivery.id, store_id=delivery.store_id,
        endpoint_id=delivery.endpoint_id, event_id=delivery.event_id,
        event_type=delivery.event_type, event_at=delivery.event_at, payload=delivery.payload,
        created_at=iso(delivery.created_at), state=delivery.state,
        attempts=[_attempt_map(a) for a in delivery.attempts],
        attempt_count=delivery.attempt_count, cycle_start=delivery.cycle_start,
        next_attempt_at=iso(delivery.next_attempt_at), ttl=expires_at)


def _failed(error: PynamoDBException) -> bool:
    return getattr(error, "cause_response_code", None) == CONDITION_FAILED


def _cancelled_at(error: TransactWriteError) -> List[bool]:
    return [code == "ConditionalCheckFailed" for code in dynamo.cancellation_codes(error)]


class DynamoWebhookStore:
    # --- endpoints -------------------------------------------------------------
    def create_endpoint(self, endpoint: Endpoint, limit: int) -> None:
        count = WebhookCountItem(*WebhookCountItem.key(endpoint.store_id))
        try:
            with dynamo.transaction() as tx:
                # An endpoint id is created once (a derived id: one Idempotency-Key).
                tx.save(_endpoint_item(endpoint), condition=WebhookEndpointItem.pk.does_not_exist())
                # At most `limit` endpoints per store.
                tx.update(count, actions=[WebhookCountItem.count.add(1),
                                          WebhookCountItem.item_type.set(WebhookCountItem)],
                          condition=WebhookCountItem.count.does_not_exist()
                          | (WebhookCountItem.count < limit))
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            # Items by kind: the put, then the counter update.
            taken, full = (_cancelled_at(error) + [False, False])[:2]
            if taken:
                raise AlreadyExists("This webhook endpoint already exists.") from error
            raise WebhookLimitReached() from error

    def endpoint(self, store_id: str, endpoint_id: str) -> Optional[Endpoint]:
        try:
            return _endpoint(WebhookEndpointItem.get(*WebhookEndpointItem.key(store_id, endpoint_id),
                                                     consistent_read=True))
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def endpoints(self, store_id: str) -> List[Endpoint]:
        try:
            items = WebhookEndpointItem.query(f"STORE#{store_id}",
                                              WebhookEndpointItem.sk.startswith("WEBHOOK#"),
                                              consistent_read=True)
            return sorted((_endpoint(item) for item in items), key=lambda e: e.id)
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def update_endpoint(self, endpoint: Endpoint, changed: Sequence[str],
                        previous_version: int) -> None:
        item = WebhookEndpointItem(*WebhookEndpointItem.key(endpoint.store_id, endpoint.id))
        actions = []
        for name in changed:
            attribute = getattr(WebhookEndpointItem, name)
            value = _stored(name, getattr(endpoint, name))
            actions.append(attribute.remove() if value is None else attribute.set(value))
        actions += [WebhookEndpointItem.updated_at.set(iso(endpoint.updated_at)),
                    WebhookEndpointItem.version.set(previous_version + 1)]
        try:
            # Optimistic lock: nobody changed the settings since we read them. Only
            # the named attributes are written, so the dead counter keeps its moves.
            item.update(actions=actions, condition=WebhookEndpointItem.version == previous_version)
        except UpdateError as error:
            if _failed(error):
                raise ConcurrentChange() from error
            raise dynamo.unavailable(error) from error

    def delete_endpoint(self, store_id: str, endpoint_id: str) -> bool:
        item = WebhookEndpointItem(*WebhookEndpointItem.key(store_id, endpoint_id))
        count = WebhookCountItem(*WebhookCountItem.key(store_id))
        try:
            with dynamo.transaction() as tx:
                # Delete exactly once, so the counter moves exactly once.
                tx.delete(item, condition=WebhookEndpointItem.pk.exists())
                tx.update(count, actions=[WebhookCountItem.count.add(-1)])
        except TransactWriteError as error:
            if dynamo.was_cancelled(error):
                return False
            raise dynamo.unavailable(error) from error
        return True

    def disable_endpoint(self, store_id: str, endpoint_id: str, reason: str, now: datetime,
                         dead_at_least: int) -> bool:
        item = WebhookEndpointItem(*WebhookEndpointItem.key(store_id, endpoint_id))
        try:
            item.update(actions=[WebhookEndpointItem.enabled.set(False),
                                 WebhookEndpointItem.disabled_reason.set(reason),
                                 WebhookEndpointItem.disabled_at.set(iso(now)),
                                 WebhookEndpointItem.updated_at.set(iso(now)),
                                 WebhookEndpointItem.version.add(1)],
                        # Disable once, and only while the dead run still stands (an
                        # enable or a success in between resets it).
                        condition=(WebhookEndpointItem.enabled == True)  # noqa: E712
                        & (WebhookEndpointItem.consecutive_dead >= dead_at_least))
        except UpdateError as error:
            if _failed(error):
                return False
            raise dynamo.unavailable(error) from error
        return True

    # --- deliveries ------------------------------------------------------------
    def create_delivery(self, delivery: Delivery, expires_at: datetime) -> Tuple[Delivery, bool]:
        try:
            # One event to one endpoint is one delivery, however often the event comes.
            _delivery_item(delivery, expires_at).save(
                condition=WebhookDeliveryItem.pk.does_not_exist())
            return delivery, True
        except PutError as error:
            if not _failed(error):
                raise dynamo.unavailable(error) from error
        existing = self.delivery(delivery.ref, delivery.id)
        if existing is None:
            raise ConcurrentChange()
        return existing, False

    def delivery(self, ref: DeliveryRef, delivery_id: str) -> Optional[Delivery]:
        try:
            return _delivery(WebhookDeliveryItem.get(*WebhookDeliveryItem.key(ref, delivery_id),
                                                     consistent_read=True))
        except DoesNotExist:
            return None
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error

    def deliveries(self, endpoint_id: str, limit: int,
                   after: Optional[str]) -> Tuple[List[Delivery], Optional[str]]:
        pk = f"WEBHOOK#{endpoint_id}"
        start = {"pk": {"S": pk}, "sk": {"S": after}} if after else None
        try:
            # One more than asked: whether there is a next page, without an empty last one.
            items = list(WebhookDeliveryItem.query(pk, scan_index_forward=False, limit=limit + 1,
                                                   last_evaluated_key=start))
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        page = items[:limit]
        return [_delivery(i) for i in page], (page[-1].sk if len(items) > limit else None)

    def claim_attempt(self, delivery: Delivery, number: int, now: datetime,
                      until: datetime) -> bool:
        item = WebhookDeliveryItem(*WebhookDeliveryItem.key(delivery.ref, delivery.id))
        try:
            item.update(actions=[WebhookDeliveryItem.claimed_attempt.set(number),
                                 WebhookDeliveryItem.claimed_until.set(iso(until))],
                        # It is the next attempt, the delivery is still in progress ...
                        condition=(WebhookDeliveryItem.attempt_count == number - 1)
                        & WebhookDeliveryItem.state.is_in(*IN_PROGRESS)
                        # ... and no live worker holds it (a dead one's claim expires).
                        & ((WebhookDeliveryItem.claimed_attempt != number)
                           | WebhookDeliveryItem.claimed_until.does_not_exist()
                           | (WebhookDeliveryItem.claimed_until < iso(now))))
        except UpdateError as error:
            if _failed(error):
                return False
            raise dynamo.unavailable(error) from error
        return True

    def _delivery_actions(self, plan: AttemptPlan) -> list:
        next_at = WebhookDeliveryItem.next_attempt_at
        attempts = WebhookDeliveryItem.attempts
        return [attempts.set(attempts.append([_attempt_map(plan.attempt)])),
                WebhookDeliveryItem.attempt_count.add(1),
                WebhookDeliveryItem.state.set(plan.state),
                next_at.set(iso(plan.next_attempt_at)) if plan.next_attempt_at else next_at.remove()]

    def record_attempt(self, delivery: Delivery, plan: AttemptPlan) -> bool:
        item = WebhookDeliveryItem(*WebhookDeliveryItem.key(delivery.ref, delivery.id))
        # Each attempt number is recorded once: a duplicate finds the count moved.
        recorded_once = WebhookDeliveryItem.attempt_count == plan.attempt.number - 1
        counter = {COUNT: WebhookEndpointItem.consecutive_dead.add(1),
                   RESET: WebhookEndpointItem.consecutive_dead.set(0)}.get(plan.counter)
        if counter is not None:
            endpoint = WebhookEndpointItem(*WebhookEndpointItem.key(delivery.store_id,
                                                                    delivery.endpoint_id))
            try:
                with dynamo.transaction() as tx:
                    tx.update(item, actions=self._delivery_actions(plan), condition=recorded_once)
                    # Only an endpoint that still exists (an update would create one).
                    tx.update(endpoint, actions=[counter],
                              condition=WebhookEndpointItem.pk.exists())
                return True
            except TransactWriteError as error:
                if not dynamo.was_cancelled(error):
                    raise dynamo.unavailable(error) from error
                if (_cancelled_at(error) + [True])[0]:
                    return False
                # The endpoint was deleted meanwhile: record the attempt alone.
        try:
            item.update(actions=self._delivery_actions(plan), condition=recorded_once)
        except UpdateError as error:
            if _failed(error):
                return False
            raise dynamo.unavailable(error) from error
        return True

    def restart_delivery(self, delivery: Delivery, now: datetime, expires_at: datetime) -> bool:
        item = WebhookDeliveryItem(*WebhookDeliveryItem.key(delivery.ref, delivery.id))
        try:
            item.update(actions=[WebhookDeliveryItem.state.set(PENDING),
                                 WebhookDeliveryItem.cycle_start.set(delivery.attempt_count),
                                 WebhookDeliveryItem.next_attempt_at.set(iso(now)),
                                 WebhookDeliveryItem.claimed_attempt.set(0),
                                 WebhookDeliveryItem.claimed_until.remove(),
                                 WebhookDeliveryItem.ttl.set(expires_at)],
                        # Only a finished delivery, as we read it: two redelivers start one cycle.
                        condition=WebhookDeliveryItem.state.is_in(*FINISHED)
                        & (WebhookDeliveryItem.attempt_count == delivery.attempt_count))
        except UpdateError as error:
            if _failed(error):
                return False
            raise dynamo.unavailable(error) from error
        return True
