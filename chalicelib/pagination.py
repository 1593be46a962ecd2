"""`?limit=&cursor=` for every list: bounds, and opaque cursors that cannot break a query."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Mapping, Optional

from chalicelib.errors import ValidationFailed

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def parse_limit(query: Mapping[str, str], default: int = DEFAULT_LIMIT) -> int:
    raw = query.get("limit")
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationFailed(fields={"limit": f"must be a whole number from 1 to {MAX_LIMIT}"})
    return int(raw)


def encode_cursor(position: Optional[str]) -> Optional[str]:
    if position is None:
        return None
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(query: Mapping[str, str], prefix: str) -> Optional[str]:
    """The position a cursor stands for; it must start with `prefix` (what the list pages over)."""
    raw = query.get("cursor")
    if not raw:
        return None
    try:
        padded = raw + "=" * (-len(raw) % 4)
        position = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        position = ""
    if not position.startswith(prefix) or len(position) > 300:
        raise ValidationFailed(fields={"cursor": "is not a cursor this list returned"})
    return position


def encode_key_cursor(key: Optional[dict]) -> Optional[str]:
    """A cursor for a position made of several string parts (e.g. an index's keys)."""
    return None if key is None else encode_cursor(json.dumps(key, sort_keys=True))


def decode_key_cursor(query: Mapping[str, str]) -> Optional[dict]:
    position = decode_cursor(query, "{")
    if position is None:
        return None
    try:
        key = json.loads(position)
    except ValueError:
        key = None
    if (not isinstance(key, dict) or not key or len(key) > 4
            or not all(isinstance(k, str) and isinstance(v, str) and len(v) < 200
                       for k, v in key.items())):
        raise ValidationFailed(fields={"cursor": "is not a cursor this list returned"})
    return key
