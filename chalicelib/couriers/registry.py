"""The one list of couriers: codes, credential fields, defaults and which adapter serves each.

Plain Python: adapters are named by import path and loaded on first use, so the
domain never imports an HTTP client.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple


@dataclass(frozen=True)
class CourierSpec:
    code: str
    name: str
    credentials: Tuple[str, ...]                 # required credential fields
    optional_credentials: Tuple[str, ...] = ()
    # The API root adapters append their paths to (version prefix included);
    # `settings.base_url` overrides it (white-label hosts, sandboxes). None: the
    # account must give it (EcoTrack: each tenant has its own host).
    default_base_url: Optional[str] = None
    adapter: Optional[str] = None                # "module:Class"; None for `manual`
    pushes_updates: bool = False                 # calls our callback URL
    polled: bool = False                         # we ask it on a schedule
    # Requests per window the courier documents: ((count, seconds), ...).
    rate_limits: Tuple[Tuple[int, float], ...] = ()

    @property
    def has_api(self) -> bool:
        return self.adapter is not None

    def adapter_class(self) -> Any:
        module_name, _, class_name = (self.adapter or "").partition(":")
        return getattr(importlib.import_module(module_name), class_name)


COURIERS: Dict[str, CourierSpec] = {spec.code: spec for spec in (
    CourierSpec("yalidine", "Yalidine", ("api_id", "api_token"), ("webhook_secret",),
                "https://api.yalidine.app/v1", "chalicelib.couriers.yalidine:YalidineClient",
                pushes_updates=True, rate_limits=((5, 1.0), (50, 60.0), (1000, 3600.0))),
    CourierSpec("ecotrack", "EcoTrack", ("api_token",), (), None,
                "chalicelib.couriers.ecotrack:EcotrackClient", polled=True,
                rate_limits=((50, 60.0), (1500, 3600.0))),
    CourierSpec("zr_express", "ZR Express", ("api_key", "tenant_id"), ("webhook_secret",),
                "https://api.zrexpress.app/api/v1", "chalicelib.couriers.zr_express:ZrExpressClient",
                pushes_updates=True),
    CourierSpec("maystro", "Maystro Delivery", ("token",), (),
                "https://backend.maystro-delivery.com/api", "chalicelib.couriers.maystro:MaystroClient",
                pushes_updates=True),
    CourierSpec("noest", "Noest Express", ("api_token", "user_guid"), (),
                "https://app.noest-dz.com/api/public", "chalicelib.couriers.noest:NoestClient", polled=True),
    CourierSpec("procolis", "Procolis", ("token", "key"), (),
                "https://procolis.com/api_v1", "chalicelib.couriers.procolis:ProcolisClient", polled=True),
    CourierSpec("manual", "Manual (no API)", ()),
)}


def spec(code: str) -> Optional[CourierSpec]:
    return COURIERS.get(code)


def codes() -> Tuple[str, ...]:
    return tuple(COURIERS)
