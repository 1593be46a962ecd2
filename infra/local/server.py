"""The local HTTP server: Chalice's local machinery, behaving like our API Gateway.

Chalice's local gateway renders gateway-level failures in API Gateway's default
bodies; the deployed API replaces those with the contract's error shape through
the template's gateway responses, and this server does the same here:

  missing/bad token (authorizer says "Unauthorized")  -> 401 unauthorized
  unknown route ("Missing Authentication Token")      -> 404 not_found
  authorizer deny                                     -> 403 forbidden
  body over API Gateway's 10 MB limit                 -> 413 payload_too_large

It also gives each request an id and the caller's address, as API Gateway does.
Locally only, it also serves the web apps (storefront and dashboard) from web/,
by the rules in infra/local/static.py; in AWS a CDN in front of a bucket does.
"""
from __future__ import annotations

import json
import mimetypes
import threading
import uuid
from typing import Any, Tuple

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (CustomLocalChalice, ChaliceRequestHandler, ForbiddenError,
                           LocalChalice, LocalDevServer, LocalGateway,
                           LocalGatewayAuthorizer, LocalGatewayException,
                           NotAuthorizedError)
from six.moves.BaseHTTPServer import BaseHTTPRequestHandler

from infra.local import static
from infra.local.emulators import LOOPBACK

API_GATEWAY_MAX_BODY = 10 * 1024 * 1024


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode()


GATEWAY_ERRORS = {
    "unauthorized": (401, error_body("unauthorized", "Missing or invalid credentials.")),
    "not_found": (404, error_body("not_found", "Not found.")),
    "forbidden": (403, error_body("forbidden", "You are not allowed to do this.")),
    "internal_error": (500, error_body("internal_error", "An internal error occurred.")),
    "payload_too_large": (413, error_body("payload_too_large", "The request body is too large.")),
    "malformed_request": (400, error_body("malformed_request", "The request is malformed.")),
}


class ContractAuthorizer(LocalGatewayAuthorizer):
    """A Lambda authorizer that raises "Unauthorized" means 401, as in API Gateway."""

    def authorize(self, raw_path, lambda_event, lambda_context):
        try:
            return super().authorize(raw_path, lambda_event, lambda_context)
        except LocalGatewayException:
            raise
        except Exception as error:  # noqa: BLE001 - mirrors API Gateway's handling
            if str(error) == "Unauthorized":
                raise NotAuthorizedError({}, b"") from error
            raise


class ContractGateway(LocalGateway):
    def __init__(self, app_object: Chalice, config: Config, client_ip: str) -> None:
        super().__init__(app_object, config)
        self._authorizer = ContractAuthorizer(app_object)
        self._client_ip = client_ip

    def _generate_lambda_event(self, method, path, headers, body):
        event = super()._generate_lambda_event(method, path, headers, body)
        context = event["requestContext"]
        context["requestId"] = str(uuid.uuid4())
        context["identity"] = {"sourceIp": self._client_ip}
        context["stage"] = "local"
        return event


def _gateway_error(error: LocalGatewayException) -> Tuple[int, bytes]:
    if isinstance(error, NotAuthorizedError):
        return GATEWAY_ERRORS["unauthorized"]
    if isinstance(error, ForbiddenError):
        body = error.body or b""
        if b"Missing Authentication Token" in body or b"Authorization header requires" in body:
            return GATEWAY_ERRORS["not_found"]
        return GATEWAY_ERRORS["forbidden"]
    return GATEWAY_ERRORS["internal_error"]


class ContractRequestHandler(ChaliceRequestHandler):
    # Without this every keep-alive request waits ~40 ms for delayed ACKs.
    disable_nagle_algorithm = True

    def __init__(self, request: Any, client_address: Tuple[str, int], server: Any,
                 app_object: Chalice, config: Config) -> None:
        self.local_gateway = ContractGateway(app_object, config, client_address[0])
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass   # the app logs what matters, as structured lines

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # A browser that navigated away mid-answer: nothing to tell anyone.
            self.close_connection = True

    def _send_error_response(self, error: LocalGatewayException) -> None:
        status, body = _gateway_error(error)
        headers = {"Content-Type": "application/json",
                   "x-amzn-RequestId": str(error.headers.get("x-amzn-RequestId", ""))}
        self._send_http_response(status, headers, body)

    def _refuse(self, kind: str) -> None:
        status, body = GATEWAY_ERRORS[kind]
        self.close_connection = True
        self._send_http_response(status, {"Content-Type": "application/json",
                                          "Connection": "close"}, body)

    def _generic_handle(self) -> None:
        host = self.headers.get("host", "")
        path = self.path.split("?")[0]
        if path == "/app" or path.startswith("/app/") or (path == "/" and not static.SLUG_HOST.match(host)):
            # The dashboard's first address, and the bare root, lead to the dashboard.
            return self._send_http_response(301, {"Location": "/dashboard/"}, b"")
        if static.owns(self.path, host):
            return self._serve_web(host)
        length = self.headers.get("content-length", "0")
        if not length.isdigit():
            return self._refuse("malformed_request")
        if int(length) > API_GATEWAY_MAX_BODY:
            return self._refuse("payload_too_large")
        return super()._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def _serve_web(self, host: str) -> None:
        found = static.resolve(self.path, host)
        if found is None:
            status, body = GATEWAY_ERRORS["not_found"]
            return self._send_http_response(status, {"Content-Type": "application/json"}, body)
        headers = {"Content-Type": found.content_type, "Cache-Control": found.cache_control,
                   "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
        body = found.path.read_bytes()
        # Compressed as the CDN does (its Compress option): a phone downloads a quarter.
        if static.compressible(found) and "gzip" in self.headers.get("accept-encoding", ""):
            body = static.gzipped(found.path, body)
            headers["Content-Encoding"] = "gzip"
        self._send_http_response(200, headers, b"" if self.command == "HEAD" else body)


def make_server(app: Chalice, port: int, host: str = LOOPBACK) -> LocalDevServer:
    """A threaded server for `app` on host:port (loopback unless told otherwise)."""
    # As chalice's create_local_server does: the current request must be
    # thread-local when requests are served on several threads.
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    config = Config(chalice_stage="local", config_from_disk={"app_name": app.app_name})
    return LocalDevServer(app, config, host, port, handler_cls=ContractRequestHandler)


class ServerThread:
    def __init__(self, server: LocalDevServer) -> None:
        self.server = server
        self._thread = threading.Thread(target=server.server.serve_forever,
                                        name="http-server", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "ServerThread":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.server.shutdown()
        self.server.server.server_close()
        self._thread.join(timeout=5)


def serve_in_thread(app: Chalice, port: int, host: str = LOOPBACK) -> ServerThread:
    return ServerThread(make_server(app, port, host)).start()
