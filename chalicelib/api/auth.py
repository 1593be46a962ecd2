"""The built-in authorizer guarding every merchant route.

Chalice's `@authorizer` is the one auth mechanism its local server enforces
and that works unchanged in API Gateway. A missing, unknown, expired or revoked
token raises an error whose text is exactly "Unauthorized": that is how a
Lambda authorizer yields a 401 in API Gateway (the template's gateway response
and the local launcher render it in the contract's error shape).
"""
from __future__ import annotations

from chalice import AuthResponse
from chalice.app import AuthRequest, Blueprint

bp = Blueprint(__name__)


class AuthorizerUnauthorized(Exception):
    def __init__(self) -> None:
        super().__init__("Unauthorized")


def bearer_token(header: str) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ""
    return token.strip()


# ttl_seconds=0: no caching of the decision, so a revoked token stops at once.
@bp.authorizer(ttl_seconds=0)
def merchant_authorizer(auth_request: AuthRequest) -> AuthResponse:
    from chalicelib.bootstrap import services

    record = services().accounts.authenticate(bearer_token(auth_request.token))
    if record is None:
        raise AuthorizerUnauthorized()
    actor_type = "merchant" if record.kind == "session" else "api_key"
    return AuthResponse(routes=["*"], principal_id=record.subject_id, context={
        "store_id": record.store_id, "actor_type": actor_type, "actor_id": record.subject_id,
        "actor_name": record.actor_name, "role": record.role, "token_kind": record.kind,
        "token_hash": record.token_hash,
        # Context values must be strings: the key's scopes, space-separated.
        "scopes": " ".join(sorted(record.granted_scopes())),
    })
