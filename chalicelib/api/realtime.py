"""The dashboards' WebSocket: connect with a session token, then receive each new
bell notification as `{"type": "notification", "item": <the feed item>}`.

Thin handlers: authenticate and remember the connection ($connect), refresh it
and answer pings ($default), forget it ($disconnect). A $connect answering a
non-2xx status makes API Gateway refuse the upgrade.

Chalice's blueprints register websocket handlers without their event wrapper,
so `install(app)` registers them on the app itself.
"""
from __future__ import annotations

import logging
from typing import Any, Dict

from chalice.app import Chalice, WebsocketEvent

from chalicelib.bootstrap import services
from chalicelib.logs import get_logger, log

logger = get_logger("realtime")


def _status(code: int) -> Dict[str, Any]:
    return {"statusCode": code}


def websocket_connect(event: WebsocketEvent) -> Dict[str, Any]:
    token = (event.to_dict().get("queryStringParameters") or {}).get("token")
    try:
        return _status(services().bell.connect(token, event.connection_id))
    except Exception:  # noqa: BLE001 - refuse the upgrade rather than crash the handler
        log(logger, logging.ERROR, "connect failed", exc_info=True,
            connection_id=event.connection_id)
        return _status(500)


def websocket_message(event: WebsocketEvent) -> Dict[str, Any]:
    services().bell.on_message(event.connection_id, event.to_dict().get("body"))
    return _status(200)


def websocket_disconnect(event: WebsocketEvent) -> Dict[str, Any]:
    services().bell.disconnect(event.connection_id)
    return _status(200)


def install(app: Chalice) -> None:
    app.on_ws_connect()(websocket_connect)
    app.on_ws_message()(websocket_message)
    app.on_ws_disconnect()(websocket_disconnect)
