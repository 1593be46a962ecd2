"""Algeria's wilayas and communes (public, cacheable)."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services
from chalicelib.errors import NotFound
from chalicelib.geo.data import parse_wilaya_code

bp = Blueprint(__name__)
CACHE = {"Cache-Control": "public, max-age=86400"}


def _names(place) -> dict:
    return {"name_fr": place.name_fr, "name_ar": place.name_ar,
            "names": {"fr": place.name_fr, "ar": place.name_ar}}


@route(bp, "/v1/wilayas", ["GET"], public=True)
def wilayas(req: ApiRequest):
    items = [dict(_names(w), code=w.code, communes=w.communes)
             for w in services().geography.wilayas()]
    return respond({"items": items, "next_cursor": None}, 200, CACHE)


@route(bp, "/v1/wilayas/{code}/communes", ["GET"], public=True)
def communes(req: ApiRequest):
    code = parse_wilaya_code(req.params["code"])
    if code is None:
        raise NotFound("No such wilaya: codes run from 1 to 69.")
    items = [dict(_names(c), code=c.code, wilaya=c.wilaya, former_wilaya=c.former_wilaya,
                  courier_wilaya=c.courier_wilaya)
             for c in services().geography.communes(code)]
    return respond({"items": items, "next_cursor": None}, 200, CACHE)
