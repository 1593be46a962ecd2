"""Anti-fraud: the store's phone blacklist (checkout refuses a blocked phone)."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services
from chalicelib.fraud.service import serialize_block

bp = Blueprint(__name__)


@route(bp, "/v1/blacklist", ["POST"], status=201)
def add_block(req: ApiRequest):
    principal = req.principal
    block, created = services().fraud.add_block(principal.store_id, req.json(), principal.actor_id)
    # A phone blocked already answers its existing entry (200), never a second one.
    return respond(serialize_block(block), 201 if created else 200)


@route(bp, "/v1/blacklist", ["GET"])
def list_blocks(req: ApiRequest):
    blocks, cursor = services().fraud.blocks(req.principal.store_id, req.query)
    return {"items": [serialize_block(block) for block in blocks], "next_cursor": cursor}


@route(bp, "/v1/blacklist/{block_id}", ["DELETE"], status=204)
def remove_block(req: ApiRequest):
    services().fraud.remove_block(req.principal.store_id, req.params["block_id"])
    return respond(None, 204)
