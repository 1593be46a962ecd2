"""The local stand-in for API Gateway's WebSocket API.

Chalice's local server does not serve websockets, so this gateway does, for the
app's own handlers:

* a WebSocket server (`url`, ws://127.0.0.1:<port>): each client gets a
  connection id; the upgrade calls `websocket_connect` with API Gateway's
  $connect event and is refused with that status unless it is 2xx; every text
  frame calls `websocket_message` ($default); the close calls
  `websocket_disconnect`.
* the management API (`management_url`, http://127.0.0.1:<port2>/<stage>), so
  the same boto3 `apigatewaymanagementapi` code that runs in AWS posts here:
  boto3 sends `POST|GET|DELETE /<stage>/@connections/<id>`; an unknown or
  closed connection answers 410 GoneException, as API Gateway does.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

from chalice.app import Chalice
from chalice.local import LambdaContext
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

from infra.local.emulators import LOOPBACK, free_port

logger = logging.getLogger("dzorders.realtime")

STAGE = "local"
API_ID = "local"
CONNECT, MESSAGE, DISCONNECT = "websocket_connect", "websocket_message", "websocket_disconnect"


def _now_ms() -> int:
    return int(time.time() * 1000)


class _Dashboard:
    """One client connection: its socket once open, frames posted before that."""

    def __init__(self, connection_id: str, source_ip: str) -> None:
        self.connection_id = connection_id
        self.source_ip = source_ip
        self.connected_at = datetime.now(timezone.utc)
        self.last_active_at = self.connected_at
        self.socket: Optional[ServerConnection] = None
        self.pending: List[str] = []


class LocalRealtimeGateway:
    def __init__(self, app: Chalice, port: int = 0, management_port: int = 0) -> None:
        self.app = app
        self.port = port or free_port()
        self.management_port = management_port or free_port()
        self._lock = threading.Lock()
        self._by_id: Dict[str, _Dashboard] = {}
        self._by_socket: Dict[int, _Dashboard] = {}
        self._ws_server: Any = None
        self._http_server: Optional[ThreadingHTTPServer] = None
        self._threads: List[threading.Thread] = []

    # --- lifecycle -------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"ws://{LOOPBACK}:{self.port}"

    @property
    def management_url(self) -> str:
        return f"http://{LOOPBACK}:{self.management_port}/{STAGE}"

    @property
    def environment(self) -> Dict[str, str]:
        """The variables the template sets from Chalice's WebSocket API in AWS."""
        return {"REALTIME_URL": self.url, "REALTIME_MANAGEMENT_URL": self.management_url}

    def start(self) -> "LocalRealtimeGateway":
        self._ws_server = serve(self._serve_client, LOOPBACK, self.port,
                                process_request=self._connect, compression=None)
        self._http_server = ThreadingHTTPServer((LOOPBACK, self.management_port),
                                                _management_handler(self))
        self._http_server.daemon_threads = True
        for name, target in (("realtime-ws", self._ws_server.serve_forever),
                             ("realtime-management", self._http_server.serve_forever)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        if self._ws_server is not None:
            self._ws_server.shutdown()
        if self._http_server is not None:
            self._http_server.shutdown()
            self._http_server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    # --- the app's handlers ------------------------------------------------------
    def _event(self, dashboard: _Dashboard, route_key: str, event_type: str,
               **extra: Any) -> Dict[str, Any]:
        context = {"routeKey": route_key, "eventType": event_type,
                   "connectionId": dashboard.connection_id,
                   "domainName": f"{LOOPBACK}:{self.port}", "stage": STAGE, "apiId": API_ID,
                   "requestId": uuid.uuid4().hex, "connectedAt": int(dashboard.connected_at.timestamp() * 1000),
                   "requestTimeEpoch": _now_ms(), "identity": {"sourceIp": dashboard.source_ip}}
        if event_type == "MESSAGE":
            context["messageId"] = uuid.uuid4().hex
        return {"requestContext": context, "isBase64Encoded": False, **extra}

    def _invoke(self, name: str, event: Dict[str, Any]) -> Dict[str, Any]:
        context = LambdaContext(function_name=name, memory_size=256, max_runtime_ms=30_000)
        try:
            return self.app.handler_map[name](event, context) or {}
        except Exception:  # noqa: BLE001 - a failing handler is a 500, as in API Gateway
            logger.exception("%s failed", name)
            return {"statusCode": 500}

    # --- the WebSocket side ----------------------------------------------------------
    def _connect(self, socket: ServerConnection, request: Request) -> Optional[Response]:
        """The upgrade: the app's $connect decides; a non-2xx status refuses it."""
        source = socket.remote_address[0] if socket.remote_address else LOOPBACK
        dashboard = _Dashboard(uuid.uuid4().hex[:16] + "=", source)
        query = dict(parse_qsl(urlsplit(request.path).query))
        headers = {name: value for name, value in request.headers.raw_items()}
        # Registered before the handler runs, so a post during $connect is held, not 410.
        with self._lock:
            self._by_id[dashboard.connection_id] = dashboard
        answer = self._invoke(CONNECT, self._event(
            dashboard, "$connect", "CONNECT", headers=headers,
            queryStringParameters=query or None))
        status = int(answer.get("statusCode") or 200)
        if not 200 <= status < 300:
            with self._lock:
                self._by_id.pop(dashboard.connection_id, None)
            return socket.respond(status, json.dumps({"message": "Forbidden" if status == 403
                                                      else "Unauthorized"}) + "\n")
        with self._lock:
            self._by_socket[id(socket)] = dashboard
        return None

    def _serve_client(self, socket: ServerConnection) -> None:
        with self._lock:
            dashboard = self._by_socket.get(id(socket))
            if dashboard is None:
                return
            dashboard.socket = socket
            pending, dashboard.pending = dashboard.pending, []
        try:
            for frame in pending:
                socket.send(frame)
            for message in socket:
                dashboard.last_active_at = datetime.now(timezone.utc)
                body = message if isinstance(message, str) else message.decode("utf-8", "replace")
                self._invoke(MESSAGE, self._event(dashboard, "$default", "MESSAGE", body=body))
        except ConnectionClosed:
            pass
        finally:
            self._forget(dashboard, socket)
            self._invoke(DISCONNECT, self._event(dashboard, "$disconnect", "DISCONNECT"))

    def _forget(self, dashboard: _Dashboard, socket: ServerConnection) -> None:
        with self._lock:
            self._by_id.pop(dashboard.connection_id, None)
            self._by_socket.pop(id(socket), None)

    # --- the management side -------------------------------------------------------------
    def post(self, connection_id: str, data: bytes) -> bool:
        with self._lock:
            dashboard = self._by_id.get(connection_id)
            if dashboard is None:
                return False
            text = data.decode("utf-8", "replace")
            if dashboard.socket is None:
                dashboard.pending.append(text)
                return True
            socket = dashboard.socket
        try:
            socket.send(text)
        except ConnectionClosed:
            return False
        return True

    def describe(self, connection_id: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            dashboard = self._by_id.get(connection_id)
        if dashboard is None:
            return None
        return {"connectedAt": dashboard.connected_at.isoformat().replace("+00:00", "Z"),
                "lastActiveAt": dashboard.last_active_at.isoformat().replace("+00:00", "Z"),
                "identity": {"sourceIp": dashboard.source_ip, "userAgent": ""}}

    def close(self, connection_id: str) -> bool:
        with self._lock:
            dashboard = self._by_id.get(connection_id)
        if dashboard is None or dashboard.socket is None:
            return False
        dashboard.socket.close()
        return True

    def open_connections(self) -> List[str]:
        with self._lock:
            return sorted(self._by_id)


def _management_handler(gateway: LocalRealtimeGateway) -> type:
    class ManagementHandler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
            logger.debug(format, *args)

        def _connection_id(self) -> Optional[str]:
            # `/<stage>/@connections/<id>` (boto3 keeps the endpoint's path) or without a stage.
            path = urlsplit(self.path).path
            marker = "/@connections/"
            if marker not in path:
                return None
            return unquote(path.split(marker, 1)[1]) or None

        def _answer(self, status: int, body: Optional[Dict[str, Any]] = None,
                    error: Optional[str] = None) -> None:
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if error:
                self.send_header("x-amzn-ErrorType", error)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _gone(self) -> None:
            self._answer(410, {"message": "The connection is gone."}, "GoneException")

        def _route(self) -> Tuple[Optional[str], bool]:
            connection_id = self._connection_id()
            if connection_id is None:
                self._answer(404, {"message": "Not found"}, "NotFoundException")
            return connection_id, connection_id is not None

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else b""
            connection_id, found = self._route()
            if found:
                if gateway.post(connection_id, data):
                    self._answer(200)
                else:
                    self._gone()

        def do_GET(self) -> None:
            connection_id, found = self._route()
            if found:
                described = gateway.describe(connection_id)
                if described is None:
                    self._gone()
                else:
                    self._answer(200, described)

        def do_DELETE(self) -> None:
            connection_id, found = self._route()
            if found:
                if gateway.close(connection_id):
                    self._answer(204)
                else:
                    self._gone()

    return ManagementHandler
