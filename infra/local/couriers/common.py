"""What every fake courier server shares: a threaded HTTP server on 127.0.0.1, routing,
parcels with their status history, fault injection and the control endpoints.

A fake answers in its courier's own shapes (each subclass, one per courier, per
the reference facts of each API). Tests, `make run`'s sandbox couriers and the
benchmarks drive every fake the same way through `/_control/...`:

  POST /_control/advance   {"tracking", "status", "reason"?, "duplicate"?: bool}
                           moves a parcel to the courier's `status` string, keeps it in
                           its history and, for couriers that push, sends the webhook
                           (twice when `duplicate`)
  POST /_control/replay    {"tracking", "status"}: sends a webhook for that status
                           without changing the parcel (a late, out-of-order delivery)
  POST /_control/faults    {"fail_next": n, "status": 503, "delay": s, "rate_limited": n,
                           "lose_answer": n} - the next n API calls fail / wait; with
                           lose_answer the next n POSTs are carried out but never answered
                           (the connection drops, as when a courier times out after creating)
  POST /_control/webhook   {"url", "secret"?}: where this courier pushes (what the
                           merchant sets in the courier's dashboard)
  GET  /_control/parcels   every parcel, with its status and history
  GET  /_control/requests  every API request received (method, path), to count calls

Control paths need no credentials; they exist only in the fake.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Mapping, Optional, Pattern, Tuple
from urllib.parse import parse_qs, urlsplit

import requests

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    method: str
    path: str                    # without the query, relative to the API root
    query: Dict[str, str]
    headers: Dict[str, str]      # lower-cased names
    body: bytes
    params: Dict[str, str] = field(default_factory=dict)   # from the route pattern

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (ValueError, UnicodeDecodeError):
            return None

    def form(self) -> Dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}


@dataclass
class Response:
    status: int = 200
    body: Any = None             # dict/list -> JSON; bytes as is; str as text
    headers: Dict[str, str] = field(default_factory=dict)
    content_type: Optional[str] = None


@dataclass
class Parcel:
    tracking: str
    reference: Optional[str]
    status: str
    data: Dict[str, Any]
    history: List[Dict[str, Any]] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def move(self, status: str, reason: Optional[str] = None) -> Dict[str, Any]:
        entry = {"status": status, "reason": reason, "at": datetime.now(timezone.utc),
                 "event_id": uuid.uuid4().hex}
        self.status = status
        self.history.append(entry)
        return entry


Handler = Callable[[Request], Response]


class FakeCourier:
    """Subclasses set `code`, `api_root` (e.g. "/v1") and register routes in `routes()`."""
    code = "fake"
    api_root = ""

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0) -> None:
        self.credentials = dict(credentials or {})
        self.parcels: Dict[str, Parcel] = {}
        self.requests: List[Tuple[str, str]] = []
        self.webhook_url: Optional[str] = None
        self.webhook_secret: Optional[str] = None
        self.webhook_deliveries: List[Dict[str, Any]] = []
        self.lock = threading.RLock()
        self._faults: Dict[str, Any] = {}
        self._routes: List[Tuple[str, Pattern[str], Handler]] = []
        self._port = port
        self._server: Optional[ThreadingHTTPServer] = None
        self.routes()

    # --- for subclasses -----------------------------------------------------------------
    def routes(self) -> None:
        raise NotImplementedError

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """`pattern` is a path under the API root with `{name}` placeholders."""
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern.rstrip("/")) + "/?$"
        self._routes.append((method, re.compile(regex), handler))

    def authorized(self, request: Request) -> Optional[Response]:
        """None when the request carries this courier's credentials, else its 401."""
        return None

    def on_status(self, parcel: Parcel, entry: Dict[str, Any], duplicate: bool) -> None:
        """A parcel moved (or a replay was asked): push it, for couriers that do."""

    def new_parcel(self, tracking: str, reference: Optional[str], status: str,
                   data: Dict[str, Any]) -> Parcel:
        parcel = Parcel(tracking, reference, status, data)
        parcel.history.append({"status": status, "reason": None, "at": parcel.created_at,
                               "event_id": uuid.uuid4().hex})
        with self.lock:
            self.parcels[tracking] = parcel
        return parcel

    def find_by_reference(self, reference: str) -> Optional[Parcel]:
        with self.lock:
            return next((p for p in self.parcels.values() if p.reference == reference), None)

    def take_fault(self, name: str) -> bool:
        """Consume one of the `name` faults asked for by /_control/faults."""
        with self.lock:
            left = int(self._faults.get(name) or 0)
            if left > 0:
                self._faults[name] = left - 1
                return True
            return False

    def post_webhook(self, body: bytes, headers: Mapping[str, str]) -> int:
        """Send one webhook request to the configured URL; returns its status (0 if none)."""
        if not self.webhook_url:
            return 0
        try:
            answer = requests.post(self.webhook_url, data=body, timeout=10,
                                   headers=dict(headers, **{"Content-Type": "application/json"}))
            status = answer.status_code
        except requests.RequestException:
            status = 0
        self.webhook_deliveries.append({"status": status, "body": body.decode("utf-8")})
        return status

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> "FakeCourier":
        self._server = ThreadingHTTPServer((LOOPBACK, self._port), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name=f"fake-{self.code}",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What an account's `settings.base_url` is set to for this fake."""
        return self.origin + self.api_root

    # --- the control plane --------------------------------------------------------------
    def advance(self, tracking: str, status: str, reason: Optional[str] = None,
                duplicate: bool = False) -> Dict[str, Any]:
        with self.lock:
            parcel = self.parcels.get(tracking)
            if parcel is None:
                raise KeyError(tracking)
            entry = parcel.move(status, reason)
        self.on_status(parcel, entry, duplicate)
        return {"tracking": tracking, "status": status}

    def replay(self, tracking: str, status: str) -> None:
        with self.lock:
            parcel = self.parcels[tracking]
        entry = {"status": status, "reason": None, "at": datetime.now(timezone.utc),
                 "event_id": uuid.uuid4().hex}
        self.on_status(parcel, entry, False)

    def _control(self, request: Request) -> Response:
        body = request.json() or {}
        name = request.path[len("/_control/"):].strip("/")
        try:
            if request.method == "POST" and name == "advance":
                return Response(200, self.advance(str(body["tracking"]), str(body["status"]),
                                                  body.get("reason"), bool(body.get("duplicate"))))
            if request.method == "POST" and name == "replay":
                self.replay(str(body["tracking"]), str(body["status"]))
                return Response(200, {"replayed": True})
            if request.method == "POST" and name == "faults":
                with self.lock:
                    self._faults.update(body)
                return Response(200, dict(self._faults))
            if request.method == "POST" and name == "webhook":
                self.webhook_url, self.webhook_secret = body.get("url"), body.get("secret")
                return Response(200, {"url": self.webhook_url})
            if request.method == "GET" and name == "parcels":
                with self.lock:
                    return Response(200, [{"tracking": p.tracking, "reference": p.reference,
                                           "status": p.status,
                                           "history": [h["status"] for h in p.history]}
                                          for p in self.parcels.values()])
            if request.method == "GET" and name == "requests":
                with self.lock:
                    return Response(200, [list(r) for r in self.requests])
        except KeyError as missing:
            return Response(404, {"error": f"unknown {missing}"})
        return Response(404, {"error": "no such control"})

    # --- dispatch -------------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return self._control(request)
        if not request.path.startswith(self.api_root):
            return Response(404, {"message": "Not Found"})
        request.path = request.path[len(self.api_root):] or "/"
        with self.lock:
            self.requests.append((request.method, request.path))
        delay = 0.0
        with self.lock:
            delay = float(self._faults.get("delay") or 0)
        if delay:
            time.sleep(delay)
        if self.take_fault("fail_next"):
            return Response(int(self._faults.get("status") or 503), {"message": "Service Unavailable"})
        if self.take_fault("rate_limited"):
            return self.rate_limited()
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path.rstrip("/") or "/")
            if match and method == request.method:
                refused = self.authorized(request)
                if refused is not None:
                    return refused
                request.params = match.groupdict()
                return handler(request)
        return Response(404, {"message": "Not Found"})

    def rate_limited(self) -> Response:
        return Response(429, {"message": "Too Many Attempts."}, {"Retry-After": "1"})


def _handler(fake: FakeCourier) -> type:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            request = Request(self.command, parts.path, query,
                              {k.lower(): v for k, v in self.headers.items()}, body)
            try:
                response = fake.dispatch(request)
            except Exception as error:  # noqa: BLE001 - a fake's bug is its 500
                response = Response(500, {"message": f"fake failed: {error!r}"})
            if self.command == "POST" and not parts.path.startswith("/_control/") \
                    and fake.take_fault("lose_answer"):
                self.close_connection = True    # done, but the caller never hears of it
                return
            self._write(response)

        def _write(self, response: Response) -> None:
            body = response.body
            content_type = response.content_type
            if isinstance(body, (dict, list)) or body is None and content_type is None:
                payload = json.dumps(body if body is not None else {}, default=str).encode()
                content_type = content_type or "application/json"
            elif isinstance(body, bytes):
                payload = body
                content_type = content_type or "application/octet-stream"
            else:
                payload = str(body).encode("utf-8")
                content_type = content_type or "text/plain; charset=utf-8"
            self.send_response(response.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def minimal_pdf(text: str) -> bytes:
    """A small valid one-page PDF showing `text` (a label stand-in)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 40 100 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 210] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
               + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def courier_geography() -> Tuple[Dict[int, str], List[Dict[str, Any]]]:
    """Wilayas 1-58 (code -> French name) and communes filed as couriers file them:
    the 108 communes moved into wilayas 59-69 stay under their former wilaya."""
    from chalicelib.geo.data import Geography
    geography = Geography.load()
    wilayas = {w.code: w.name_fr for w in geography.wilayas() if w.code <= 58}
    communes = []
    for wilaya in geography.wilayas():
        for commune in geography.communes(wilaya.code):
            communes.append({"code": commune.code, "wilaya": commune.courier_wilaya,
                             "name": commune.name_fr, "name_ar": commune.name_ar})
    return wilayas, communes
