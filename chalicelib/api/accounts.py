"""Accounts: signup, login, logout, the store's settings and API keys."""
from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api import permissions
from chalicelib.api.http import ApiRequest, respond, route
from chalicelib.bootstrap import services

bp = Blueprint(__name__)


@route(bp, "/v1/signup", ["POST"], public=True, status=201)
def signup(req: ApiRequest):
    return services().accounts.signup(req.json())


@route(bp, "/v1/login", ["POST"], public=True)
def login(req: ApiRequest):
    return services().accounts.login(req.json(), req.source_ip)


@route(bp, "/v1/logout", ["POST"])
def logout(req: ApiRequest):
    principal = req.principal
    services().accounts.logout(principal.token_hash, principal.token_kind)
    return respond(None, 204)


@route(bp, "/v1/store", ["GET"])
def get_store(req: ApiRequest):
    accounts = services().accounts
    return accounts.serialize_store(accounts.get_store(req.principal.store_id))


@route(bp, "/v1/me", ["GET"])
def me(req: ApiRequest):
    """Who is calling, for which store, holding which permissions: the dashboard
    shows only the actions the permission table lets this caller take."""
    principal = req.principal
    accounts = services().accounts
    member = None
    if principal.token_kind == "session":
        found = services().members.find(principal.store_id, principal.actor_id)
        member = found and {"id": found.id, "email": found.email, "name": found.name,
                            "role": found.role}
    held = permissions.holds(principal.token_kind, principal.role, principal.scopes)
    return {
        "member": member or {"id": principal.actor_id, "email": None,
                             "name": principal.actor_name, "role": principal.role},
        "kind": principal.token_kind,
        "permissions": sorted(held),
        "store": accounts.serialize_store(accounts.get_store(principal.store_id)),
        # Operators ship orders but may not read courier accounts: the names suffice.
        "couriers": (services().couriers.shipping_choices(principal.store_id)
                     if "orders:write" in held else []),
    }


@route(bp, "/v1/store", ["PATCH"])
def patch_store(req: ApiRequest):
    accounts = services().accounts
    return accounts.serialize_store(accounts.update_store(req.principal.store_id, req.json()))


@route(bp, "/v1/stores/{slug}", ["GET"], public=True)
def public_store(req: ApiRequest):
    return services().accounts.public_store(req.params["slug"])


@route(bp, "/v1/api-keys", ["POST"], status=201)
def create_api_key(req: ApiRequest):
    principal = req.principal
    # A key making a key stays within its own scopes.
    within = principal.scopes if principal.token_kind == "api_key" else None
    return services().accounts.create_api_key(principal.store_id, principal.actor_id, req.json(),
                                              within)


@route(bp, "/v1/api-keys", ["GET"])
def list_api_keys(req: ApiRequest):
    return {"items": services().accounts.api_keys(req.principal.store_id), "next_cursor": None}


@route(bp, "/v1/api-keys/{key_id}", ["DELETE"])
def revoke_api_key(req: ApiRequest):
    services().accounts.revoke_api_key(req.principal.store_id, req.params["key_id"])
    return respond(None, 204)
