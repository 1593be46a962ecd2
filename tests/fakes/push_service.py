"""A browser's push service on 127.0.0.1, in a thread: it checks what a real one checks.

For each subscription it makes, it holds the browser's side of the keys (a P-256
key pair and a 16-byte auth secret, as `PushManager.subscribe()` creates them)
and hands out the PushSubscription JSON a browser would send to our API. Every
push it receives is kept with:

  - whether the VAPID header (RFC 8292) verified: `Authorization: vapid t=<JWT>,
    k=<key>`, an ES256 JWT signed by `k`, whose `aud` is this service's origin,
    whose `exp` lies in the next 24 h and which names a `sub`;
  - the payload, decrypted with the browser's private key and auth secret
    (aes128gcm, RFC 8291): a push we cannot decrypt would never reach the page;
  - the TTL and Urgency headers.

Answers are programmable per subscription (201 by default; 410 for an expired
subscription, 429/5xx for a busy service).
"""
from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

LOOPBACK = "127.0.0.1"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """The browser's half of one subscription."""
    id: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    endpoint: str

    def subscription(self) -> Dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}


@dataclass
class Push:
    subscription_id: str
    headers: Dict[str, str]
    vapid_key: Optional[str]
    vapid_claims: Optional[Dict[str, Any]]
    vapid_error: Optional[str]
    payload: Optional[Dict[str, Any]]
    decrypt_error: Optional[str]
    answered: int

    @property
    def verified(self) -> bool:
        return self.vapid_error is None and self.decrypt_error is None


@dataclass
class FakePushService:
    browsers: Dict[str, Browser] = field(default_factory=dict)
    answers: Dict[str, List[int]] = field(default_factory=dict)
    received: List[Push] = field(default_factory=list)
    _server: Optional[ThreadingHTTPServer] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> "FakePushService":
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    # --- what a test does ---------------------------------------------------------
    def new_browser(self) -> Browser:
        browser_id = uuid.uuid4().hex
        browser = Browser(browser_id, ec.generate_private_key(ec.SECP256R1()), os.urandom(16),
                          f"{self.origin}/push/{browser_id}")
        with self._lock:
            self.browsers[browser_id] = browser
        return browser

    def answer(self, browser: Browser, *statuses: int) -> None:
        """The next pushes to `browser` get these statuses, in order; then 201."""
        with self._lock:
            self.answers[browser.id] = list(statuses)

    def pushes_to(self, browser: Browser) -> List[Push]:
        with self._lock:
            return [push for push in self.received if push.subscription_id == browser.id]

    # --- what the service does -------------------------------------------------------
    def receive(self, browser_id: str, headers: Dict[str, str], body: bytes) -> int:
        with self._lock:
            browser = self.browsers.get(browser_id)
            queued = self.answers.get(browser_id) or []
            status = queued.pop(0) if queued else 201
        if browser is None:
            status = 404
        key, claims, vapid_error = self._check_vapid(headers)
        payload, decrypt_error = None, "unknown subscription"
        if browser is not None:
            payload, decrypt_error = _decrypt(browser, headers, body)
        with self._lock:
            self.received.append(Push(browser_id, headers, key, claims, vapid_error, payload,
                                      decrypt_error, status))
        return status

    def _check_vapid(self, headers: Dict[str, str]):
        scheme, _, params = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "vapid":
            return None, None, f"Authorization scheme {scheme!r}, not vapid"
        values = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token, key = values.get("t"), values.get("k")
        if not token or not key:
            return key, None, "vapid t= and k= are both required"
        try:
            claims = _verify_es256(token, unb64url(key))
        except (ValueError, InvalidSignature) as error:
            return key, None, f"bad JWT: {type(error).__name__} {error}"
        now = time.time()
        if claims.get("aud") != self.origin:
            return key, claims, f"aud {claims.get('aud')!r} is not {self.origin!r}"
        if not now < int(claims.get("exp", 0)) <= now + 24 * 3600:
            return key, claims, "exp must lie within the next 24 hours"
        if not claims.get("sub"):
            return key, claims, "sub is missing"
        return key, claims, None


def _verify_es256(token: str, public_point: bytes) -> Dict[str, Any]:
    header_part, claims_part, signature_part = token.split(".")
    header = json.loads(unb64url(header_part))
    if header.get("alg") != "ES256":
        raise ValueError(f"alg {header.get('alg')!r}")
    signature = unb64url(signature_part)
    if len(signature) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_point)
    public.verify(encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big")),
                  f"{header_part}.{claims_part}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64url(claims_part))


def _decrypt(browser: Browser, headers: Dict[str, str], body: bytes):
    if headers.get("content-encoding", "").lower() != "aes128gcm":
        return None, f"Content-Encoding {headers.get('content-encoding')!r}, not aes128gcm"
    try:
        plain = http_ece.decrypt(body, private_key=browser.private_key,
                                 auth_secret=browser.auth_secret, version="aes128gcm")
        return json.loads(plain), None
    except Exception as error:  # noqa: BLE001 - any failure means the page never sees it
        return None, f"{type(error).__name__}: {error}"


def _handler(service: FakePushService) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            path = self.path.split("?", 1)[0]
            browser_id = path.rsplit("/", 1)[-1] if path.startswith("/push/") else ""
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = service.receive(browser_id, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
