"""Notifications: the dashboard bell's feed and marking it read."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import ApiRequest, route
from chalicelib.bootstrap import services
from chalicelib.errors import ValidationFailed
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit

bp = Blueprint(__name__)
# A cursor stands for a feed position; the prefix keeps other lists' cursors out.
CURSOR_PREFIX = "NOTIF#"


def _position(cursor: str) -> str:
    try:
        return decode_cursor({"cursor": cursor}, CURSOR_PREFIX)[len(CURSOR_PREFIX):]
    except ValidationFailed:
        raise ValidationFailed(fields={"after": "is not a time or a cursor this feed returned"})


def _after(query) -> str:
    """`after` is the contract's name; `cursor` (every list's name) means the same."""
    after, cursor = query.get("after"), query.get("cursor")
    if after and cursor and after != cursor:
        raise ValidationFailed(fields={"after": "give after or cursor, not two different ones"})
    return after or cursor


@route(bp, "/v1/notifications", ["GET"])
def feed(req: ApiRequest):
    page = services().bell.feed(req.principal.store_id, parse_limit(req.query), _after(req.query),
                                _position)
    position = page.pop("next_position")
    return {"items": page["items"],
            "next_cursor": encode_cursor(CURSOR_PREFIX + position) if position else None,
            "unread_count": page["unread_count"]}


@route(bp, "/v1/notifications/read", ["POST"])
def mark_read(req: ApiRequest):
    return services().bell.mark_read(req.principal.store_id, req.json())
