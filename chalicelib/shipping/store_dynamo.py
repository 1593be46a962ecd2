"""RatesStore on DynamoDB: one item per store, `STORE#<id>` / `RATES`.

It holds only what the merchant changed, as a map wilaya -> {home, stop_desk,
enabled}; a read is one GetItem. Writes merge into what was read and are
conditioned on the version read, so two concurrent edits never lose one another
(the loser re-reads and merges again).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping

from pynamodb.attributes import MapAttribute, NumberAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib import dynamo
from chalicelib.dynamo import TableItem
from chalicelib.errors import ConcurrentChange

ATTEMPTS = 5


class RatesItem(TableItem, discriminator="rates"):
    rates = MapAttribute(default=dict)
    version = NumberAttribute(default=0)

    @staticmethod
    def key(store_id: str):
        return f"STORE#{store_id}", "RATES"


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    return int(value)


def overrides_from_item(item: RatesItem) -> Dict[int, Dict[str, Any]]:
    raw = item.rates.as_dict() if isinstance(item.rates, MapAttribute) else (item.rates or {})
    return {int(code): {k: _plain(v) for k, v in change.items()} for code, change in raw.items()}


class DynamoRatesStore:
    def _read(self, store_id: str) -> RatesItem:
        try:
            return RatesItem.get(*RatesItem.key(store_id), consistent_read=True)
        except DoesNotExist:
            return RatesItem(*RatesItem.key(store_id), rates={}, version=0)

    def overrides(self, store_id: str) -> Dict[int, Dict[str, Any]]:
        return overrides_from_item(self._read(store_id))

    def save_overrides(self, store_id: str, changes: Mapping[int, Mapping[str, Any]]) -> None:
        for _ in range(ATTEMPTS):
            item = self._read(store_id)
            read_version = int(item.version or 0)
            merged = self.overrides(store_id) if read_version else {}
            for wilaya, change in changes.items():
                merged.setdefault(int(wilaya), {}).update(change)
            fresh = RatesItem(*RatesItem.key(store_id),
                              rates={str(code): change for code, change in merged.items()},
                              version=read_version + 1)
            # Nobody saved rates since we read them (or nobody ever did).
            condition = (RatesItem.version == read_version) if read_version else RatesItem.pk.does_not_exist()
            try:
                fresh.save(condition=condition)
                return
            except PutError as error:
                if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                    raise dynamo.unavailable(error) from error
        raise ConcurrentChange()
