"""The HTTP edge: the one view wrapper, request parsing and responses.

Chalice turns exceptions raised in a view into its own `{"Code","Message"}` body
before middleware sees them, so every view is wrapped here: domain errors become
the contract's `{"error": {code, message, fields}}` with the status from
`chalicelib.errors`, anything else is logged with the request id and becomes a
bare 500. `chalice_errors_in_contract_shape` (HTTP middleware) rewrites the few
errors Chalice produces before a view runs (405, 415).
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Mapping, Optional

from chalice import Response
from chalice.app import Blueprint, Chalice, Request

from chalicelib.api import permissions
from chalicelib.errors import (DomainError, Forbidden, MalformedRequest, MethodNotAllowed,
                               PayloadTooLarge, RateLimited, UnsupportedMediaType,
                               Unauthorized, error_body, http_status)
from chalicelib.logs import get_logger, log
from chalicelib.orders.model import Actor
from chalicelib.ratelimit.model import Decision

logger = get_logger("http")

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Principal:
    """Who is calling, as the authorizer established it."""
    store_id: str
    actor_type: str          # "merchant" (session) or "api_key"
    actor_id: str
    actor_name: str
    role: str
    token_kind: str          # "session" or "api_key"
    token_hash: str
    scopes: FrozenSet[str] = frozenset()   # an API key's; empty for sessions

    def actor(self) -> Dict[str, str]:
        return {"type": self.actor_type, "id": self.actor_id, "name": self.actor_name}


class ApiRequest:
    """What a handler needs from a request, parsed once."""

    def __init__(self, raw: Request, params: Mapping[str, str], max_body_bytes: int) -> None:
        self.raw = raw
        self.params = dict(params)
        self._max_body_bytes = max_body_bytes
        self._json: Any = None
        self._parsed = False

    @property
    def request_id(self) -> str:
        return str((self.raw.context or {}).get("requestId", ""))

    @property
    def source_ip(self) -> str:
        identity = (self.raw.context or {}).get("identity") or {}
        return str(identity.get("sourceIp") or "unknown")

    @property
    def query(self) -> Dict[str, str]:
        return dict(self.raw.query_params or {})

    def header(self, name: str) -> Optional[str]:
        return self.raw.headers.get(name.lower())

    def body_bytes(self) -> bytes:
        body = self.raw.raw_body or b""
        if len(body) > self._max_body_bytes:
            raise PayloadTooLarge(f"The request body is larger than {self._max_body_bytes} bytes.")
        return body

    def json(self) -> Dict[str, Any]:
        """The body as a JSON object. Empty body reads as {}."""
        if not self._parsed:
            self._json = read_json(self.body_bytes())
            self._parsed = True
        return self._json

    @property
    def principal(self) -> Principal:
        context = (self.raw.context or {}).get("authorizer") or {}
        if not context.get("store_id"):
            raise Unauthorized()
        return Principal(store_id=context["store_id"], actor_type=context["actor_type"],
                         actor_id=context["actor_id"], actor_name=context.get("actor_name", ""),
                         # No role, no permission: a context without one is refused.
                         role=context.get("role", ""), token_kind=context["token_kind"],
                         token_hash=context.get("token_hash", ""),
                         scopes=frozenset(str(context.get("scopes") or "").split()))


def actor_of(req: "ApiRequest") -> Actor:
    """Who a merchant request acts as, for timeline entries and stock movements."""
    principal = req.principal
    return Actor(principal.actor_type, principal.actor_id, principal.actor_name)


def read_json(body: bytes) -> Dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # RecursionError: absurdly deep nesting is malformed input, not a crash.
        raise MalformedRequest() from error
    if not isinstance(value, dict):
        raise MalformedRequest("The request body must be a JSON object.")
    return value


def respond(body: Any = None, status: int = 200,
            headers: Optional[Mapping[str, str]] = None) -> Response:
    merged = dict(JSON_HEADERS)
    merged.update(headers or {})
    if body is None:
        return Response(body="", status_code=status, headers=merged)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(body=text, status_code=status, headers=merged)


def _with_headers(response: Response, headers: Optional[Mapping[str, str]]) -> Response:
    if headers:
        response.headers = {**headers, **(response.headers or {})}
    return response


def error_response(error: DomainError) -> Response:
    headers = {}
    retry_after = error.details.get("retry_after")
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return respond(error_body(error), http_status(error), headers)


def internal_error_response() -> Response:
    return respond({"error": {"code": "internal_error",
                              "message": "An internal error occurred.", "fields": {}}}, 500)


Handler = Callable[[ApiRequest], Any]


def authorize(req: ApiRequest, path: str) -> None:
    """403 unless the caller's role or API key scopes hold the permission the one
    table (chalicelib/api/permissions.py) names for this route."""
    principal = req.principal
    permission = permissions.required(req.raw.method, path)
    if permissions.allows(principal.token_kind, principal.role, principal.scopes, permission):
        return
    details = {"permission": permission} if permission else {}
    if principal.token_kind == "api_key":
        raise Forbidden(f"This API key does not have the {permission or 'needed'} scope.",
                        **details)
    raise Forbidden(f"Your role ({principal.role or 'none'}) does not allow this.", **details)


class OverRateLimit(RateLimited):
    """A caller over its API rate limit; carries the X-RateLimit-* headers."""

    def __init__(self, decision: Decision, token_kind: str) -> None:
        holder = "API key" if token_kind == "api_key" else "session"
        super().__init__(decision.retry_after,
                         f"More than {decision.limit} requests a minute with this {holder}; "
                         f"retry in {decision.retry_after} s.")
        self.headers = decision.headers()


def admit(req: ApiRequest) -> Optional[Mapping[str, str]]:
    """Count the request against its caller's API rate limit (one conditional update);
    OverRateLimit (429) when over it. Returns the X-RateLimit-* headers to send."""
    from chalicelib.bootstrap import services
    limiter = services().rate_limits
    if limiter.per_minute <= 0:
        return None
    decision = limiter.admit(req.principal.token_hash)
    if not decision.allowed:
        raise OverRateLimit(decision, req.principal.token_kind)
    return decision.headers()


def _max_body_bytes() -> int:
    from chalicelib.bootstrap import services
    return services().settings.max_body_bytes


def route(bp: Blueprint, path: str, methods: list, *, public: bool = False,
          status: int = 200) -> Callable[[Handler], Handler]:
    """Register `handler(req)` on `bp` behind the one view wrapper.

    Routes are merchant-only (the built-in authorizer, then the permission table)
    unless `public`. The handler returns a Response, or a body served with `status`.
    """
    from chalicelib.api.auth import merchant_authorizer

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            req = ApiRequest(bp.current_request, params, _max_body_bytes())
            limit_headers = None
            try:
                if not public:
                    limit_headers = admit(req)
                    authorize(req, path)
                result = handler(req)
            except OverRateLimit as error:
                return _with_headers(error_response(error), error.headers)
            except DomainError as error:
                return _with_headers(error_response(error), limit_headers)
            except Exception:  # noqa: BLE001 - the one place that turns bugs into a 500
                log(logger, logging.ERROR, "unhandled error", exc_info=True,
                    request_id=req.request_id, path=path, method=req.raw.method)
                return internal_error_response()
            if isinstance(result, Response):
                return _with_headers(result, limit_headers)
            return _with_headers(respond(result, status), limit_headers)

        bp.route(path, methods=methods,
                 authorizer=None if public else merchant_authorizer)(view)
        return handler
    return decorate


_CHALICE_ERRORS: Dict[int, Callable[[str], DomainError]] = {
    405: lambda message: MethodNotAllowed(),
    415: lambda message: UnsupportedMediaType(),
    400: lambda message: MalformedRequest(message or None),
}


def chalice_errors_in_contract_shape(event: Request, get_response: Callable) -> Response:
    """HTTP middleware: Chalice's own pre-view errors, in the contract's shape."""
    response = get_response(event)
    body = response.body
    if isinstance(body, dict) and "Code" in body and "Message" in body:
        make = _CHALICE_ERRORS.get(response.status_code)
        if make is None:
            return internal_error_response()
        rendered = error_response(make(str(body.get("Message") or "")))
        for name, value in response.headers.items():
            if name.lower() in ("allow",) or name.lower().startswith("access-control-"):
                rendered.headers[name] = value
        return rendered
    return response


def install(app: Chalice) -> None:
    app.register_middleware(chalice_errors_in_contract_shape, "http")
