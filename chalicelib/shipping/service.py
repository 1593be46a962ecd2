"""Delivery-rate use cases."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from chalicelib.geo.data import Geography
from chalicelib.shipping import rates as rules
from chalicelib.shipping.ports import RatesStore


class ShippingService:
    def __init__(self, store: RatesStore, geography: Geography) -> None:
        self._store = store
        self._geography = geography

    def rates(self, store_id: str) -> List[rules.DeliveryRate]:
        return rules.merged_rates(self._store.overrides(store_id))

    def update_rates(self, store_id: str, body: Mapping[str, Any]) -> List[rules.DeliveryRate]:
        self._store.save_overrides(store_id, rules.parse_rates_update(body))
        return self.rates(store_id)

    def quote(self, store_id: str, wilaya: int, delivery_type: str) -> int:
        return rules.quote(rules.rate_for(wilaya, self._store.overrides(store_id)), delivery_type)

    def serialize_rates(self, store_id: str, rates: List[rules.DeliveryRate]) -> Dict[str, Any]:
        return {"rates": [dict(self._names(rate.wilaya), wilaya=rate.wilaya, home=rate.home,
                               stop_desk=rate.stop_desk, enabled=rate.enabled)
                          for rate in rates]}

    def public_shipping(self, store_id: str) -> Dict[str, Any]:
        items = [dict(self._names(rate.wilaya), code=rate.wilaya, enabled=rate.enabled,
                      home=rate.home, stop_desk=rate.stop_desk)
                 for rate in self.rates(store_id)]
        return {"items": items, "next_cursor": None}

    def _names(self, code: int) -> Dict[str, Any]:
        wilaya = self._geography.wilaya(code)
        return {"name_fr": wilaya.name_fr, "name_ar": wilaya.name_ar,
                "names": {"fr": wilaya.name_fr, "ar": wilaya.name_ar}}
