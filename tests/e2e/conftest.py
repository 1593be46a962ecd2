"""e2e fixtures: a freshly signed-up merchant per test, over real HTTP."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict

import pytest

PASSWORD = "sel-et-poivre-2026"


@dataclass
class Merchant:
    email: str
    password: str
    token: str
    store: Dict[str, Any]

    @property
    def headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def signup(api, prefix: str = "shop") -> Merchant:
    suffix = uuid.uuid4().hex[:10]
    email = f"owner-{suffix}@example.dz"
    response = api.post("/v1/signup", json={
        "email": email, "password": PASSWORD,
        "store": {"name": f"Boutique {suffix}", "slug": f"{prefix}-{suffix}"}})
    assert response.status_code == 201, response.text
    body = response.json()
    return Merchant(email=email, password=PASSWORD, token=body["token"], store=body["store"])


@pytest.fixture
def merchant(api) -> Merchant:
    return signup(api)


@pytest.fixture
def other_merchant(api) -> Merchant:
    return signup(api, "other")
