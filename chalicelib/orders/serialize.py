"""Orders as the API shows them: to the merchant, and (a subset) to the customer."""
from __future__ import annotations

import csv
import io
from typing import Any, Dict, Iterable, List, Optional

from chalicelib.clock import iso
from chalicelib.orders import states
from chalicelib.orders.model import CallSummary, Order, TimelineEntry


def serialize_entry(entry: TimelineEntry) -> Dict[str, Any]:
    body = {"at": iso(entry.at), "actor": entry.actor.as_dict(), "event": entry.event,
            "from": entry.from_status, "to": entry.to_status, "note": entry.note}
    body.update(entry.data)
    return body


def serialize_shipment(order: Order) -> Optional[Dict[str, Any]]:
    shipment = order.shipment
    if shipment is None:
        return None
    from chalicelib.couriers.registry import spec
    known = spec(shipment.courier)
    return {"courier": shipment.courier, "courier_name": known.name if known else shipment.courier,
            "state": shipment.state, "tracking_number": shipment.tracking,
            "status": shipment.status, "raw_status": shipment.raw_status,
            "status_at": iso(shipment.status_at), "error": shipment.error,
            "requested_at": iso(shipment.requested_at),
            "label": f"/v1/orders/{order.id}/shipment/label"
            if shipment.tracking and shipment.courier != "manual" else None}


def serialize_order(order: Order, geography: Any,
                    timeline: Optional[List[TimelineEntry]] = None,
                    risk: Optional[Dict[str, int]] = None) -> Dict[str, Any]:
    wilaya = geography.wilaya(order.shipping.wilaya)
    body: Dict[str, Any] = {
        "id": order.id, "number": order.number, "status": order.status,
        # From the one transitions table: screens offer exactly these moves.
        "allowed_transitions": list(states.allowed(order.status)),
        "customer": {"name": order.customer_name, "phone": order.customer_phone},
        "shipping": {"wilaya": order.shipping.wilaya,
                     "wilaya_name": wilaya.name_fr if wilaya else None,
                     "wilaya_name_ar": wilaya.name_ar if wilaya else None,
                     "commune": order.shipping.commune_code,
                     "commune_name": order.shipping.commune_name,
                     "address": order.shipping.address,
                     "delivery_type": order.shipping.delivery_type,
                     "stop_desk": order.shipping.stop_desk},
        "items": [{"product_id": line.product_id, "variant_id": line.variant_id, "name": line.name,
                   "options": dict(line.options), "sku": line.sku, "unit_price": line.unit_price,
                   "quantity": line.quantity, "total": line.total} for line in order.lines],
        "totals": {"items": order.totals.items, "delivery": order.totals.delivery,
                   "total": order.totals.total},
        "note": order.note, "created_at": iso(order.created_at), "updated_at": iso(order.updated_at),
        "version": order.version,
        "stock": {"taken": order.stock_taken, "restock_due": order.restock_due,
                  "restocked": order.restocked},
        "shipment": serialize_shipment(order),
        "call": (order.call or CallSummary()).as_dict(),
        "flags": list(order.flags), "duplicate_of": order.duplicate_of,
    }
    if risk is not None:
        body["risk"] = dict(risk)
    if timeline is not None:
        body["timeline"] = [serialize_entry(entry) for entry in timeline]
    return body


def serialize_for_customer(order: Order, timeline: List[TimelineEntry],
                           store_slug: str) -> Dict[str, Any]:
    """What the customer may see: status, lines, totals and the public timeline."""
    return {"number": order.number, "status": order.status, "store": store_slug,
            "items": [{"name": line.name, "options": dict(line.options),
                       "quantity": line.quantity, "total": line.total} for line in order.lines],
            "totals": {"items": order.totals.items, "delivery": order.totals.delivery,
                       "total": order.totals.total},
            "created_at": iso(order.created_at),
            "timeline": [{"at": iso(e.at), "event": e.event, "from": e.from_status,
                          "to": e.to_status} for e in timeline if e.public]}


CSV_COLUMNS = ["number", "created_at", "status", "customer_name", "customer_phone", "wilaya",
               "commune", "address", "delivery_type", "product", "options", "sku", "unit_price",
               "quantity", "line_total", "delivery_fee", "order_total"]


def csv_rows(orders: Iterable[Order]) -> Iterable[List[Any]]:
    for order in orders:
        for line in order.lines:
            yield [order.number, iso(order.created_at), order.status, order.customer_name,
                   order.customer_phone, order.shipping.wilaya, order.shipping.commune_name,
                   order.shipping.address, order.shipping.delivery_type, line.name,
                   "; ".join(f"{k}: {v}" for k, v in line.options.items()), line.sku or "",
                   line.unit_price, line.quantity, line.total, order.totals.delivery,
                   order.totals.total]


def csv_text(rows: Iterable[List[Any]]) -> str:
    """UTF-8 CSV with a byte-order mark, so spreadsheets show Arabic correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()
