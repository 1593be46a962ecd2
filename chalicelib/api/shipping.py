"""Delivery rates: the merchant's own, and the storefront's public view."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)


@route(bp, "/v1/shipping/rates", ["GET"])
def get_rates(req: ApiRequest):
    shipping, store_id = services().shipping, req.principal.store_id
    return shipping.serialize_rates(store_id, shipping.rates(store_id))


@route(bp, "/v1/shipping/rates", ["PUT"])
def put_rates(req: ApiRequest):
    shipping, store_id = services().shipping, req.principal.store_id
    return shipping.serialize_rates(store_id, shipping.update_rates(store_id, req.json()))


@route(bp, "/v1/stores/{slug}/shipping", ["GET"], public=True)
def public_shipping(req: ApiRequest):
    store_id = services().accounts.store_id_for_slug(req.params["slug"])
    return services().shipping.public_shipping(store_id)
