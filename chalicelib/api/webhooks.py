"""Webhooks: the merchant's endpoints, test pings and the delivery log."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)
WEBHOOK = "/v1/webhooks/{webhook_id}"


def _ids(req: ApiRequest):
    return req.principal.store_id, req.params["webhook_id"]


@route(bp, "/v1/webhooks", ["POST"], status=201)
def create_webhook(req: ApiRequest):
    body, replayed = services().webhooks.create(req.principal.store_id, req.json(),
                                                req.header("idempotency-key"))
    return respond(body, 201, {"Idempotent-Replayed": "true"} if replayed else None)


@route(bp, "/v1/webhooks", ["GET"])
def list_webhooks(req: ApiRequest):
    return {"items": services().webhooks.list(req.principal.store_id), "next_cursor": None}


@route(bp, WEBHOOK, ["GET"])
def get_webhook(req: ApiRequest):
    return services().webhooks.get(*_ids(req))


@route(bp, WEBHOOK, ["PATCH"])
def patch_webhook(req: ApiRequest):
    return services().webhooks.update(*_ids(req), req.json())


@route(bp, WEBHOOK, ["DELETE"])
def delete_webhook(req: ApiRequest):
    services().webhooks.delete(*_ids(req))
    return respond(None, 204)


@route(bp, WEBHOOK + "/rotate-secret", ["POST"])
def rotate_secret(req: ApiRequest):
    return services().webhooks.rotate_secret(*_ids(req))


@route(bp, WEBHOOK + "/test", ["POST"])
def test_webhook(req: ApiRequest):
    return services().webhooks.test(*_ids(req))


@route(bp, WEBHOOK + "/enable", ["POST"])
def enable_webhook(req: ApiRequest):
    return services().webhooks.enable(*_ids(req))


@route(bp, WEBHOOK + "/deliveries", ["GET"])
def list_deliveries(req: ApiRequest):
    items, cursor = services().webhooks.deliveries(*_ids(req), req.query)
    return {"items": items, "next_cursor": cursor}


@route(bp, "/v1/webhooks/deliveries/{delivery_id}/redeliver", ["POST"], status=202)
def redeliver(req: ApiRequest):
    return services().webhooks.redeliver(req.principal.store_id, req.params["delivery_id"])
