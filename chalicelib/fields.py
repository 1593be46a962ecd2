"""Reading one field of a request body. Plain Python shared by the validators.

Each reader records what is wrong under the field's path in `errors` and
returns None, so a validator reports every bad field at once.
"""
from __future__ import annotations

from typing import Any, Dict, Optional


def text(value: Any, path: str, errors: Dict[str, str], *, max_len: int,
         required: bool = True, collapse: bool = False) -> Optional[str]:
    """A trimmed string (inner runs of spaces folded with `collapse`); None if absent or bad."""
    if value is None:
        if required:
            errors[path] = "is required"
        return None
    if not isinstance(value, str):
        errors[path] = "must be a string"
        return None
    value = " ".join(value.split()) if collapse else value.strip()
    if not value:
        if required:
            errors[path] = "must not be empty"
        return None
    if len(value) > max_len:
        errors[path] = f"must be at most {max_len} characters"
        return None
    return value


def whole_number(value: Any) -> bool:
    """An int that is not a bool (JSON true is not 1 here)."""
    return isinstance(value, int) and not isinstance(value, bool)
