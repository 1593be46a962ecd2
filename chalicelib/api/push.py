"""Web push: the dashboard subscribes a member's browser and reads the VAPID key."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)


@route(bp, "/v1/push/vapid-public-key", ["GET"])
def vapid_public_key(req: ApiRequest):
    req.principal   # merchant-only, like every push route
    return services().push.public_key()


@route(bp, "/v1/push/subscriptions", ["POST"], status=201)
def subscribe(req: ApiRequest):
    principal = req.principal
    return services().push.subscribe(principal.store_id, principal.actor_id, req.json())


@route(bp, "/v1/push/subscriptions", ["GET"])
def list_subscriptions(req: ApiRequest):
    return services().push.subscriptions(req.principal.store_id, req.query)


@route(bp, "/v1/push/subscriptions/{subscription_id}", ["DELETE"])
def unsubscribe(req: ApiRequest):
    services().push.unsubscribe(req.principal.store_id, req.params["subscription_id"])
    return respond(None, 204)
