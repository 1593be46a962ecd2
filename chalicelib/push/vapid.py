"""VAPID key pairs (RFC 8292): P-256, kept as base64url raw values. Plain Python."""
from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.push.model import VapidKeys
from chalicelib.push.validation import decode_base64url


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _public_of(private: ec.EllipticCurvePrivateKey) -> str:
    return b64url(private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def generate_keys() -> VapidKeys:
    private = ec.generate_private_key(ec.SECP256R1())
    raw = private.private_numbers().private_value.to_bytes(32, "big")
    return VapidKeys(private_key=b64url(raw), public_key=_public_of(private))


def from_private(private_key: str) -> VapidKeys:
    """The pair for a stored private value; the public key is always derived, never trusted."""
    value = int.from_bytes(decode_base64url(private_key), "big")
    return VapidKeys(private_key=private_key,
                     public_key=_public_of(ec.derive_private_key(value, ec.SECP256R1())))


def dumps(keys: VapidKeys) -> str:
    """The parameter's value: JSON, so an operator can read the public half."""
    return json.dumps({"private_key": keys.private_key, "public_key": keys.public_key})


def loads(text: str) -> VapidKeys:
    """Raises ValueError for a value this code did not write."""
    try:
        document = json.loads(text)
        return from_private(str(document["private_key"]))
    except (KeyError, TypeError) as error:
        raise ValueError("not a VAPID key pair") from error
