"""Fake courier servers: one per courier, in that courier's own shapes.

Tests point the real adapters at them; `make run` starts them as sandbox
couriers for the demo store. Nothing here is deployed.
"""
from __future__ import annotations

import importlib
from typing import Dict

# Courier code -> "module:FakeClass". The one list of fakes.
FAKES: Dict[str, str] = {
    "yalidine": "infra.local.couriers.yalidine:FakeYalidine",
    "ecotrack": "infra.local.couriers.ecotrack:FakeEcotrack",
    "zr_express": "infra.local.couriers.zr_express:FakeZrExpress",
    "maystro": "infra.local.couriers.maystro:FakeMaystro",
    "noest": "infra.local.couriers.noest:FakeNoest",
    "procolis": "infra.local.couriers.procolis:FakeProcolis",
}


def fake_class(code: str):
    module_name, _, class_name = FAKES[code].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
