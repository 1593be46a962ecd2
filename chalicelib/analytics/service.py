"""Delivery analytics use cases: count an order event once, and report a day range.

Plain Python: the counter store comes in as a port (store_dynamo / store_memory).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Dict, Mapping

from chalicelib.analytics.model import (COUNTERS, counter_moves, parse_query,
                                        report_row)
from chalicelib.clock import Clock
from chalicelib.logs import get_logger, log

logger = get_logger("analytics")


class AnalyticsService:
    CONSUMER = "analytics"

    def __init__(self, store: Any, clock: Clock) -> None:
        self._store, self._clock = store, clock

    def handle(self, message: Mapping[str, Any]) -> bool:
        """Count one order event, once per event id. True if counters moved."""
        event_id = message.get("id")
        moves = counter_moves(message) if event_id else ()
        if not moves:
            return False
        counted = self._store.apply(self.CONSUMER, str(event_id), moves, self._clock())
        if counted:
            log(logger, logging.INFO, "event counted", event_id=event_id,
                event_type=message.get("type"), store_id=message.get("store_id"))
        return counted

    def delivery(self, store_id: str, query: Mapping[str, str]) -> Dict[str, Any]:
        """The report for `GET /v1/analytics/delivery`: one row per wilaya or courier."""
        asked = parse_query(query, self._clock().date())
        first, last = asked.first_day.isoformat(), asked.last_day.isoformat()
        sums: Dict[str, Dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        for _day, value, counts in self._store.day_rows(store_id, asked.dimension, first, last):
            for name in COUNTERS:
                sums[value][name] += counts.get(name, 0)
        total = {name: sum(row[name] for row in sums.values()) for name in COUNTERS}

        def key(value: str) -> Any:
            return int(value) if asked.dimension == "wilaya" and value.isdigit() else value
        items = [{asked.dimension: key(value), **report_row(asked.dimension, sums[value])}
                 for value in sorted(sums, key=lambda v: (str(type(key(v))), key(v)))]
        return {"from": first, "to": last, "group_by": asked.dimension, "items": items,
                "totals": report_row(asked.dimension, total)}
