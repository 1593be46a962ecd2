"""Validation of a browser's PushSubscription, and the endpoint rules that keep
pushes off private networks. Plain Python.

Name resolution comes in as a port (`Resolver`). An endpoint is refused if ANY
address its host resolves to is not a public one, at subscription and again
right before every push (a name may be pointed elsewhere later).
"""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib import fields
from chalicelib.errors import ValidationFailed
from chalicelib.push.ports import Resolver, UnresolvableHost

MAX_ENDPOINT = 2048
LOOPBACK_NAMES = ("localhost", "localhost.")
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
P256_POINT_BYTES, AUTH_SECRET_BYTES = 65, 16


class EndpointRefused(Exception):
    """Why an endpoint may not be called (the message is safe to show)."""


def _public(address: ipaddress._BaseAddress) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not (address.is_private or address.is_loopback or address.is_link_local
                or address.is_reserved or address.is_multicast or address.is_unspecified
                or not address.is_global)


def _is_loopback_host(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split(endpoint: str, allow_loopback: bool) -> Tuple[str, int]:
    """(host, port) of an acceptable endpoint shape; raises EndpointRefused."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError as error:
        raise EndpointRefused("is not a valid URL") from error
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise EndpointRefused("must be an https URL")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("must not carry credentials")
    if parts.fragment:
        raise EndpointRefused("must not have a #fragment")
    if parts.scheme == "http" and not (allow_loopback and _is_loopback_host(host)):
        raise EndpointRefused("must be an https URL")
    return host, port or (443 if parts.scheme == "https" else 80)


def check_endpoint(endpoint: str, resolver: Resolver, allow_loopback: bool) -> None:
    """Raise EndpointRefused unless every address the endpoint's host resolves to may be called."""
    host, port = _split(endpoint, allow_loopback)
    try:
        ipaddress.ip_address(host)
        addresses: List[str] = [host]
    except ValueError:
        try:
            addresses = list(resolver(host, port))
        except UnresolvableHost as error:
            raise EndpointRefused("has a host name that does not resolve") from error
        if not addresses:
            raise EndpointRefused("has a host name that does not resolve")
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError as error:
            raise EndpointRefused("resolves to an address that is not valid") from error
        if allow_loopback and address.is_loopback:
            continue
        if not _public(address):
            raise EndpointRefused("must not point to a private, loopback or reserved address")


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
