"""Opaque identifiers and secrets."""
from __future__ import annotations

import hashlib
import secrets
import time


def new_id(prefix: str = "") -> str:
    """A sortable opaque id: 10 hex chars of milliseconds, then 12 random ones."""
    stamp = format(int(time.time() * 1000), "011x")
    return f"{prefix}{stamp}{secrets.token_hex(6)}"


def new_secret(prefix: str, nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
