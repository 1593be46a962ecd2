"""The one permission table: which member role and which API key scope may call
which merchant route.

Plain data, read by the view wrapper (`chalicelib.api.http.route`) before any
handler runs. Every merchant route (method and path as registered) needs exactly
one permission (ROUTES). A member's session holds the permissions of its role
(ROLES); an API key holds exactly its scopes, which are permission names
(chalicelib.accounts.model.SCOPES). Anything else is a 403 `forbidden`.

A merchant route missing from ROUTES is served to owners and admins only (they may
do everything) and to nobody else, never to an API key: a new route never defaults
to open. tests/unit/test_permissions.py fails for such a route.

Rules, as the Team section of the contract and issue 7 set them:
- owner, admin: everything.
- manager: everything but managing members, courier accounts (PUT/DELETE, test,
  sync), webhooks and API keys; they may read members and courier accounts.
- operator: orders (read, status, notes, shipments, label), calls (queue, log,
  assign), the phone blacklist (read, add, remove), the bell and push subscriptions, and reading the store, its products
  and delivery rates. Restocking a returned parcel moves stock: catalog:write.
- readonly: reads only, and only what a manager may read. Marking the bell read is
  refused: the unread count is the store's, shared by every dashboard.
- everyone, keys included, reaches POST /v1/logout (a key is told to use
  DELETE /v1/api-keys/{id} instead).
Public routes (`route(..., public=True)`) are outside this table.
"""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, Optional, Tuple

from chalicelib.accounts.model import SCOPES

# Granted to every authenticated caller.
ANYONE = "authenticated"

_STORE_READ, _STORE_WRITE = "store:read", "store:write"
_CATALOG_READ, _CATALOG_WRITE = "catalog:read", "catalog:write"
_ORDERS_READ, _ORDERS_WRITE = "orders:read", "orders:write"
_BELL_READ, _BELL_WRITE = "notifications:read", "notifications:write"
_COURIERS_READ, _COURIERS_WRITE = "couriers:read", "couriers:write"
_WEBHOOKS, _API_KEYS = "webhooks", "api_keys"
_MEMBERS_READ, _MEMBERS_WRITE = "members:read", "members:write"

_ORDER = "/v1/orders/{order_id}"
_PRODUCT = "/v1/products/{product_id}"
_VARIANT = _PRODUCT + "/variants/{variant_id}"
_COURIER = "/v1/couriers/{code}"
_WEBHOOK = "/v1/webhooks/{webhook_id}"

# (method, path) -> the permission it needs. Path parameters match whatever their
# name in the route (see `shape`).
ROUTES: Dict[Tuple[str, str], str] = {
    ("POST", "/v1/logout"): ANYONE,
    ("GET", "/v1/me"): ANYONE,
    # the store and its delivery rates
    ("GET", "/v1/store"): _STORE_READ,
    ("PATCH", "/v1/store"): _STORE_WRITE,
    ("GET", "/v1/shipping/rates"): _STORE_READ,
    ("PUT", "/v1/shipping/rates"): _STORE_WRITE,
    # catalog
    ("GET", "/v1/products"): _CATALOG_READ,
    ("POST", "/v1/products"): _CATALOG_WRITE,
    ("GET", _PRODUCT): _CATALOG_READ,
    ("PATCH", _PRODUCT): _CATALOG_WRITE,
    ("DELETE", _PRODUCT): _CATALOG_WRITE,
    ("POST", _PRODUCT + "/variants"): _CATALOG_WRITE,
    ("PATCH", _VARIANT): _CATALOG_WRITE,
    ("DELETE", _VARIANT): _CATALOG_WRITE,
    ("POST", _VARIANT + "/stock"): _CATALOG_WRITE,
    ("GET", _VARIANT + "/stock/movements"): _CATALOG_READ,
    # orders
    ("GET", "/v1/orders"): _ORDERS_READ,
    ("GET", "/v1/orders/export.csv"): _ORDERS_READ,
    ("GET", _ORDER): _ORDERS_READ,
    ("POST", _ORDER + "/status"): _ORDERS_WRITE,
    ("POST", _ORDER + "/notes"): _ORDERS_WRITE,
    ("POST", "/v1/orders/bulk/status"): _ORDERS_WRITE,
    ("POST", _ORDER + "/restock"): _CATALOG_WRITE,
    # shipments
    ("POST", _ORDER + "/shipments"): _ORDERS_WRITE,
    ("POST", "/v1/orders/bulk/shipments"): _ORDERS_WRITE,
    ("GET", _ORDER + "/shipment/label"): _ORDERS_READ,
    # call-confirm
    ("GET", "/v1/calls/queue"): _ORDERS_READ,
    ("GET", "/v1/calls/scheduled"): _ORDERS_READ,
    ("POST", _ORDER + "/calls"): _ORDERS_WRITE,
    ("POST", _ORDER + "/assign"): _ORDERS_WRITE,
    # anti-fraud: with orders (an operator blocks a phone after a fake call)
    ("GET", "/v1/blacklist"): _ORDERS_READ,
    ("POST", "/v1/blacklist"): _ORDERS_WRITE,
    ("DELETE", "/v1/blacklist/{block_id}"): _ORDERS_WRITE,
    # the bell and web push
    ("GET", "/v1/notifications"): _BELL_READ,
    ("POST", "/v1/notifications/read"): _BELL_WRITE,
    ("GET", "/v1/push/vapid-public-key"): _BELL_READ,
    ("GET", "/v1/push/subscriptions"): _BELL_READ,
    ("POST", "/v1/push/subscriptions"): _BELL_WRITE,
    ("DELETE", "/v1/push/subscriptions/{subscription_id}"): _BELL_WRITE,
    # courier accounts
    ("GET", "/v1/couriers"): _COURIERS_READ,
    ("GET", "/v1/couriers/unmapped-statuses"): _COURIERS_READ,
    ("GET", _COURIER): _COURIERS_READ,
    ("PUT", _COURIER): _COURIERS_WRITE,
    ("DELETE", _COURIER): _COURIERS_WRITE,
    ("POST", _COURIER + "/test"): _COURIERS_WRITE,
    ("POST", _COURIER + "/sync"): _COURIERS_WRITE,
    # webhooks
    ("POST", "/v1/webhooks"): _WEBHOOKS,
    ("GET", "/v1/webhooks"): _WEBHOOKS,
    ("GET", _WEBHOOK): _WEBHOOKS,
    ("PATCH", _WEBHOOK): _WEBHOOKS,
    ("DELETE", _WEBHOOK): _WEBHOOKS,
    ("POST", _WEBHOOK + "/rotate-secret"): _WEBHOOKS,
    ("POST", _WEBHOOK + "/test"): _WEBHOOKS,
    ("POST", _WEBHOOK + "/enable"): _WEBHOOKS,
    ("GET", _WEBHOOK + "/deliveries"): _WEBHOOKS,
    ("POST", "/v1/webhooks/deliveries/{delivery_id}/redeliver"): _WEBHOOKS,
    # API keys
    ("POST", "/v1/api-keys"): _API_KEYS,
    ("GET", "/v1/api-keys"): _API_KEYS,
    ("DELETE", "/v1/api-keys/{key_id}"): _API_KEYS,
    # the team
    ("GET", "/v1/members"): _MEMBERS_READ,
    ("POST", "/v1/members"): _MEMBERS_WRITE,
    ("PATCH", "/v1/members/{member_id}"): _MEMBERS_WRITE,
    ("DELETE", "/v1/members/{member_id}"): _MEMBERS_WRITE,
    # delivery analytics: managers and read-only members, not operators. There is no
    # analytics scope yet (scopes live in chalicelib/accounts/model.py); couriers:read
    # is the read grant with exactly that reach, and the report is about delivery.
    ("GET", "/v1/analytics/delivery"): _COURIERS_READ,
}

_EVERYTHING: FrozenSet[str] = frozenset(SCOPES) | {ANYONE}
_MANAGER = _EVERYTHING - {_MEMBERS_WRITE, _COURIERS_WRITE, _WEBHOOKS, _API_KEYS}
ROLES_PERMISSIONS: Dict[str, FrozenSet[str]] = {
    "owner": _EVERYTHING,
    "admin": _EVERYTHING,
    "manager": _MANAGER,
    "operator": frozenset({ANYONE, _STORE_READ, _CATALOG_READ, _ORDERS_READ, _ORDERS_WRITE,
                           _BELL_READ, _BELL_WRITE}),
    "readonly": frozenset({ANYONE, _STORE_READ, _CATALOG_READ, _ORDERS_READ, _BELL_READ,
                           _COURIERS_READ, _MEMBERS_READ}),
}
# Roles that may call a merchant route the table does not list.
UNLISTED_ROLES = frozenset({"owner", "admin"})

_PARAMETER = re.compile(r"\{[^}]*\}")


def shape(path: str) -> str:
    """`/v1/orders/{order_id}/calls` -> `/v1/orders/{}/calls`: rules match routes
    whatever their parameters are called."""
    return _PARAMETER.sub("{}", path)


_BY_SHAPE: Dict[Tuple[str, str], str] = {(method, shape(path)): permission
                                         for (method, path), permission in ROUTES.items()}


def required(method: str, path: str) -> Optional[str]:
    """The permission a merchant route needs; None when the table does not list it."""
    return _BY_SHAPE.get((method.upper(), shape(path)))


def holds(token_kind: str, role: str, scopes: FrozenSet[str]) -> FrozenSet[str]:
    """The permissions of a caller: an API key's scopes (and ANYONE), a role's grant."""
    if token_kind == "api_key":
        return frozenset(scopes) | {ANYONE}
    return ROLES_PERMISSIONS.get(role, frozenset())


def allows(token_kind: str, role: str, scopes: FrozenSet[str], permission: Optional[str]) -> bool:
    if permission is None:
        return token_kind == "session" and role in UNLISTED_ROLES
    return permission in holds(token_kind, role, scopes)
