"""Validation of account and store input. Plain Python; raises ValidationFailed."""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from chalicelib import fields
from chalicelib.accounts.model import (CHECKOUT_LIMITS, DEFAULT_KEY_SCOPES, LANGUAGES,
                                      NOTIFICATION_CHANNELS, ROLES, SCOPES)
from chalicelib.errors import ValidationFailed
from chalicelib.phones import normalize_phone

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,38}[a-z0-9]$")
# Slugs that would read as part of the product, not a store.
RESERVED_SLUGS = frozenset({"api", "app", "admin", "www", "static", "assets", "dashboard",
                            "login", "signup", "help", "support", "status", "dzorders",
                            "v1", "docs", "mail", "root"})
# A short list of passwords people pick first; length alone does not stop them.
COMMON_PASSWORDS = frozenset({"password", "password1", "password123", "123456789",
                              "1234567890", "12345678910", "azertyuiop", "qwertyuiop",
                              "motdepasse", "iloveyou1", "algerie123", "dzorders123",
                              "0123456789", "abcdefghij", "azerty1234", "qwerty1234"})
MIN_PASSWORD, MAX_PASSWORD = 10, 128


def _errors() -> Dict[str, str]:
    return {}


def text(body: Mapping[str, Any], key: str, errors: Dict[str, str], *, path: str,
         max_len: int, required: bool = True) -> Optional[str]:
    return fields.text(body.get(key), path, errors, max_len=max_len, required=required)


def email(body: Mapping[str, Any], errors: Dict[str, str], path: str = "email") -> Optional[str]:
    value = text(body, "email", errors, path=path, max_len=254)
    if value is not None and not EMAIL.match(value):
        errors[path] = "is not a valid email address"
        return None
    return value.lower() if value else None


def password(value: Any, errors: Dict[str, str], path: str = "password") -> Optional[str]:
    if not isinstance(value, str):
        errors[path] = "is required" if value is None else "must be a string"
        return None
    if len(value) < MIN_PASSWORD:
        errors[path] = f"must be at least {MIN_PASSWORD} characters"
    elif len(value) > MAX_PASSWORD:
        errors[path] = f"must be at most {MAX_PASSWORD} characters"
    elif value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
        errors[path] = "is too easy to guess"
    else:
        return value
    return None


def slug(value: Any, errors: Dict[str, str], path: str) -> Optional[str]:
    if not isinstance(value, str):
        errors[path] = "is required" if value is None else "must be a string"
        return None
    if not SLUG.match(value):
        errors[path] = ("must be 3 to 40 lowercase letters, digits or single hyphens, "
                        "starting and ending with a letter or digit")
        return None
    if value in RESERVED_SLUGS:
        errors[path] = "is reserved"
        return None
    return value


def parse_signup(body: Mapping[str, Any]) -> Dict[str, str]:
    errors = _errors()
    address = email(body, errors)
    secret = password(body.get("password"), errors)
    store = body.get("store")
    name = store_slug = None
    if not isinstance(store, dict):
        errors["store"] = "is required" if store is None else "must be an object"
    else:
        name = text(store, "name", errors, path="store.name", max_len=100)
        store_slug = slug(store.get("slug"), errors, "store.slug")
    if errors:
        raise ValidationFailed(fields=errors)
    return {"email": address, "password": secret, "name": name, "slug": store_slug}


def parse_login(body: Mapping[str, Any]) -> Dict[str, str]:
    errors = _errors()
    address = text(body, "email", errors, path="email", max_len=254)
    secret = body.get("password")
    if not isinstance(secret, str) or not secret:
        errors["password"] = "is required" if secret is None else "must be a non-empty string"
    elif len(secret) > MAX_PASSWORD:
        errors["password"] = f"must be at most {MAX_PASSWORD} characters"
    if errors:
        raise ValidationFailed(fields=errors)
    return {"email": address.lower(), "password": secret}


def url(value: Any, errors: Dict[str, str], path: str, allow_loopback: bool) -> Optional[str]:
    if not isinstance(value, str) or len(value) > 500:
        errors[path] = "must be a URL of at most 500 characters"
        return None
    parts = urlsplit(value.strip())
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return value.strip()
    if parts.scheme == "http" and allow_loopback and _is_loopback(host):
        return value.strip()
    errors[path] = "must be an https URL"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _languages(value: Any, errors: Dict[str, str]) -> Optional[List[str]]:
    if (not isinstance(value, list) or not value
            or any(not isinstance(item, str) or item not in LANGUAGES for item in value)
            or len(set(value)) != len(value)):
        errors["languages"] = f"must be a non-empty list of distinct values among {list(LANGUAGES)}"
        return None
    return list(value)


def _notifications(value: Any, errors: Dict[str, str]) -> Optional[Dict[str, List[str]]]:
    if not isinstance(value, dict):
        errors["notifications"] = "must be an object"
        return None
    result: Dict[str, List[str]] = {}
    for channel, events in value.items():
        path = f"notifications.{channel}"
        if channel not in NOTIFICATION_CHANNELS:
            errors[path] = f"is not a channel ({', '.join(NOTIFICATION_CHANNELS)})"
        elif (not isinstance(events, list)
              or any(not isinstance(event, str) or event not in NOTIFICATION_CHANNELS[channel]
                     for event in events)):
            errors[path] = ("must be a list of event names among "
                            f"{list(NOTIFICATION_CHANNELS[channel])}")
        else:
            result[channel] = sorted(set(events))
    return result


def parse_store_patch(body: Mapping[str, Any], allow_loopback: bool) -> Dict[str, Any]:
    """The changes a PATCH /v1/store asks for; unknown members are refused."""
    errors = _errors()
    changes: Dict[str, Any] = {}
    known = {"name", "slug", "owner_email", "phone", "logo_url", "languages",
             "notifications", "restock_on_return", "auto_cancel_after_attempts",
             "checkout_limits"}
    for key in body:
        if key not in known:
            errors[key] = "is not a store setting that can be changed"
    if "name" in body:
        changes["name"] = text(body, "name", errors, path="name", max_len=100)
    if "slug" in body:
        changes["slug"] = slug(body["slug"], errors, "slug")
    if "owner_email" in body:
        value = text(body, "owner_email", errors, path="owner_email", max_len=254)
        if value is not None and not EMAIL.match(value):
            errors["owner_email"] = "is not a valid email address"
        changes["owner_email"] = value.lower() if value else None
    if "phone" in body:
        changes["phone"] = None
        if body["phone"] is not None:
            normalized = normalize_phone(body["phone"]) if isinstance(body["phone"], str) else None
            if normalized is None:
                errors["phone"] = "is not an Algerian phone number"
            changes["phone"] = normalized
    if "logo_url" in body:
        changes["logo_url"] = None if body["logo_url"] is None else url(
            body["logo_url"], errors, "logo_url", allow_loopback)
    if "languages" in body:
        changes["languages"] = _languages(body["languages"], errors)
    if "notifications" in body:
        changes["notifications"] = _notifications(body["notifications"], errors)
    if "restock_on_return" in body:
        if not isinstance(body["restock_on_return"], bool):
            errors["restock_on_return"] = "must be true or false"
        changes["restock_on_return"] = body["restock_on_return"]
    if "auto_cancel_after_attempts" in body:
        value = body["auto_cancel_after_attempts"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= 20):
            errors["auto_cancel_after_attempts"] = "must be a number of calls, 1 to 20, or null (off)"
        changes["auto_cancel_after_attempts"] = value
    if "checkout_limits" in body:
        changes["checkout_limits"] = _checkout_limits(body["checkout_limits"], errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


MAX_CHECKOUT_LIMIT = 10_000


def _checkout_limits(value: Any, errors: Dict[str, str]) -> Dict[str, Optional[int]]:
    """The limits a PATCH changes (the others keep their value); null turns all off."""
    if value is None:
        return {name: None for name in CHECKOUT_LIMITS}
    if not isinstance(value, dict):
        errors["checkout_limits"] = "must be an object {per_phone_per_hour, per_ip_per_hour} or null"
        return {}
    changes: Dict[str, Optional[int]] = {}
    for name, limit in value.items():
        path = f"checkout_limits.{name}"
        if name not in CHECKOUT_LIMITS:
            errors[path] = "is not a checkout limit; use per_phone_per_hour or per_ip_per_hour"
        elif limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                    or not 1 <= limit <= MAX_CHECKOUT_LIMIT):
            errors[path] = f"must be a number of orders per hour, 1 to {MAX_CHECKOUT_LIMIT}, or null (off)"
        else:
            changes[name] = limit
    return changes


def _scopes(value: Any, errors: Dict[str, str]) -> Optional[Tuple[str, ...]]:
    """Distinct known scopes, in the documented order (so equal sets read the same)."""
    if (not isinstance(value, list) or not value
            or any(not isinstance(item, str) or item not in SCOPES for item in value)
            or len(set(value)) != len(value)):
        errors["scopes"] = f"must be a non-empty list of distinct scopes among {list(SCOPES)}"
        return None
    return tuple(scope for scope in SCOPES if scope in value)


def parse_api_key(body: Mapping[str, Any]) -> Dict[str, Any]:
    """{name, scopes}; a key without `scopes` gets DEFAULT_KEY_SCOPES."""
    errors = _errors()
    name = text(body, "name", errors, path="name", max_len=100, required=False)
    scopes: Optional[Tuple[str, ...]] = DEFAULT_KEY_SCOPES
    if body.get("scopes") is not None:
        scopes = _scopes(body["scopes"], errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return {"name": name or "API key", "scopes": scopes}


def _unknown(body: Mapping[str, Any], known: frozenset, errors: Dict[str, str]) -> None:
    for key in body:
        if key not in known:
            errors[key] = "is not a field this request takes"


def _role(value: Any, errors: Dict[str, str]) -> Optional[str]:
    if not isinstance(value, str) or value not in ROLES:
        errors["role"] = ("is required" if value is None
                          else f"must be one of {', '.join(ROLES)}")
        return None
    return value


def parse_invite(body: Mapping[str, Any]) -> Dict[str, Any]:
    """POST /v1/members: {email, role, name?}; the name defaults to the email."""
    errors = _errors()
    _unknown(body, frozenset({"email", "role", "name"}), errors)
    address = email(body, errors)
    role = _role(body.get("role"), errors)
    name = text(body, "name", errors, path="name", max_len=100, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    return {"email": address, "role": role, "name": name or address}


def parse_role_change(body: Mapping[str, Any]) -> str:
    """PATCH /v1/members/{id}: {role}."""
    errors = _errors()
    _unknown(body, frozenset({"role"}), errors)
    role = _role(body.get("role"), errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return role


def parse_accept(body: Mapping[str, Any]) -> Dict[str, Any]:
    """POST /v1/members/accept: {invite_token, password, name?}; the password follows
    signup's rules; a name replaces the one the inviter gave."""
    errors = _errors()
    _unknown(body, frozenset({"invite_token", "password", "name"}), errors)
    token = text(body, "invite_token", errors, path="invite_token", max_len=200)
    secret = password(body.get("password"), errors)
    name = text(body, "name", errors, path="name", max_len=100, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    return {"invite_token": token, "password": secret, "name": name or None}
