"""The order's DynamoDB items and their mapping to and from the domain.

Key layout and indexes are described in store_dynamo.py, the only writer.
"""
from __future__ import annotations

import secrets
from typing import Any, Dict

from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute,
                                 UnicodeAttribute, UTCDateTimeAttribute)

from chalicelib.clock import iso, parse_iso
from chalicelib.dynamo import Gsi1, Gsi2, Gsi3, Gsi4, Gsi5, Gsi6, Gsi7, TableItem
from chalicelib.orders.calls import queue_key, summary_from
from chalicelib.orders.model import (Actor, CallSummary, Order, OrderLine, Shipment, Shipping,
                                     TimelineEntry, Totals)
from chalicelib.orders.names import name_bucket, name_key


class OrderItem(TableItem, discriminator="order"):
    order_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    number = NumberAttribute()
    status = UnicodeAttribute()
    version = NumberAttribute()
    customer_name = UnicodeAttribute()
    customer_phone = UnicodeAttribute()
    search_name = UnicodeAttribute()
    wilaya = NumberAttribute()
    shipping = MapAttribute()
    lines = ListAttribute(of=MapAttribute)
    items_total = NumberAttribute()
    delivery_fee = NumberAttribute()
    note = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    stock_taken = BooleanAttribute(default=False)
    restock_due = BooleanAttribute(default=False)
    restocked = BooleanAttribute(default=False)
    shipment = MapAttribute(null=True)
    call = MapAttribute(null=True)
    flags = ListAttribute(of=UnicodeAttribute, null=True)   # anti-fraud, set at checkout
    duplicate_of = UnicodeAttribute(null=True)
    gsi1pk, gsi1sk = UnicodeAttribute(), UnicodeAttribute()
    gsi2pk, gsi2sk = UnicodeAttribute(), UnicodeAttribute()
    gsi3pk, gsi3sk = UnicodeAttribute(), UnicodeAttribute()
    gsi4pk, gsi4sk = UnicodeAttribute(), UnicodeAttribute()
    gsi5pk, gsi5sk = UnicodeAttribute(), UnicodeAttribute()
    # Sparse: set only while the parcel is on its way, so pollers list just those.
    gsi6pk = UnicodeAttribute(null=True)
    gsi6sk = UnicodeAttribute(null=True)
    # Sparse: set only while the order is pending, so the call queue lists just those.
    gsi7pk = UnicodeAttribute(null=True)
    gsi7sk = UnicodeAttribute(null=True)
    by_date, by_status, by_wilaya, by_phone, by_name = Gsi1(), Gsi2(), Gsi3(), Gsi4(), Gsi5()
    in_transit = Gsi6()
    call_queue = Gsi7()

    @staticmethod
    def key(order_id: str):
        return f"ORDER#{order_id}", "ORDER"


class TimelineItem(TableItem, discriminator="timeline"):
    order_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    seq = NumberAttribute(default=0)
    actor = MapAttribute()
    event = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    public = BooleanAttribute(default=True)
    data = MapAttribute(default=dict)


class NumberItem(TableItem, discriminator="order_number"):
    order_id = UnicodeAttribute()

    @staticmethod
    def key(store_id: str, number: int):
        return f"STORE#{store_id}", f"NUMBER#{number:010d}"


class OrderSequenceItem(TableItem, discriminator="order_sequence"):
    last = NumberAttribute()

    @staticmethod
    def key(store_id: str):
        return f"STORE#{store_id}", "ORDERSEQ"


class IdempotencyItem(TableItem, discriminator="idempotency"):
    request_hash = UnicodeAttribute()
    response = UnicodeAttribute()

    @staticmethod
    def key(store_id: str, key: str):
        return f"IDEM#{store_id}#{key}", "IDEM"


INDEXES = {"gsi1": OrderItem.by_date, "gsi2": OrderItem.by_status, "gsi3": OrderItem.by_wilaya,
           "gsi4": OrderItem.by_phone, "gsi5": OrderItem.by_name}


# --- mapping -------------------------------------------------------------------------
def index_keys(order: Order) -> Dict[str, str]:
    store, created = f"STORE#{order.store_id}", f"{order.created_at.isoformat()}#{order.id}"
    queued = queue_key(order)
    return {**({"gsi7pk": f"{store}#Q", "gsi7sk": queued} if queued else {}),
            "gsi1pk": f"{store}#O", "gsi2pk": f"{store}#S#{order.status}",
            "gsi3pk": f"{store}#W#{order.shipping.wilaya}", "gsi4pk": f"{store}#P#{order.customer_phone}",
            "gsi5pk": f"{store}#N#{name_bucket(order.customer_name)}",
            **{f"gsi{n}sk": created for n in range(1, 6)}}


def order_item(order: Order) -> OrderItem:
    shipping = order.shipping
    return OrderItem(*OrderItem.key(order.id), order_id=order.id, store_id=order.store_id,
                     number=order.number, status=order.status, version=order.version,
                     customer_name=order.customer_name, customer_phone=order.customer_phone,
                     search_name=name_key(order.customer_name), wilaya=shipping.wilaya,
                     shipping={"wilaya": shipping.wilaya, "commune_code": shipping.commune_code,
                               "commune_name": shipping.commune_name, "address": shipping.address,
                               "delivery_type": shipping.delivery_type,
                               "stop_desk": shipping.stop_desk},
                     lines=[{"product_id": l.product_id, "variant_id": l.variant_id, "name": l.name,
                             "options": dict(l.options), "sku": l.sku, "unit_price": l.unit_price,
                             "quantity": l.quantity, "track_stock": l.track_stock}
                            for l in order.lines],
                     items_total=order.totals.items, delivery_fee=order.totals.delivery,
                     note=order.note, created_at=order.created_at, updated_at=order.updated_at,
                     stock_taken=order.stock_taken, restock_due=order.restock_due,
                     restocked=order.restocked, flags=list(order.flags) or None,
                     duplicate_of=order.duplicate_of, **index_keys(order))


def _plain(value: Any) -> Any:
    return value.as_dict() if isinstance(value, MapAttribute) else value


def order_from_item(item: OrderItem) -> Order:
    shipping = _plain(item.shipping)
    lines = [_plain(line) for line in item.lines]
    return Order(
        id=item.order_id, store_id=item.store_id, number=int(item.number), status=item.status,
        customer_name=item.customer_name, customer_phone=item.customer_phone,
        shipping=Shipping(wilaya=int(shipping["wilaya"]), commune_code=shipping["commune_code"],
                          commune_name=shipping["commune_name"], address=shipping["address"],
                          delivery_type=shipping["delivery_type"], stop_desk=shipping.get("stop_desk")),
        lines=tuple(OrderLine(product_id=l["product_id"], variant_id=l["variant_id"], name=l["name"],
                              options={str(k): str(v) for k, v in (l.get("options") or {}).items()},
                              sku=l.get("sku"), unit_price=int(l["unit_price"]),
                              quantity=int(l["quantity"]), track_stock=bool(l.get("track_stock", True)))
                    for l in lines),
        totals=Totals(items=int(item.items_total), delivery=int(item.delivery_fee)),
        created_at=item.created_at, updated_at=item.updated_at, note=item.note,
        version=int(item.version), stock_taken=bool(item.stock_taken),
        restock_due=bool(item.restock_due), restocked=bool(item.restocked),
        shipment=shipment_from_map(_plain(item.shipment)),
        call=summary_from(_plain(item.call)) if item.call else None,
        flags=tuple(item.flags or ()), duplicate_of=item.duplicate_of)


def call_map(call: CallSummary) -> Dict[str, Any]:
    return call.as_dict()


def shipment_map(shipment: Shipment) -> Dict[str, Any]:
    body = shipment.as_dict()
    for name in ("requested_at", "status_at"):
        body[name] = iso(body[name]) if body[name] else None
    return body


def shipment_from_map(raw: Any) -> Any:
    if not raw:
        return None
    return Shipment(
        courier=raw["courier"], state=raw["state"], job_id=raw["job_id"],
        requested_at=parse_iso(raw["requested_at"]), options=dict(raw.get("options") or {}),
        tracking=raw.get("tracking"), courier_id=raw.get("courier_id"),
        label_url=raw.get("label_url"), status=raw.get("status"), raw_status=raw.get("raw_status"),
        status_at=parse_iso(raw["status_at"]) if raw.get("status_at") else None,
        error=raw.get("error"), attempts=int(raw.get("attempts") or 0))


class TrackItem(TableItem, discriminator="tracking_number"):
    """TRACK#<courier>#<tracking> -> the order: how a courier callback finds it."""
    order_id = UnicodeAttribute()
    store_id = UnicodeAttribute()

    @staticmethod
    def key(courier: str, tracking: str):
        return f"TRACK#{courier}#{tracking}", "TRACK"


class CourierUpdateItem(TableItem, discriminator="courier_update"):
    """One courier update recorded on an order; its existence makes the update once-only."""
    order_id = UnicodeAttribute()
    ttl = NumberAttribute(null=True)

    @staticmethod
    def key(update_key: str):
        return f"UPD#{update_key}", "UPD"


class PollItem(TableItem, discriminator="courier_poll"):
    """POLL#<courier> / STORE#<store>: stores with parcels at a courier we poll."""
    store_id = UnicodeAttribute()

    @staticmethod
    def key(courier: str, store_id: str):
        return f"POLL#{courier}", f"STORE#{store_id}"


def timeline_item(order_id: str, store_id: str, entry: TimelineEntry) -> TimelineItem:
    sk = f"TL#{entry.at.isoformat()}#{entry.seq:04d}#{secrets.token_hex(3)}"
    return TimelineItem(f"ORDER#{order_id}", sk, order_id=order_id, store_id=store_id, at=entry.at,
                        seq=entry.seq, actor=entry.actor.as_dict(), event=entry.event,
                        from_status=entry.from_status, to_status=entry.to_status, note=entry.note,
                        public=entry.public, data=dict(entry.data))


def entry_from_item(item: TimelineItem) -> TimelineEntry:
    actor = _plain(item.actor)
    return TimelineEntry(at=item.at, seq=int(item.seq),
                         actor=Actor(actor.get("type"), actor.get("id"), actor.get("name")),
                         event=item.event, from_status=item.from_status, to_status=item.to_status,
                         note=item.note, public=bool(item.public), data=_plain(item.data) or {})
