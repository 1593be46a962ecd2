"""Call-confirm: logging calls, the call queue, assigning orders to operators."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, actor_of, respond, route
from chalicelib.bootstrap import services
from chalicelib.orders.serialize import serialize_order

bp = Blueprint(__name__)



def _order_body(order):
    return serialize_order(order, services().geography)


@route(bp, "/v1/orders/{order_id}/calls", ["POST"], status=201)
def log_call(req: ApiRequest):
    order = services().calls.log_call(req.principal.store_id, req.params["order_id"], req.json(),
                                      actor_of(req))
    return respond(_order_body(order), 201)


def _listed(req: ApiRequest, listing) -> dict:
    """One page of orders from the call service (`queue` or `scheduled`)."""
    principal = req.principal
    orders = listing(principal.store_id, req.query, actor_of(req), principal.role)
    return {"items": [_order_body(order) for order in orders], "next_cursor": None}


@route(bp, "/v1/calls/queue", ["GET"])
def call_queue(req: ApiRequest):
    return _listed(req, services().calls.queue)


@route(bp, "/v1/calls/scheduled", ["GET"])
def scheduled_calls(req: ApiRequest):
    return _listed(req, services().calls.scheduled)


@route(bp, "/v1/orders/{order_id}/assign", ["POST"])
def assign(req: ApiRequest):
    return _order_body(services().calls.assign(req.principal.store_id, req.params["order_id"],
                                               req.json(), actor_of(req)))
