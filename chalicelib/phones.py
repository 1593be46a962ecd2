"""Algerian phone numbers: accept what people type, store `+213XXXXXXXXX`.

Plain Python. Mobiles are 0 + [567] + 8 digits; landlines are 0 + [234] + 7
digits (area code and subscriber). Customers type spaces, dots, dashes,
parentheses, `+213`, `00213` or `213`, sometimes keeping the trunk 0 after
the country code.
"""
from __future__ import annotations

import re
from typing import Optional

_SEPARATORS = re.compile(r"[\s.\-()/]+")
_MOBILE = re.compile(r"^[567]\d{8}$")
_LANDLINE = re.compile(r"^[234]\d{7}$")
# Arabic-Indic and Extended Arabic-Indic digits, as typed on Arabic keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def national_digits(text: str) -> Optional[str]:
    """The number without trunk 0 or country code, or None if it is not Algerian."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    compact = _SEPARATORS.sub("", text.translate(_DIGITS))
    if compact.startswith("+"):
        compact = compact[1:]
        if not compact.startswith("213"):
            return None
        compact = compact[3:]
    elif compact.startswith("00213"):
        compact = compact[5:]
    elif compact.startswith("213") and len(compact) in (11, 12):
        compact = compact[3:]
    if not compact.isdigit():
        return None
    if compact.startswith("0"):
        compact = compact[1:]
    if _MOBILE.match(compact) or _LANDLINE.match(compact):
        return compact
    return None


def normalize_phone(text: str) -> Optional[str]:
    """`+213XXXXXXXXX` for a valid Algerian mobile or landline, else None."""
    digits = national_digits(text)
    return None if digits is None else "+213" + digits


def is_mobile(normalized: str) -> bool:
    return bool(_MOBILE.match(normalized[4:])) if normalized.startswith("+213") else False


def mask_phone(normalized: str) -> str:
    """For logs: never a full phone number."""
    return normalized[:6] + "****" + normalized[-2:] if len(normalized) > 8 else "****"
