"""Health and the OpenAPI document."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services
from chalicelib.openapi import document

bp = Blueprint(__name__)


@route(bp, "/v1/health", ["GET"], public=True)
def health(req: ApiRequest):
    report = services().health.check()
    return respond(report, 200 if report["status"] == "ok" else 503,
                   {"Cache-Control": "no-store"})


@route(bp, "/v1/openapi.json", ["GET"], public=True)
def openapi(req: ApiRequest):
    return document()
