"""Sandbox couriers for `make run`: every courier's fake server on loopback, set up as
that courier's account of the demo store, so an order can be shipped and followed to
delivered without any real courier.

Drive a sandbox parcel like a courier would, e.g.:
  curl -X POST http://127.0.0.1:<port>/_control/advance \\
       -H 'Content-Type: application/json' -d '{"tracking": "yal-AB12CD", "status": "Livré"}'
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

import requests

from infra.local.couriers import FAKES, fake_class

logger = logging.getLogger("dzorders.sandbox")


class SandboxCouriers:
    def __init__(self) -> None:
        self.fakes: Dict[str, Any] = {}

    def start(self, services: Any, store_id: str, api_port: int) -> "SandboxCouriers":
        # Steady ports (API port + 101, + 102, ... in code order) so the README's
        # commands work as written; a busy one falls back to any free port.
        for offset, code in enumerate(sorted(FAKES), start=101):
            try:
                fake = fake_class(code)(port=api_port + offset).start()
            except OSError:
                fake = fake_class(code)().start()
            self.fakes[code] = fake
            # Credentials are sealed with this run's key: set them again at every start.
            account = services.couriers.put_account(store_id, code, {
                "credentials": dict(fake.SANDBOX_CREDENTIALS),
                "settings": {"base_url": fake.base_url, "sender_wilaya": 16}})
            if account.get("callback_url"):
                requests.post(f"{fake.origin}/_control/webhook", timeout=5, json={
                    "url": account["callback_url"],
                    "secret": fake.SANDBOX_CREDENTIALS.get("webhook_secret")})
        return self

    def lines(self) -> List[str]:
        return [f"{code:<11} {fake.origin}/_control/advance  (walk: {' -> '.join(fake.DELIVERED_PATH)})"
                for code, fake in sorted(self.fakes.items())]

    def stop(self) -> None:
        for fake in self.fakes.values():
            fake.stop()
