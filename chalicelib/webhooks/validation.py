"""Validation of webhook input, and the URL rules that keep deliveries off private networks.

Plain Python. Name resolution comes in as a port (`Resolver`): the service
passes the socket adapter, tests pass a table. A URL is refused if ANY address
its host resolves to is not a public one, at creation, at PATCH and again
right before every delivery.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib import fields
from chalicelib.errors import ValidationFailed
from chalicelib.webhooks.model import EVENT_TYPES
from chalicelib.targets import TargetRefused, check_target
from chalicelib.webhooks.ports import Resolver

MAX_URL = 2048
MAX_DESCRIPTION = 200


# The one rule for outbound targets, under the names this package uses.
UrlRefused = TargetRefused
check_url = check_target


def _url(value: Any, errors: Dict[str, str], resolver: Resolver, allow_loopback: bool) -> Optional[str]:
    url = fields.text(value, "url", errors, max_len=MAX_URL)
    if url is None:
        return None
    try:
        check_url(url, resolver, allow_loopback)
    except UrlRefused as refused:
        errors["url"] = str(refused)
        return None
    return url


def _events(value: Any, errors: Dict[str, str]) -> Optional[Tuple[str, ...]]:
    if value is None:
        errors["events"] = "is required"
        return None
    if not isinstance(value, list):
        errors["events"] = "must be a list of event types"
        return None
    if not value:
        errors["events"] = "must name at least one event type"
        return None
    chosen: List[str] = []
    for index, event in enumerate(value):
        if not isinstance(event, str) or event not in EVENT_TYPES:
            errors[f"events[{index}]"] = "is not a webhook event type; one of " + ", ".join(EVENT_TYPES)
        elif event not in chosen:
            chosen.append(event)
    return tuple(sorted(chosen))


def _description(value: Any, errors: Dict[str, str]) -> str:
    if value is None:
        return ""
    return fields.text(value, "description", errors, max_len=MAX_DESCRIPTION, required=False) or ""


def _refuse_unknown(body: Mapping[str, Any], known: set, errors: Dict[str, str]) -> None:
    for key in body:
        if key not in known:
            errors[key] = "is not a webhook setting"


def parse_create(body: Mapping[str, Any], resolver: Resolver, allow_loopback: bool) -> Dict[str, Any]:
    errors: Dict[str, str] = {}
    _refuse_unknown(body, {"url", "events", "description"}, errors)
    result = {"url": _url(body.get("url"), errors, resolver, allow_loopback),
              "events": _events(body.get("events"), errors),
              "description": _description(body.get("description"), errors)}
    if errors:
        raise ValidationFailed(fields=errors)
    return result


def parse_patch(body: Mapping[str, Any], resolver: Resolver, allow_loopback: bool) -> Dict[str, Any]:
    """The changes a PATCH asks for; unknown members are refused."""
    errors: Dict[str, str] = {}
    _refuse_unknown(body, {"url", "events", "enabled", "description"}, errors)
    changes: Dict[str, Any] = {}
    if "url" in body:
        changes["url"] = _url(body["url"], errors, resolver, allow_loopback)
    if "events" in body:
        changes["events"] = _events(body["events"], errors)
    if "description" in body:
        changes["description"] = _description(body["description"], errors)
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            errors["enabled"] = "must be true or false"
        changes["enabled"] = body["enabled"]
    if errors:
        raise ValidationFailed(fields=errors)
    return changes
