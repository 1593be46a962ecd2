"""Builds a courier adapter for a store's account: base URL, HTTP session, rate limiter."""
from __future__ import annotations

import hashlib
from typing import Optional

import requests

from chalicelib.couriers.base import CourierAccount, CourierClient
from chalicelib.couriers.http import CourierHttp, limiter_for
from chalicelib.couriers.registry import CourierSpec


def base_url_of(account: CourierAccount, spec: CourierSpec) -> Optional[str]:
    return (account.settings or {}).get("base_url") or spec.default_base_url


def build_client(account: CourierAccount, spec: CourierSpec,
                 session: Optional[requests.Session] = None) -> CourierClient:
    base_url = base_url_of(account, spec)
    if not base_url:
        raise ValueError(f"{spec.code} needs settings.base_url")
    # One limiter per account and host: the courier counts requests per key.
    key = hashlib.sha256(repr(sorted(account.credentials.items())).encode()).hexdigest()[:16]
    limiter = limiter_for((f"{spec.code}@{base_url}", key), spec.rate_limits) \
        if spec.rate_limits else None
    return spec.adapter_class()(account, CourierHttp(base_url, session, limiter))
