"""Delivery analytics, read from the counters the event pipeline keeps."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)


@route(bp, "/v1/analytics/delivery", ["GET"])
def delivery_analytics(req: ApiRequest):
    return services().analytics.delivery(req.principal.store_id, req.query)
