"""Validation of a browser's PushSubscription, and the endpoint rules that keep
pushes off private networks. Plain Python.

Name resolution comes in as a port (`Resolver`). An endpoint is refused if ANY
address its host resolves to is not a public one, at subscription and again
right before every push (a name may be pointed elsewhere later).
"""
from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Dict, Mapping, Optional

from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib import fields
from chalicelib.errors import ValidationFailed
from chalicelib.push.ports import Resolver
from chalicelib.targets import TargetRefused, check_target

MAX_ENDPOINT = 2048
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
P256_POINT_BYTES, AUTH_SECRET_BYTES = 65, 16


# The one rule for outbound targets, under the names this package uses.
EndpointRefused = TargetRefused
check_endpoint = check_target


def decode_base64url(value: str) -> bytes:
    """Browsers send keys base64url, usually without padding; raises ValueError."""
    if not BASE64URL.match(value):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def _p256dh(value: Any, errors: Dict[str, str]) -> Optional[str]:
    text = fields.text(value, "keys.p256dh", errors, max_len=200)
    if text is None:
        return None
    try:
        raw = decode_base64url(text)
    except ValueError:
        errors["keys.p256dh"] = "must be base64url"
        return None
    if len(raw) != P256_POINT_BYTES or raw[0] != 0x04:
        errors["keys.p256dh"] = "must be an uncompressed P-256 public key (65 bytes starting 0x04)"
        return None
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        errors["keys.p256dh"] = "is not a point on the P-256 curve"
        return None
    return text.rstrip("=")


def _auth(value: Any, errors: Dict[str, str]) -> Optional[str]:
    text = fields.text(value, "keys.auth", errors, max_len=100)
    if text is None:
        return None
    try:
        raw = decode_base64url(text)
    except ValueError:
        errors["keys.auth"] = "must be base64url"
        return None
    if len(raw) != AUTH_SECRET_BYTES:
        errors["keys.auth"] = f"must be a {AUTH_SECRET_BYTES}-byte secret"
        return None
    return text.rstrip("=")


def _endpoint(value: Any, errors: Dict[str, str], resolver: Resolver,
              allow_loopback: bool) -> Optional[str]:
    endpoint = fields.text(value, "endpoint", errors, max_len=MAX_ENDPOINT)
    if endpoint is None:
        return None
    try:
        check_endpoint(endpoint, resolver, allow_loopback)
    except EndpointRefused as refused:
        errors["endpoint"] = str(refused)
        return None
    return endpoint


def _expiration(value: Any, errors: Dict[str, str]) -> Optional[int]:
    if value is None:
        return None
    # A DOMHighResTimeStamp: milliseconds, possibly with a fraction.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or not 0 <= value < 10 ** 15:
        errors["expirationTime"] = "must be null or a time in epoch milliseconds"
        return None
    return int(value)


def parse_subscription(body: Mapping[str, Any], resolver: Resolver,
                       allow_loopback: bool) -> Dict[str, Any]:
    """A browser's PushSubscription JSON: {endpoint, expirationTime?, keys: {p256dh, auth}}.

    Members a browser may add later are ignored, so a newer browser's object still works."""
    errors: Dict[str, str] = {}
    keys = body.get("keys")
    if keys is None:
        errors["keys"] = "is required"
        keys = {}
    elif not isinstance(keys, Mapping):
        errors["keys"] = "must be an object with p256dh and auth"
        keys = {}
    result = {"endpoint": _endpoint(body.get("endpoint"), errors, resolver, allow_loopback),
              "expiration_time": _expiration(body.get("expirationTime"), errors)}
    if "keys" not in errors:
        result.update(p256dh=_p256dh(keys.get("p256dh"), errors), auth=_auth(keys.get("auth"), errors))
    if errors:
        raise ValidationFailed(fields=errors)
    return result
