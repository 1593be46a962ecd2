"""Customer-name search keys. Plain Python."""
from __future__ import annotations

from chalicelib.geo.names import normalize_name

NAME_KEY_LENGTH = 2


def name_key(name: str) -> str:
    """The normalised name: case, accents, spaces and punctuation removed."""
    return normalize_name(name or "")


def name_bucket(name: str) -> str:
    return name_key(name)[:NAME_KEY_LENGTH]
