"""Typed errors with stable codes, and the one table that maps them to HTTP.

Plain Python: the domain raises these, the HTTP edge renders them. Nobody
matches on message text.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional


class DomainError(Exception):
    code = "error"
    message = "Something went wrong."

    def __init__(self, message: Optional[str] = None,
                 fields: Optional[Mapping[str, str]] = None,
                 **details: Any) -> None:
        self.message = message or self.message
        self.fields: Dict[str, str] = dict(fields or {})
        # Extra members of the error body (e.g. retry_after, allowed, variants).
        self.details: Dict[str, Any] = details
        super().__init__(self.message)


class MalformedRequest(DomainError):
    code = "malformed_request"
    message = "The request body is not valid JSON."


class ValidationFailed(DomainError):
    code = "validation_error"
    message = "Some fields are invalid."


class Unauthorized(DomainError):
    code = "unauthorized"
    message = "Missing or invalid credentials."


class Forbidden(DomainError):
    code = "forbidden"
    message = "You are not allowed to do this."


class PhoneBlocked(Forbidden):
    code = "phone_blocked"
    message = "We could not take this order online. Please contact the store to order."


class NotFound(DomainError):
    code = "not_found"
    message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    message = "The request conflicts with the current state."


class AlreadyExists(Conflict):
    code = "already_exists"
    message = "It already exists."


class ConcurrentChange(Conflict):
    code = "concurrent_change"
    message = "Someone changed this at the same time; reload and try again."


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    message = "Not enough stock."


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = "That status change is not allowed."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with another request body."


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    message = "The request body is too large."


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    message = "Send the request body as application/json."


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    message = "This method is not allowed on this path."


class RateLimited(DomainError):
    code = "rate_limited"
    message = "Too many requests; try again later."

    def __init__(self, retry_after: int, message: Optional[str] = None) -> None:
        super().__init__(message, retry_after=int(retry_after))
        self.retry_after = int(retry_after)


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    message = "A dependency is unavailable; try again shortly."


class CourierAuthRefused(ValidationFailed):
    code = "courier_auth_failed"
    message = "The courier refused these credentials."


class CourierNotConfigured(ValidationFailed):
    code = "courier_not_configured"
    message = "This courier is not set up for the store."


class CourierDown(ServiceUnavailable):
    code = "courier_unavailable"
    message = "The courier did not answer; try again shortly."


class Unsupported(ValidationFailed):
    code = "not_supported"
    message = "This courier does not offer that."


class SignatureRefused(Unauthorized):
    code = "bad_signature"
    message = "The callback's signature does not verify."


# The one error -> HTTP status table. Subclasses inherit their parent's status
# unless listed themselves.
HTTP_STATUS: Dict[type, int] = {
    MalformedRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    ValidationFailed: 422,
    RateLimited: 429,
    ServiceUnavailable: 503,
}


def http_status(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500


def error_body(error: DomainError) -> Dict[str, Any]:
    body: Dict[str, Any] = {"code": error.code, "message": error.message,
                            "fields": dict(error.fields)}
    body.update(error.details)
    return {"error": body}
