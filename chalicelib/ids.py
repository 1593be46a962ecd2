"""Opaque identifiers and secrets."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time

_lock = threading.Lock()
_last_stamp = 0


def _stamp() -> int:
    """Microseconds since the epoch, strictly increasing within this process."""
    global _last_stamp
    with _lock:
        _last_stamp = max(time.time_ns() // 1000, _last_stamp + 1)
        return _last_stamp


def new_id(prefix: str = "") -> str:
    """Sortable by creation time: 14 hex chars of microseconds, then 8 random ones."""
    return f"{prefix}{_stamp():014x}{secrets.token_hex(4)}"


def new_secret(prefix: str, nbytes: int = 32) -> str:
    return prefix + secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
