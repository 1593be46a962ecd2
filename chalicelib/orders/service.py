"""Order use cases: checkout, the customer's view, the merchant's lifecycle moves."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from chalicelib.clock import Clock, parse_iso
from chalicelib.errors import (ConcurrentChange, DomainError, IdempotencyKeyReused,
                               InvalidTransition, NotFound, ValidationFailed)
from chalicelib.ids import new_id
from chalicelib.orders import checkout
from chalicelib.orders.model import Actor, Order, TimelineEntry
from chalicelib.orders.names import name_key
from chalicelib.orders.ports import (CheckoutSnapshot, IdempotencyReplay, OrderQuery, OrderStore,
                                     SlugMoved, SnapshotStale)
from chalicelib.orders.serialize import serialize_order
from chalicelib.orders.states import STATUSES, plan_restock, plan_transition
from chalicelib.pagination import decode_key_cursor, encode_key_cursor, parse_limit
from chalicelib.phones import normalize_phone
from chalicelib.shipping.rates import quote, rate_for

IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_BULK = 100
SLUG_CACHE_SIZE = 4096
PRICING_ATTEMPTS = 3
EXPORT_MAX = 20_000
CUSTOMER_CANCELLABLE = ("pending", "confirmed")


class OrderService:
    def __init__(self, store: OrderStore, accounts: Any, geography: Any, clock: Clock,
                 desk_offered: Optional[Callable[[str, int, str], bool]] = None,
                 screen_checkout: Optional[Callable[..., Any]] = None) -> None:
        self._store, self._accounts = store, accounts
        self._geography, self._clock = geography, clock
        self._desk_offered = desk_offered or (lambda store_id, wilaya, desk: False)
        # (store id, phone, source ip, lines) -> verdict with `flags` and `duplicate_of`;
        # raises to refuse the checkout before anything is written (anti-fraud).
        self._screen_checkout = screen_checkout
        # slug -> store id, per container. Checkout re-checks the slug inside its
        # transaction, so a stale entry costs one retry, never a misplaced order.
        self._store_ids: Dict[str, str] = {}

    # --- checkout ------------------------------------------------------------------------
    def place_order(self, slug: str, body: Mapping[str, Any], idempotency_key: Optional[str],
                    source_ip: Optional[str] = None) -> Tuple[Dict[str, Any], bool]:
        """(response, replayed): the order as the thank-you page needs it."""
        screened: Dict[str, Any] = {}   # the anti-fraud verdict, once per checkout
        cached = self._store_ids.get(slug)
        if cached is not None:
            try:
                return self._place(slug, cached, body, idempotency_key, (source_ip, screened))
            except ValidationFailed:
                # A cart priced against a store the slug no longer names looks
                # invalid; only a fresh lookup tells.
                if self._store_id(slug) == cached:
                    raise
            except SlugMoved:
                pass    # the transaction saw the slug name another store now
        try:
            return self._place(slug, self._store_id(slug), body, idempotency_key,
                               (source_ip, screened))
        except SlugMoved as moved:
            raise ConcurrentChange("The store changed its address meanwhile; try again.") from moved

    def _store_id(self, slug: str) -> str:
        store_id = self._accounts.store_id_for_slug(slug)
        if len(self._store_ids) >= SLUG_CACHE_SIZE:
            self._store_ids.clear()
        self._store_ids[slug] = store_id
        return store_id

    def _place(self, slug: str, store_id: str, body: Mapping[str, Any],
               idempotency_key: Optional[str], screen: Tuple[Optional[str], Dict[str, Any]]
               ) -> Tuple[Dict[str, Any], bool]:
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
            raise ValidationFailed(fields={"Idempotency-Key": "must be 1 to 255 characters"})
        request = checkout.parse_checkout(body)
        request_hash = _request_hash(body)
        cart = [(item.product_id, item.variant_id) for item in request.items]
        fresh = False
        for _ in range(PRICING_ATTEMPTS):
            # One read for the cart, the rates, the counter and the idempotency
            # record, or none when the store remembers them from earlier checkouts.
            snapshot = self._store.checkout_snapshot(store_id, cart, idempotency_key, fresh=fresh)
            try:
                return self._price_and_place(slug, store_id, request, request_hash,
                                             snapshot, idempotency_key, screen)
            except ValidationFailed:
                if not snapshot.remembered:
                    raise
                # What was remembered may be what refused the cart, and a replay
                # of an earlier order must not be judged by today's catalog.
            except SnapshotStale:
                pass    # the catalog or the rates moved since the read: price again
            fresh = True
        raise ConcurrentChange("The store's catalog changed meanwhile; try again.")

    def _price_and_place(self, slug: str, store_id: str, request: checkout.CheckoutRequest,
                         request_hash: str, snapshot: CheckoutSnapshot, idempotency_key: Optional[str],
                         screen: Tuple[Optional[str], Dict[str, Any]]) -> Tuple[Dict[str, Any], bool]:
        if snapshot.idempotency is not None:
            if snapshot.idempotency.request_hash != request_hash:
                raise IdempotencyKeyReused()
            return snapshot.idempotency.response, True
        commune = self._geography.find_commune(request.wilaya, request.commune)
        if commune is None:
            raise ValidationFailed(fields={"shipping.commune": "is not a commune of this wilaya"})
        fee = quote(rate_for(request.wilaya, snapshot.rate_overrides), request.delivery_type)
        if request.stop_desk is not None and not (
                request.delivery_type == "stop_desk"
                and self._desk_offered(store_id, request.wilaya, request.stop_desk)):
            # Stop desks are known per wilaya once a courier account is synced
            # (GET /v1/stores/{slug}/stop-desks); without one the merchant picks it.
            raise ValidationFailed(fields={"shipping.stop_desk": "is not a stop desk offered in this wilaya"})
        lines = checkout.price_lines(request.items, lambda p, v: _on_sale(snapshot.products.get(p), v))
        flags, duplicate_of, blocked_key = self._screen(store_id, request.customer_phone, lines,
                                                        *screen)
        now = self._clock()
        draft = Order(id=new_id("or_"), store_id=store_id, number=0, status="pending",
                      customer_name=request.customer_name, customer_phone=request.customer_phone,
                      shipping=checkout.shipping_of(request, commune.code, commune.name_fr),
                      lines=tuple(lines), totals=checkout.totals(lines, fee), created_at=now,
                      updated_at=now, note=request.note, flags=flags, duplicate_of=duplicate_of)
        entry = TimelineEntry(at=now, seq=0, actor=Actor("customer", None, request.customer_name),
                              event="created", to_status="pending")
        try:
            _, response = self._store.place_order(
                draft, entry, idempotency_key, request_hash,
                lambda order: serialize_order(order, self._geography), now + IDEMPOTENCY_TTL,
                snapshot=snapshot, slug=slug, blocked_phone_key=blocked_key)
        except IdempotencyReplay as replay:
            return replay.record.response, True
        return response, False

    def _screen(self, store_id: str, phone: str, lines: List[Any], source_ip: Optional[str],
                screened: Dict[str, Any]
                ) -> Tuple[Tuple[str, ...], Optional[str], Optional[Tuple[str, str]]]:
        """The injected anti-fraud screen, run once per checkout (a re-pricing retry
        must not count the checkout twice against the store's limits): flags,
        duplicate_of, and the blacklist key the checkout transaction must find absent."""
        if self._screen_checkout is None:
            return (), None, None
        if "verdict" not in screened:
            screened["verdict"] = self._screen_checkout(store_id, phone, source_ip, lines)
        verdict = screened["verdict"]
        return tuple(verdict.flags), verdict.duplicate_of, verdict.blocked_phone_key

    def orders_by_phone(self, store_id: str, phone: str, created_from: Optional[str] = None,
                        most: int = EXPORT_MAX) -> List[Order]:
        """The newest orders of `phone` in the store (since `created_from`, ISO), at most
        `most`: the phone index."""
        query, after, found = OrderQuery(phone=phone, created_from=created_from), None, []
        while True:
            page, after = self._store.list_orders(store_id, query, min(200, most), after)
            found += page
            if after is None or len(found) >= most:
                return found[:most]

    def recent_carts(self, store_id: str, phone: str, created_from: str,
                     most: int) -> List[Any]:
        """What the checkout's duplicate check compares itself with (the phone index,
        the fewest attributes)."""
        return self._store.recent_carts(store_id, phone, created_from, most)

    # --- reading -----------------------------------------------------------------------------
    def order(self, store_id: str, order_id: str) -> Tuple[Order, List[TimelineEntry]]:
        found = self._store.order(order_id) if isinstance(order_id, str) and len(order_id) <= 64 else None
        if found is None or found[0].store_id != store_id:
            raise NotFound("No such order.")
        return found

    def customer_order(self, slug: str, number: str, phone: Optional[str]) -> Tuple[Order, List[TimelineEntry]]:
        store_id = self._accounts.store_id_for_slug(slug)
        order_id = self._store.order_id_by_number(store_id, int(number)) if (
            number.isdigit() and len(number) < 10) else None
        found = self._store.order(order_id) if order_id else None
        # A wrong phone looks exactly like an unknown order.
        if found is None or normalize_phone(phone or "") != found[0].customer_phone:
            raise NotFound("No such order.")
        return found

    def list_orders(self, store_id: str, params: Mapping[str, str]) -> Tuple[List[Order], Optional[str]]:
        limit = parse_limit(params)
        after = decode_key_cursor(params)
        orders, position = self._store.list_orders(store_id, parse_query(params), limit, after)
        return orders, encode_key_cursor(position)

    def export_orders(self, store_id: str, params: Mapping[str, str]):
        """Every order the filters select, page by page (at most EXPORT_MAX)."""
        query, after, sent = parse_query(params), None, 0
        while sent < EXPORT_MAX:
            orders, after = self._store.list_orders(store_id, query, 200, after)
            yield from orders
            sent += len(orders)
            if after is None:
                return

    # --- moves ---------------------------------------------------------------------------------
    def change_status(self, store_id: str, order_id: str, body: Mapping[str, Any],
                      actor: Actor) -> Order:
        status = body.get("status")
        if not isinstance(status, str) or status not in STATUSES:
            raise ValidationFailed(fields={"status": f"must be one of {list(STATUSES)}"})
        note = _note(body.get("note"), "note")
        return self.move(store_id, order_id, status, actor, note)

    def move(self, store_id: str, order_id: str, status: str, actor: Actor,
             note: Optional[str] = None) -> Order:
        order, _ = self.order(store_id, order_id)
        restock_on_return = self._accounts.get_store(store_id).restock_on_return
        self._store.apply_transition(plan_transition(order, status, actor, self._clock(), note,
                                                     restock_on_return))
        return self.order(store_id, order_id)[0]

    def customer_cancel(self, slug: str, number: str, body: Mapping[str, Any]) -> Order:
        order, _ = self.customer_order(slug, number, body.get("phone") if isinstance(
            body.get("phone"), str) else None)
        if order.status not in CUSTOMER_CANCELLABLE:
            raise InvalidTransition("This order can no longer be cancelled online; call the store.",
                                    allowed=[], current=order.status)
        actor = Actor("customer", None, order.customer_name)
        return self.move(order.store_id, order.id, "cancelled", actor,
                         _note(body.get("reason"), "reason"))

    def restock(self, store_id: str, order_id: str, actor: Actor) -> Order:
        order, _ = self.order(store_id, order_id)
        self._store.apply_transition(plan_restock(order, actor, self._clock()))
        return self.order(store_id, order_id)[0]

    def add_note(self, store_id: str, order_id: str, body: Mapping[str, Any], actor: Actor) -> Order:
        text = _note(body.get("text"), "text", required=True)
        return self._append(store_id, order_id, lambda: TimelineEntry(
            at=self._clock(), seq=0, actor=actor, event="note_added", note=text, public=False))

    def record_notification(self, store_id: str, order_id: str, channel: str,
                            about: str) -> Order:
        """Note on the timeline that the customer was told something (e.g. an SMS)."""
        return self._append(store_id, order_id, lambda: TimelineEntry(
            at=self._clock(), seq=0, actor=Actor(type="system", name="dzorders"),
            event="notification_sent", note=f"{channel}: {about}", public=False,
            data={"channel": channel, "about": about}))

    def _append(self, store_id: str, order_id: str, make_entry) -> Order:
        for _ in range(5):
            order, _ = self.order(store_id, order_id)
            try:
                self._store.append_entry(order, make_entry())
                return self.order(store_id, order_id)[0]
            except ConcurrentChange:
                continue
        raise ConcurrentChange()

    def bulk_status(self, store_id: str, body: Mapping[str, Any], actor: Actor) -> List[Dict[str, Any]]:
        ids = body.get("order_ids")
        if (not isinstance(ids, list) or not ids or len(ids) > MAX_BULK
                or not all(isinstance(i, str) and i for i in ids)):
            raise ValidationFailed(fields={"order_ids": f"must be a list of 1 to {MAX_BULK} order ids"})
        status = body.get("status")
        if not isinstance(status, str) or status not in STATUSES:
            raise ValidationFailed(fields={"status": f"must be one of {list(STATUSES)}"})
        note = _note(body.get("note"), "note")
        results = []
        for order_id in dict.fromkeys(ids):
            try:
                moved = self.move(store_id, order_id, status, actor, note)
                results.append({"id": order_id, "ok": True, "status": moved.status})
            except DomainError as error:   # one failure never blocks the others
                results.append({"id": order_id, "ok": False,
                                "error": {"code": error.code, "message": error.message,
                                          **error.details}})
        return results


def _on_sale(product: Any, variant_id: str):
    """(product, variant) for a published product; variant None when it is not one of its own."""
    if product is None or not product.published:
        return None
    if not variant_id:
        return product, (product.variants[0] if len(product.variants) == 1 else None)
    return product, product.variant(variant_id)


def _note(value: Any, field: str, required: bool = False) -> Optional[str]:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        raise ValidationFailed(fields={field: "must be a non-empty string of at most 2000 characters"})
    return value.strip()


def _request_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _bound(value: Optional[str], field: str, end_of_day: bool) -> Optional[str]:
    if not value:
        return None
    try:
        moment = parse_iso(value)
    except ValueError as error:
        raise ValidationFailed(fields={field: "must be an ISO-8601 date or time"}) from error
    if end_of_day and len(value.strip()) == 10:
        moment = moment + timedelta(days=1) - timedelta(microseconds=1)
    return moment.isoformat()


def parse_query(params: Mapping[str, str]) -> OrderQuery:
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationFailed(fields={"status": f"must be one of {list(STATUSES)}"})
    wilaya = params.get("wilaya") or None
    if wilaya is not None and not (wilaya.isdigit() and 1 <= int(wilaya) <= 69):
        raise ValidationFailed(fields={"wilaya": "must be a wilaya code from 1 to 69"})
    q = (params.get("q") or "").strip()[:100]
    phone = normalize_phone(q) if q else None
    number = int(q) if q.isdigit() and phone is None and len(q) < 10 else None
    name = name_key(q) if q and phone is None and number is None else None
    if name is not None and len(name) < 2:
        raise ValidationFailed(fields={"q": "must be a phone, an order number or at least 2 letters of a name"})
    return OrderQuery(status=status, wilaya=int(wilaya) if wilaya else None, phone=phone,
                      number=number, name=name, created_from=_bound(params.get("from"), "from", False),
                      created_to=_bound(params.get("to"), "to", True))
