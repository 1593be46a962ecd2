"""A store's courier accounts: values and validation. Plain Python.

Credentials are kept encrypted (the cipher port, KMS in AWS) and never leave
the service in an answer or a log line; the API shows only which fields are set.
Each account has a callback token: the secret part of the URL its courier calls.
"""
from __future__ import annotations

import ipaddress
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from chalicelib.clock import iso
from chalicelib.couriers.registry import CourierSpec
from chalicelib.errors import ValidationFailed

MAX_CREDENTIAL_LENGTH = 2000
MAX_LABEL_LENGTH = 100
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)
SETTING_NAMES = ("base_url", "sender_wilaya", "import_rates", "label")


@dataclass(frozen=True)
class CourierAccountRecord:
    store_id: str
    code: str
    ciphertext: str                  # the credentials, encrypted (empty for `manual`)
    credential_fields: Tuple[str, ...]
    settings: Dict[str, Any]
    callback_token: str
    created_at: datetime
    updated_at: datetime
    last_check: Dict[str, Any] = field(default_factory=dict)


def new_callback_token() -> str:
    return secrets.token_urlsafe(24)


def _text(value: Any, where: str, errors: Dict[str, str]) -> Optional[str]:
    if not isinstance(value, str) or not value.strip():
        errors[where] = "must be a non-empty string"
        return None
    if len(value) > MAX_CREDENTIAL_LENGTH:
        errors[where] = f"must be at most {MAX_CREDENTIAL_LENGTH} characters"
        return None
    return value.strip()


def parse_account(spec: CourierSpec, body: Mapping[str, Any], allow_loopback: bool,
                  known_credentials: Tuple[str, ...] = ()) -> Tuple[Optional[Dict[str, str]],
                                                                   Dict[str, Any]]:
    """`{credentials, settings}` -> (credentials or None to keep the stored ones, settings).

    Credentials may be left out of an update (the stored ones stay); given, they
    must be complete."""
    errors: Dict[str, str] = {}
    unknown = [key for key in body if key not in ("credentials", "settings")]
    for key in unknown:
        errors[key] = "is not a member of a courier account; give credentials and settings"
    credentials = _credentials(spec, body.get("credentials"), known_credentials, errors)
    settings = _settings(spec, body.get("settings"), allow_loopback, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return credentials, settings


def _credentials(spec: CourierSpec, raw: Any, known: Tuple[str, ...],
                 errors: Dict[str, str]) -> Optional[Dict[str, str]]:
    if raw is None:
        missing = [name for name in spec.credentials if name not in known]
        for name in missing:
            errors[f"credentials.{name}"] = "is required"
        return None
    if not isinstance(raw, dict):
        errors["credentials"] = "must be an object"
        return None
    allowed = spec.credentials + spec.optional_credentials
    credentials: Dict[str, str] = {}
    for name in raw:
        if name not in allowed:
            errors[f"credentials.{name}"] = f"is not a {spec.name} credential; " \
                                            f"expected {', '.join(allowed) or 'none'}"
    for name in allowed:
        if name in raw and raw[name] is not None:
            value = _text(raw[name], f"credentials.{name}", errors)
            if value is not None:
                credentials[name] = value
        elif name in spec.credentials:
            errors[f"credentials.{name}"] = "is required"
    return credentials


def _settings(spec: CourierSpec, raw: Any, allow_loopback: bool,
              errors: Dict[str, str]) -> Dict[str, Any]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors["settings"] = "must be an object"
        return {}
    settings: Dict[str, Any] = {}
    for name, value in raw.items():
        if name not in SETTING_NAMES:
            errors[f"settings.{name}"] = f"is not a setting; expected {', '.join(SETTING_NAMES)}"
        elif name == "base_url" and value is not None:
            checked = check_base_url(value, allow_loopback)
            if checked:
                errors["settings.base_url"] = checked
            else:
                settings["base_url"] = value.rstrip("/")
        elif name == "sender_wilaya" and value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 69:
                errors["settings.sender_wilaya"] = "must be a wilaya code, 1 to 69"
            else:
                settings["sender_wilaya"] = value
        elif name == "import_rates" and value is not None:
            if not isinstance(value, bool):
                errors["settings.import_rates"] = "must be true or false"
            else:
                settings["import_rates"] = value
        elif name == "label" and value is not None:
            if not isinstance(value, str) or not value.strip() or len(value) > MAX_LABEL_LENGTH:
                errors["settings.label"] = f"must be a non-empty string of at most " \
                                           f"{MAX_LABEL_LENGTH} characters"
            else:
                settings["label"] = value.strip()
    if spec.has_api and spec.default_base_url is None and "base_url" not in settings \
            and "settings.base_url" not in errors:
        errors["settings.base_url"] = f"is required for {spec.name} (the tenant's API host)"
    return settings


def check_base_url(value: Any, allow_loopback: bool) -> Optional[str]:
    """None if `value` is an acceptable courier API host, else what is wrong with it."""
    if not isinstance(value, str) or len(value) > 300:
        return "must be a URL of at most 300 characters"
    parts = urlsplit(value)
    # A trailing dot names the same host ("localhost." is localhost).
    host = (parts.hostname or "").rstrip(".")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if loopback:
        if not allow_loopback:
            return "may not point to this machine"
        return None if parts.scheme in ("http", "https") else "must be an http(s) URL"
    if parts.scheme != "https" or not host:
        return "must be an https URL"
    if parts.username or parts.password:
        return "may not carry credentials"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # The resolver also reads shorthand IPv4 ("10.1", "167772161", "0xa9fea9fe"), which
        # ipaddress refuses; no real host name ends in a numeric label, so refuse those.
        if _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
            return "must be a host name or a full IP address"
        return None
    if not address.is_global:
        return "may not point to a private or reserved address"
    return None


def serialize(record: CourierAccountRecord, spec: CourierSpec, callback_url: Optional[str],
              polled: bool) -> Dict[str, Any]:
    """The account as the merchant sees it: never the credentials themselves."""
    return {"code": record.code, "name": spec.name,
            "credentials_set": sorted(record.credential_fields),
            "settings": dict(record.settings),
            "callback_url": callback_url if spec.pushes_updates else None,
            "sync": "webhook" if spec.pushes_updates else "polling" if polled else "manual",
            "last_check": dict(record.last_check) or None,
            "created_at": iso(record.created_at), "updated_at": iso(record.updated_at)}


def check_outcome(ok: bool, message: str, now: datetime) -> Dict[str, Any]:
    return {"ok": ok, "message": message, "at": iso(now)}


def known_codes(codes: List[str]) -> str:
    return ", ".join(codes)
