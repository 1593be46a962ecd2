"""Delivery rates per wilaya: defaults, validation, quotes. Plain Python.

A new store ships everywhere at a default fee that follows distance from the
north, where most parcels leave from and where couriers price lowest; the
merchant changes what they need. Fees are integer DZD; a stop-desk fee of None
means no stop desk is offered in that wilaya.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional

from chalicelib.errors import ValidationFailed

WILAYA_CODES = range(1, 70)
MAX_FEE = 100_000

# Default (home, stop desk) fee by zone, in DZD.
ZONE_FEES = {"algiers": (400, 300), "north": (600, 400), "highlands": (800, 550),
             "south": (1200, 900)}
ALGIERS = {9, 16, 35, 42}
HIGHLANDS = {3, 7, 17, 30, 32, 39, 45, 47, 51, 55, 57, 58,
             59, 61, 65, 66, 69}   # 59-69 follow the wilaya they were carved out of
SOUTH = {1, 8, 11, 33, 37, 49, 50, 52, 53, 54, 56}


def zone(wilaya: int) -> str:
    if wilaya in ALGIERS:
        return "algiers"
    if wilaya in SOUTH:
        return "south"
    if wilaya in HIGHLANDS:
        return "highlands"
    return "north"


@dataclass(frozen=True)
class DeliveryRate:
    wilaya: int
    home: int
    stop_desk: Optional[int]
    enabled: bool = True


def default_rate(wilaya: int) -> DeliveryRate:
    home, stop_desk = ZONE_FEES[zone(wilaya)]
    return DeliveryRate(wilaya=wilaya, home=home, stop_desk=stop_desk, enabled=True)


def rate_for(wilaya: int, overrides: Mapping[int, Mapping[str, Any]]) -> DeliveryRate:
    """One wilaya's rate: the default with the merchant's changes applied."""
    changes = overrides.get(wilaya) or {}
    return replace(default_rate(wilaya), **{k: v for k, v in changes.items()
                                            if k in ("home", "stop_desk", "enabled")})


def merged_rates(overrides: Mapping[int, Mapping[str, Any]]) -> List[DeliveryRate]:
    """All 69 wilayas: the defaults with the merchant's changes applied."""
    return [rate_for(code, overrides) for code in WILAYA_CODES]


def _fee(value: Any, path: str, errors: Dict[str, str], nullable: bool) -> Any:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[path] = "must be a whole number of dinars" + (" or null" if nullable else "")
    elif not 0 <= value <= MAX_FEE:
        errors[path] = f"must be between 0 and {MAX_FEE}"
    return value


def parse_rates_update(body: Mapping[str, Any]) -> Dict[int, Dict[str, Any]]:
    """{wilaya: {home?, stop_desk?, enabled?}} from a PUT /v1/shipping/rates body."""
    entries = body.get("rates")
    if not isinstance(entries, list) or not entries:
        raise ValidationFailed(fields={"rates": "must be a non-empty list"})
    if len(entries) > len(WILAYA_CODES):
        raise ValidationFailed(fields={"rates": f"must have at most {len(WILAYA_CODES)} entries"})
    errors: Dict[str, str] = {}
    changes: Dict[int, Dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        path = f"rates[{index}]"
        if not isinstance(entry, dict):
            errors[path] = "must be an object"
            continue
        wilaya = entry.get("wilaya")
        if isinstance(wilaya, bool) or not isinstance(wilaya, int) or wilaya not in WILAYA_CODES:
            errors[f"{path}.wilaya"] = "must be a wilaya code from 1 to 69"
            continue
        if wilaya in changes:
            errors[f"{path}.wilaya"] = "is listed twice"
            continue
        change: Dict[str, Any] = {}
        if "home" in entry:
            change["home"] = _fee(entry["home"], f"{path}.home", errors, nullable=False)
        if "stop_desk" in entry:
            change["stop_desk"] = _fee(entry["stop_desk"], f"{path}.stop_desk", errors, nullable=True)
        if "enabled" in entry:
            if not isinstance(entry["enabled"], bool):
                errors[f"{path}.enabled"] = "must be true or false"
            change["enabled"] = entry["enabled"]
        if not change:
            errors[path] = "must change home, stop_desk or enabled"
        changes[wilaya] = change
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


def quote(rate: DeliveryRate, delivery_type: str) -> int:
    """The fee for delivering to this wilaya this way, or ValidationFailed."""
    if not rate.enabled:
        raise ValidationFailed("This store does not deliver to that wilaya.",
                               fields={"shipping.wilaya": "is not delivered to by this store"})
    if delivery_type == "home":
        return rate.home
    if delivery_type == "stop_desk":
        if rate.stop_desk is None:
            raise ValidationFailed("No stop desk delivery to that wilaya.",
                                   fields={"shipping.delivery_type": "stop_desk is not offered in this wilaya"})
        return rate.stop_desk
    raise ValidationFailed(fields={"shipping.delivery_type": "must be home or stop_desk"})
