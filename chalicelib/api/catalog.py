"""Catalog: the merchant's products, variants and stock; the storefront's listing."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)
PRODUCT = "/v1/products/{product_id}"
VARIANT = PRODUCT + "/variants/{variant_id}"


def _ids(req: ApiRequest):
    return req.principal.store_id, req.params["product_id"]


@route(bp, "/v1/products", ["POST"], status=201)
def create_product(req: ApiRequest):
    catalog = services().catalog
    return catalog.serialize_product(catalog.create_product(req.principal.store_id, req.json()))


@route(bp, "/v1/products", ["GET"])
def list_products(req: ApiRequest):
    catalog = services().catalog
    products, cursor = catalog.list_products(req.principal.store_id, req.query)
    return {"items": [catalog.serialize_product(p) for p in products], "next_cursor": cursor}


@route(bp, PRODUCT, ["GET"])
def get_product(req: ApiRequest):
    catalog = services().catalog
    return catalog.serialize_product(catalog.product(*_ids(req)))


@route(bp, PRODUCT, ["PATCH"])
def patch_product(req: ApiRequest):
    catalog = services().catalog
    return catalog.serialize_product(catalog.update_product(*_ids(req), req.json()))


@route(bp, PRODUCT, ["DELETE"])
def delete_product(req: ApiRequest):
    services().catalog.delete_product(*_ids(req))
    return respond(None, 204)


@route(bp, PRODUCT + "/variants", ["POST"], status=201)
def add_variant(req: ApiRequest):
    catalog = services().catalog
    return catalog.serialize_product(catalog.add_variant(*_ids(req), req.json()))


@route(bp, VARIANT, ["PATCH"])
def patch_variant(req: ApiRequest):
    catalog = services().catalog
    return catalog.serialize_product(
        catalog.update_variant(*_ids(req), req.params["variant_id"], req.json()))


@route(bp, VARIANT, ["DELETE"])
def delete_variant(req: ApiRequest):
    services().catalog.delete_variant(*_ids(req), req.params["variant_id"])
    return respond(None, 204)


@route(bp, VARIANT + "/stock", ["POST"])
def change_stock(req: ApiRequest):
    return services().catalog.change_stock(*_ids(req), req.params["variant_id"], req.json(),
                                           req.principal.actor())


@route(bp, VARIANT + "/stock/movements", ["GET"])
def stock_movements(req: ApiRequest):
    catalog = services().catalog
    movements, cursor = catalog.movements(*_ids(req), req.params["variant_id"], req.query)
    return {"items": [catalog.serialize_movement(m) for m in movements], "next_cursor": cursor}


@route(bp, "/v1/stores/{slug}/products", ["GET"], public=True)
def storefront_products(req: ApiRequest):
    store_id = services().accounts.store_id_for_slug(req.params["slug"])
    catalog = services().catalog
    products, cursor = catalog.list_products(store_id, req.query, published_only=True)
    return {"items": [catalog.serialize_product(p, public=True) for p in products],
            "next_cursor": cursor}
