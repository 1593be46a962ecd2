"""Courier use cases: accounts, shipping an order, tracking it back. Plain Python.

The courier adapters, the account store, the cipher, the tracking queue and the
order store come in as ports; what happens to an order is planned by
chalicelib/orders/shipments.py and written by the order store in one transaction.

Shipping is asynchronous: a request writes `shipment_requested` on the order
(the table stream turns it into a `shipment.requested` event that feeds the
courier jobs queue); the job worker calls the courier. A job first claims the
shipment (a write conditioned on the order's version, so two deliveries of the
same job never both call the courier), looks for a parcel it may already have
made (our order number is the parcel's reference), and only then creates one.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock, iso
from chalicelib.config import Settings
from chalicelib.couriers import model, registry
from chalicelib.couriers.base import (CourierAccount,
                                      CourierAuthFailed, CourierClient, CourierRejected,
                                      CourierUnavailable, CourierUnsupported, Destination,
                                      ParcelLine, ParcelRequest, Parcel, Recipient)
from chalicelib.couriers.ports import CourierAccountStore, CredentialCipher, CredentialsUnreadable
from chalicelib.errors import (ConcurrentChange, CourierAuthRefused, CourierDown,
                               CourierNotConfigured, DomainError, IdempotencyKeyReused, NotFound,
                               Unsupported, ValidationFailed)
from chalicelib.logs import get_logger, log
from chalicelib.orders import shipments
from chalicelib.orders.model import Actor, Order

logger = get_logger("couriers")
# A job that found the courier unavailable this many times gives up (shipment_failed).
MAX_JOB_ATTEMPTS = 5
# The wait before a job tries a courier again: doubling from a minute, at most 15 min
# (SQS's longest visibility change we use), or longer if the courier asked for it.
FIRST_RETRY_SECONDS = 60
LONGEST_RETRY_SECONDS = 900


def retry_delay(attempt: int, retry_after: Optional[float] = None) -> int:
    """Seconds before the next try of a job that found its courier unavailable."""
    backoff = min(FIRST_RETRY_SECONDS * 2 ** max(attempt - 1, 0), LONGEST_RETRY_SECONDS)
    return int(max(backoff, min(retry_after or 0, LONGEST_RETRY_SECONDS)))


class CourierService:
    def __init__(self, accounts: CourierAccountStore, cipher: CredentialCipher, orders: Any,
                 stores: Any, geography: Any, settings: Settings, clock: Clock,
                 client_factory: Callable[[CourierAccount, registry.CourierSpec], CourierClient],
                 shipping: Any = None, desks: Any = None) -> None:
        self._accounts, self._cipher, self._orders = accounts, cipher, orders
        self._stores, self._geography, self._settings = stores, geography, settings
        self._clock, self._client_factory, self._shipping = clock, client_factory, shipping
        self._desks = desks

    # --- accounts ------------------------------------------------------------------------
    @staticmethod
    def _spec(code: str) -> registry.CourierSpec:
        spec = registry.spec(code)
        if spec is None:
            raise NotFound(f"No courier is called {code!r}; known: "
                           f"{model.known_codes(list(registry.codes()))}.")
        return spec

    def _callback_url(self, record: model.CourierAccountRecord) -> str:
        return f"{self._settings.public_api_url}/v1/callbacks/{record.code}/{record.callback_token}"

    def _view(self, record: model.CourierAccountRecord) -> Dict[str, Any]:
        spec = self._spec(record.code)
        return model.serialize(record, spec, self._callback_url(record), spec.polled)

    def accounts(self, store_id: str) -> List[Dict[str, Any]]:
        return [self._view(record) for record in self._accounts.list(store_id)]

    def shipping_choices(self, store_id: str) -> List[Dict[str, str]]:
        """The couriers this store has set up, by code and name only: what anyone who
        may ship an order needs to pick one, without the accounts' settings."""
        return [{"code": record.code, "name": self._spec(record.code).name}
                for record in self._accounts.list(store_id)]

    def account(self, store_id: str, code: str) -> Dict[str, Any]:
        return self._view(self._record(store_id, code))

    def _record(self, store_id: str, code: str) -> model.CourierAccountRecord:
        self._spec(code)
        record = self._accounts.get(store_id, code)
        if record is None:
            raise CourierNotConfigured(f"{self._spec(code).name} is not set up for this store; "
                                       f"PUT /v1/couriers/{code} first.",
                                       fields={"courier": "is not set up"})
        return record

    def put_account(self, store_id: str, code: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        spec = self._spec(code)
        existing = self._accounts.get(store_id, code)
        credentials, settings = model.parse_account(
            spec, body, self._settings.allow_loopback_urls,
            existing.credential_fields if existing else ())
        context = {"store_id": store_id, "courier": code}
        now = self._clock()
        if credentials is None and existing is not None:
            ciphertext, fields = existing.ciphertext, existing.credential_fields
        else:
            credentials = credentials or {}
            ciphertext = self._cipher.seal(credentials, context) if credentials else ""
            fields = tuple(sorted(credentials))
        record = model.CourierAccountRecord(
            store_id=store_id, code=code, ciphertext=ciphertext, credential_fields=fields,
            settings=settings, callback_token=existing.callback_token if existing
            else model.new_callback_token(), created_at=existing.created_at if existing else now,
            updated_at=now)
        self._accounts.save(record)
        log(logger, logging.INFO, "courier account saved", store_id=store_id, courier=code)
        return self._view(record)

    def delete_account(self, store_id: str, code: str) -> None:
        self._spec(code)
        if not self._accounts.delete(store_id, code):
            raise NotFound(f"{code} is not set up for this store.")
        if self._desks is not None:
            self._desks.delete(store_id, code)

    def client_for(self, record: model.CourierAccountRecord) -> CourierClient:
        spec = self._spec(record.code)
        if not spec.has_api:
            raise Unsupported(f"{spec.name} has no API.", fields={"courier": "has no API"})
        try:
            credentials = self._cipher.open(record.ciphertext, {"store_id": record.store_id,
                                                                "courier": record.code}) \
                if record.ciphertext else {}
        except CredentialsUnreadable:
            raise CourierNotConfigured(
                f"The stored {spec.name} credentials can no longer be read; enter them again.",
                fields={"credentials": "enter them again"})
        return self._client_factory(CourierAccount(record.code, credentials, record.settings), spec)

    def test_account(self, store_id: str, code: str) -> Dict[str, Any]:
        record = self._record(store_id, code)
        client = self.client_for(record)
        now = self._clock()
        try:
            client.check_credentials()
        except CourierAuthFailed as error:
            self._accounts.record_check(store_id, code, model.check_outcome(False, error.message, now))
            raise CourierAuthRefused(f"{self._spec(code).name} refused these credentials.",
                                     fields={"credentials": error.message})
        except CourierUnavailable as error:
            raise CourierDown(f"{self._spec(code).name} did not answer: {error.message}")
        outcome = model.check_outcome(True, "The courier accepted the credentials.", now)
        self._accounts.record_check(store_id, code, outcome)
        return {"ok": True, "checked_at": outcome["at"]}

    def sync(self, store_id: str, code: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        """The courier's stop desks (kept: checkout offers them). With `{"rates": true}` also
        its fees from the sender's wilaya; with `{"import_rates": true}` those fees become
        the store's delivery rates. Fees are asked for only on request: some couriers price
        one destination per call, which spends their rate limit that shipping needs too."""
        bad = {key: "is not a sync option; give rates and/or import_rates (true or false)"
               for key in body if key not in ("rates", "import_rates")}
        bad.update({key: "must be true or false" for key in ("rates", "import_rates")
                    if not isinstance(body.get(key, False), bool)})
        if bad:
            raise ValidationFailed(fields=bad)
        record = self._record(store_id, code)
        client = self.client_for(record)
        sender = int(record.settings.get("sender_wilaya") or 16)
        try:
            desks = client.stop_desks()
        except CourierAuthFailed as error:
            raise CourierAuthRefused(fields={"credentials": error.message})
        except CourierUnavailable as error:
            raise CourierDown(f"The courier did not answer: {error.message}")
        listed = [{"id": d.id, "name": d.name, "wilaya": d.wilaya, "commune": d.commune,
                   "address": d.address} for d in desks]
        # What the storefront offers at checkout (GET /v1/stores/{slug}/stop-desks).
        if self._desks is not None:
            self._desks.save(store_id, code, listed, iso(self._clock()))
        answer: Dict[str, Any] = {"sender_wilaya": sender, "stop_desks": listed, "rates": None,
                                  "rates_error": None, "rates_imported": False}
        if not (body.get("rates") or body.get("import_rates")):
            return answer
        rates, rates_error = None, None
        try:
            rates = client.rates(sender)
        except (CourierUnavailable, CourierRejected) as error:
            # Beyond what the courier's rate limit allows in one go: the stop desks still
            # count, the fees can be asked for again later.
            rates_error = error.message
        answer.update(rates=None if rates is None else [
            {"wilaya": r.wilaya, "home": r.home, "stop_desk": r.stop_desk} for r in rates],
            rates_error=rates_error)
        if body.get("import_rates") and rates:
            self._shipping.update_rates(store_id, {"rates": [
                {"wilaya": r.wilaya, "home": r.home, "enabled": True,
                 **({"stop_desk": r.stop_desk} if r.stop_desk is not None else {})}
                for r in rates if r.home is not None]})
            answer["rates_imported"] = True
        return answer

    def public_stop_desks(self, slug: str, wilaya: Optional[str]) -> Dict[str, Any]:
        """The stop desks a store's couriers offer, as last synced, for its storefront."""
        store_id = self._stores.store_id_for_slug(slug)
        code = None
        if wilaya not in (None, ""):
            if not str(wilaya).isdigit() or not 1 <= int(wilaya) <= 69:
                raise ValidationFailed(fields={"wilaya": "must be a wilaya code, 1 to 69"})
            code = int(wilaya)
        configured = {record.code for record in self._accounts.list(store_id)}
        items = [dict(desk, courier=courier)
                 for courier, desks in sorted((self._desks.for_store(store_id) if self._desks
                                               else {}).items())
                 if courier in configured
                 for desk in desks if code is None or desk.get("wilaya") == code]
        return {"items": items, "next_cursor": None}

    def stop_desk_offered(self, store_id: str, wilaya: int, desk_id: str) -> bool:
        """Whether a courier the store set up offers this stop desk in this wilaya."""
        if self._desks is None:
            return False
        configured = {record.code for record in self._accounts.list(store_id)}
        return any(str(desk.get("id")) == desk_id and desk.get("wilaya") == wilaya
                   for courier, desks in self._desks.for_store(store_id).items()
                   if courier in configured for desk in desks)

    def unmapped_statuses(self, store_id: str) -> Dict[str, Any]:
        return {"items": self._accounts.unmapped(store_id), "next_cursor": None}

    # --- shipping ------------------------------------------------------------------------
    def _owned_order(self, store_id: str, order_id: str) -> Order:
        found = self._orders.order(order_id)
        if found is None or found[0].store_id != store_id:
            raise NotFound("No such order.")
        return found[0]

    def request_shipment(self, store_id: str, order_id: str, body: Mapping[str, Any],
                         actor: Actor, idempotency_key: Optional[str] = None) -> Tuple[Order, bool]:
        """Ask to ship; returns the order and whether this was a replay of the same request
        (same Idempotency-Key and body: the first answer again, nothing asked twice)."""
        code, options = parse_shipment_request(body)
        spec = self._spec_for_body(code)
        record = self._record(store_id, code) if spec.has_api else None
        order = self._owned_order(store_id, order_id)
        if idempotency_key:
            if len(idempotency_key) > 255:
                raise ValidationFailed(fields={"Idempotency-Key": "must be at most 255 characters"})
            replay = _replayed(order, idempotency_key, code, options)
            if replay:
                return order, True
            options = dict(options, idempotency_key=idempotency_key)
        now = self._clock()
        plan = shipments.plan_request(order, code, uuid.uuid4().hex, options, actor, now)
        if record is None:   # manual: the merchant ships it themselves
            return self._ship_manually(order, plan, options, actor, now), False
        self._orders.apply_shipment(plan)
        return self._owned_order(store_id, order_id), False

    @staticmethod
    def _spec_for_body(code: str) -> registry.CourierSpec:
        spec = registry.spec(code)
        if spec is None:
            raise ValidationFailed(fields={"courier": "is not a courier; known: "
                                           + model.known_codes(list(registry.codes()))})
        return spec

    def _ship_manually(self, order: Order, request_plan: shipments.ShipmentPlan,
                       options: Dict[str, Any], actor: Actor, now: datetime) -> Order:
        requested = replace(order, shipment=request_plan.shipment)
        created = shipments.plan_created(requested, options.get("tracking") or "", None, None,
                                         actor, now, in_transit=False)
        plan = replace(created, entries=request_plan.entries + tuple(
            replace(e, seq=e.seq + 1) for e in created.entries),
            transitions=tuple(replace(t, entry=replace(t.entry, seq=t.entry.seq + 1))
                              for t in created.transitions),
            index_tracking=False, expected_version=order.version)
        self._orders.apply_shipment(plan)
        return self._owned_order(order.store_id, order.id)

    def bulk_shipments(self, store_id: str, body: Mapping[str, Any], actor: Actor) -> List[Dict[str, Any]]:
        ids = body.get("order_ids") if isinstance(body, Mapping) else None
        if not isinstance(ids, list) or not ids or len(ids) > 100 \
                or not all(isinstance(i, str) and i for i in ids):
            raise ValidationFailed(fields={"order_ids": "must be a list of 1 to 100 order ids"})
        request = {key: value for key, value in body.items() if key != "order_ids"}
        if "tracking" in request:
            # One tracking number belongs to one parcel, never to a batch of them.
            raise ValidationFailed(fields={"tracking": "is per order; ship manual orders one by one"})
        parse_shipment_request(request)   # a bad courier or option fails the whole call
        results = []
        for order_id in dict.fromkeys(ids):
            try:
                order, _ = self.request_shipment(store_id, order_id, request, actor)
                results.append({"id": order_id, "ok": True, "shipment": order.shipment.state})
            except DomainError as error:   # one order's problem never blocks the others
                results.append({"id": order_id, "ok": False,
                                "error": {"code": error.code, "message": error.message,
                                          "fields": dict(error.fields)}})
        return results

    def label(self, store_id: str, order_id: str):
        order = self._owned_order(store_id, order_id)
        shipment = order.shipment
        if shipment is None or shipment.state != "created" or not shipment.tracking:
            raise NotFound("This order has no parcel at a courier yet.")
        if shipment.courier == "manual":
            raise Unsupported("A manual shipment has no courier label.")
        client = self.client_for(self._record(store_id, shipment.courier))
        try:
            return client.get_label(Parcel(tracking=shipment.tracking, reference=str(order.number),
                                           courier_id=shipment.courier_id,
                                           label_url=shipment.label_url))
        except CourierUnsupported:
            raise Unsupported(f"{self._spec(shipment.courier).name} offers no label through its API.")
        except CourierAuthFailed as error:
            raise CourierAuthRefused(fields={"credentials": error.message})
        except CourierUnavailable as error:
            raise CourierDown(f"The courier did not answer: {error.message}")
        except CourierRejected as error:
            raise NotFound(f"The courier has no label for this parcel: {error.message}")

    # --- the courier jobs worker -----------------------------------------------------------
    def ship(self, message: Mapping[str, Any], attempt: int = 1) -> Optional[str]:
        """Carry out a `shipment.requested` event. Returns what happened (for logs/tests)."""
        data = message.get("data") or {}
        store_id, order_id = str(message.get("store_id") or ""), str(data.get("id") or "")
        found = self._orders.order(order_id)
        if found is None or found[0].store_id != store_id:
            return "gone"
        order = found[0]
        shipment = order.shipment
        if shipment is None or shipment.state != "requested":
            return "done already"
        record = self._accounts.get(store_id, shipment.courier)
        actor = Actor("courier", shipment.courier, self._spec(shipment.courier).name)
        if record is None:
            return self._fail(order, "The courier is no longer set up for this store.", actor)
        claimed = self._claim(order)
        if claimed is None:
            return "claimed elsewhere"
        try:
            client = self.client_for(record)
            request = self.parcel_request(claimed, record)
            # Only a retry can have made the parcel already (some lookups are costly).
            retry = attempt > 1 or claimed.shipment.attempts > 1
            parcel = (self._existing_parcel(client, request.reference) if retry else None) \
                or client.create_parcel(request)
        except (CourierRejected, CourierAuthFailed) as error:
            return self._fail(claimed, _refusal_text(error), actor)
        except (CourierNotConfigured, Unsupported, ValidationFailed) as error:
            return self._fail(claimed, error.message + _fields_text(error.fields), actor)
        except CourierUnavailable as error:
            if attempt >= MAX_JOB_ATTEMPTS:
                self._fail(claimed, f"The courier did not answer after {attempt} attempts: "
                                    f"{error.message}", actor)
            raise
        self._record_created(claimed, parcel, actor)
        return "created"

    def _claim(self, order: Order) -> Optional[Order]:
        claim = shipments.ShipmentPlan(order.id, order.store_id, order.version,
                                       replace(order.shipment, attempts=order.shipment.attempts + 1),
                                       entries=())
        try:
            self._orders.apply_shipment(claim)
        except ConcurrentChange:
            return None
        return self._orders.order(order.id)[0]

    @staticmethod
    def _existing_parcel(client: CourierClient, reference: str) -> Optional[Parcel]:
        try:
            return client.find_parcel(reference)
        except CourierUnsupported:
            return None

    def _record_created(self, order: Order, parcel: Parcel, actor: Actor) -> None:
        now = self._clock()
        plan = shipments.plan_created(order, parcel.tracking, parcel.courier_id, parcel.label_url,
                                      actor, now, raw_status=parcel.raw_status,
                                      status=parcel.status.value)
        self._orders.apply_shipment(plan)
        log(logger, logging.INFO, "parcel created", store_id=order.store_id, order_id=order.id,
            courier=order.shipment.courier, tracking=parcel.tracking)

    def _fail(self, order: Order, reason: str, actor: Actor) -> str:
        self._orders.apply_shipment(shipments.plan_failed(order, reason, actor, self._clock()))
        log(logger, logging.WARNING, "shipment failed", store_id=order.store_id,
            order_id=order.id, courier=order.shipment.courier)
        return "failed"

    def parcel_request(self, order: Order, record: model.CourierAccountRecord) -> ParcelRequest:
        commune = self._geography.commune(order.shipping.commune_code)
        if commune is None:
            raise ValidationFailed(fields={"shipping.commune": "is not a known commune"})
        courier_wilaya = commune.courier_wilaya
        options = order.shipment.options
        stop_desk = options.get("stop_desk") or order.shipping.stop_desk
        delivery_type = "stop_desk" if stop_desk and (
            order.shipping.delivery_type == "stop_desk" or options.get("stop_desk")) else "home"
        sender = int(record.settings.get("sender_wilaya") or 16)
        sender_wilaya = self._geography.wilaya(sender)
        return ParcelRequest(
            reference=str(order.number), order_id=order.id,
            recipient=Recipient(order.customer_name, order.customer_phone),
            destination=Destination(
                wilaya=order.shipping.wilaya, courier_wilaya=courier_wilaya,
                wilaya_name=self._geography.wilaya(courier_wilaya).name_fr,
                commune_code=commune.code, commune_name=commune.name_fr,
                commune_name_ar=commune.name_ar, address=order.shipping.address,
                delivery_type=delivery_type, stop_desk=stop_desk if delivery_type == "stop_desk" else None),
            lines=tuple(ParcelLine(line.name, line.quantity, line.unit_price) for line in order.lines),
            cod_amount=order.totals.total, delivery_fee=order.totals.delivery,
            sender_wilaya=sender, sender_wilaya_name=sender_wilaya.name_fr if sender_wilaya else "",
            weight_kg=int(options.get("weight") or 1), note=str(options.get("note") or order.note or ""))

def _replayed(order: Order, key: str, code: str, options: Dict[str, Any]) -> bool:
    """True if the order's shipment was asked for with this key and the same request;
    IdempotencyKeyReused if with this key and another one."""
    shipment = order.shipment
    if shipment is None or shipment.options.get("idempotency_key") != key:
        return False
    asked = {k: v for k, v in shipment.options.items() if k != "idempotency_key"}
    if shipment.courier != code or asked != options:
        raise IdempotencyKeyReused()
    return True


def parse_shipment_request(body: Mapping[str, Any]) -> Tuple[str, Dict[str, Any]]:
    if not isinstance(body, Mapping):
        raise ValidationFailed(fields={"body": "must be an object"})
    errors: Dict[str, str] = {}
    allowed = ("courier", "stop_desk", "weight", "note", "tracking")
    for key in body:
        if key not in allowed:
            errors[key] = f"is not a shipment option; expected {', '.join(allowed)}"
    code = body.get("courier")
    if not isinstance(code, str) or not code:
        errors["courier"] = "is required: one of " + model.known_codes(list(registry.codes()))
    elif registry.spec(code) is None:
        errors["courier"] = "is not a courier; known: " + model.known_codes(list(registry.codes()))
    options: Dict[str, Any] = {}
    for name, limit in (("stop_desk", 64), ("note", 500), ("tracking", 64)):
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            errors[name] = f"must be a non-empty string of at most {limit} characters"
        else:
            options[name] = value.strip()
    weight = body.get("weight")
    if weight is not None:
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 150:
            errors["weight"] = "must be a whole number of kilograms, 1 to 150"
        else:
            options["weight"] = weight
    if "tracking" in options and code != "manual":
        errors["tracking"] = "is given by the courier; only a manual shipment takes one"
    if errors:
        raise ValidationFailed(fields=errors)
    return code, options


def _refusal_text(error: Exception) -> str:
    message = getattr(error, "message", str(error))
    if isinstance(error, CourierAuthFailed):
        return f"The courier refused the store's credentials: {message}"
    return message


def _fields_text(fields: Mapping[str, str]) -> str:
    return "" if not fields else " (" + "; ".join(f"{k}: {v}" for k, v in fields.items()) + ")"
