"""Couriers and shipments: accounts, sending orders, labels, and the couriers' callbacks."""
from __future__ import annotations

from chalice import Response
from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, actor_of, respond, route
from chalicelib.bootstrap import services
from chalicelib.orders.serialize import serialize_order

bp = Blueprint(__name__)
COURIER = "/v1/couriers/{code}"



@route(bp, "/v1/couriers", ["GET"])
def list_couriers(req: ApiRequest):
    return {"items": services().couriers.accounts(req.principal.store_id), "next_cursor": None}


@route(bp, "/v1/couriers/unmapped-statuses", ["GET"])
def unmapped_statuses(req: ApiRequest):
    return services().couriers.unmapped_statuses(req.principal.store_id)


@route(bp, COURIER, ["GET"])
def get_courier(req: ApiRequest):
    return services().couriers.account(req.principal.store_id, req.params["code"])


@route(bp, COURIER, ["PUT"])
def put_courier(req: ApiRequest):
    return services().couriers.put_account(req.principal.store_id, req.params["code"], req.json())


@route(bp, COURIER, ["DELETE"])
def delete_courier(req: ApiRequest):
    services().couriers.delete_account(req.principal.store_id, req.params["code"])
    return respond(None, 204)


@route(bp, COURIER + "/test", ["POST"])
def test_courier(req: ApiRequest):
    return services().couriers.test_account(req.principal.store_id, req.params["code"])


@route(bp, COURIER + "/sync", ["POST"])
def sync_courier(req: ApiRequest):
    return services().couriers.sync(req.principal.store_id, req.params["code"], req.json())


@route(bp, "/v1/stores/{slug}/stop-desks", ["GET"], public=True)
def store_stop_desks(req: ApiRequest):
    return services().couriers.public_stop_desks(req.params["slug"], req.query.get("wilaya"))


@route(bp, "/v1/orders/{order_id}/shipments", ["POST"], status=202)
def ship_order(req: ApiRequest):
    order, replayed = services().couriers.request_shipment(
        req.principal.store_id, req.params["order_id"], req.json(), actor_of(req),
        req.header("idempotency-key"))
    return respond(serialize_order(order, services().geography), 202,
                   {"Idempotent-Replayed": "true"} if replayed else None)


@route(bp, "/v1/orders/bulk/shipments", ["POST"])
def ship_orders(req: ApiRequest):
    return {"results": services().couriers.bulk_shipments(req.principal.store_id, req.json(),
                                                          actor_of(req))}


@route(bp, "/v1/orders/{order_id}/shipment/label", ["GET"])
def shipment_label(req: ApiRequest):
    label = services().couriers.label(req.principal.store_id, req.params["order_id"])
    return Response(body=label.content, status_code=200, headers={
        "Content-Type": label.content_type,
        "Content-Disposition": f'inline; filename="label-{req.params["order_id"]}.pdf"'})


@route(bp, "/v1/callbacks/{courier}/{token}", ["GET", "POST"], public=True)
def courier_callback(req: ApiRequest):
    """Signature checked by the courier's adapter; verified updates go to a queue and the
    courier gets its 200 at once."""
    raw = req.raw
    answer = services().courier_tracking.callback(
        req.params["courier"], req.params["token"], raw.method,
        {name.lower(): value for name, value in (raw.headers or {}).items()},
        req.query, req.body_bytes() if raw.method == "POST" else b"")
    return Response(body=answer.body, status_code=answer.status,
                    headers={"Content-Type": answer.content_type})
