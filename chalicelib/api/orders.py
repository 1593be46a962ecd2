"""Orders: storefront checkout and the customer's view; the merchant's order desk."""
from __future__ import annotations

from chalice import Response
from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, actor_of, respond, route
from chalicelib.bootstrap import services
from chalicelib.orders.serialize import csv_rows, csv_text, serialize_for_customer, serialize_order

bp = Blueprint(__name__)
ORDER = "/v1/orders/{order_id}"
CUSTOMER_ORDER = "/v1/stores/{slug}/orders/{number}"



def _order_body(order, timeline=None):
    return serialize_order(order, services().geography, timeline)


@route(bp, "/v1/stores/{slug}/orders", ["POST"], public=True, status=201)
def place_order(req: ApiRequest):
    # The client IP is API Gateway's source IP, never a header the client sets.
    body, replayed = services().orders.place_order(req.params["slug"], req.json(),
                                                   req.header("idempotency-key"), req.source_ip)
    return respond(body, 201, {"Idempotent-Replayed": "true"} if replayed else None)


@route(bp, CUSTOMER_ORDER, ["GET"], public=True)
def customer_order(req: ApiRequest):
    order, timeline = services().orders.customer_order(req.params["slug"], req.params["number"],
                                                       req.query.get("phone"))
    return serialize_for_customer(order, timeline, req.params["slug"])


@route(bp, CUSTOMER_ORDER + "/cancel", ["POST"], public=True)
def customer_cancel(req: ApiRequest):
    orders = services().orders
    order = orders.customer_cancel(req.params["slug"], req.params["number"], req.json())
    return serialize_for_customer(*orders.order(order.store_id, order.id), req.params["slug"])


@route(bp, "/v1/orders", ["GET"])
def list_orders(req: ApiRequest):
    orders, cursor = services().orders.list_orders(req.principal.store_id, req.query)
    return {"items": [_order_body(order) for order in orders], "next_cursor": cursor}


@route(bp, "/v1/orders/export.csv", ["GET"])
def export_orders(req: ApiRequest):
    orders = services().orders.export_orders(req.principal.store_id, req.query)
    return Response(body=csv_text(csv_rows(orders)), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="orders.csv"'})


@route(bp, ORDER, ["GET"])
def get_order(req: ApiRequest):
    order, timeline = services().orders.order(req.principal.store_id, req.params["order_id"])
    return serialize_order(order, services().geography, timeline, services().fraud.risk(order))


@route(bp, ORDER + "/status", ["POST"])
def change_status(req: ApiRequest):
    orders = services().orders
    order = orders.change_status(req.principal.store_id, req.params["order_id"], req.json(), actor_of(req))
    return _order_body(*orders.order(order.store_id, order.id))


@route(bp, ORDER + "/notes", ["POST"], status=201)
def add_note(req: ApiRequest):
    orders = services().orders
    order = orders.add_note(req.principal.store_id, req.params["order_id"], req.json(), actor_of(req))
    return _order_body(*orders.order(order.store_id, order.id))


@route(bp, ORDER + "/restock", ["POST"])
def restock(req: ApiRequest):
    orders = services().orders
    order = orders.restock(req.principal.store_id, req.params["order_id"], actor_of(req))
    return _order_body(*orders.order(order.store_id, order.id))


@route(bp, "/v1/orders/bulk/status", ["POST"])
def bulk_status(req: ApiRequest):
    return {"results": services().orders.bulk_status(req.principal.store_id, req.json(), actor_of(req))}
