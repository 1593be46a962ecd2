"""In-memory counter store: the fake the contract tests hold to DynamoDB's behaviour."""
from __future__ import annotations

import threading
from collections import defaultdict
from datetime import datetime
from typing import Dict, Iterable, List, Set, Tuple

from chalicelib.analytics.model import CounterMove

Row = Tuple[str, str, Dict[str, int]]


class MemoryCounterStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handled: Set[Tuple[str, str]] = set()
        self._items: Dict[Tuple[str, str, str, str], Dict[str, int]] = defaultdict(dict)

    def apply(self, consumer: str, event_id: str, moves: Iterable[CounterMove],
              now: datetime) -> bool:
        with self._lock:
            if (consumer, event_id) in self._handled:
                return False
            self._handled.add((consumer, event_id))
            for move in moves:
                item = self._items[(move.store_id, move.dimension, move.day, move.value)]
                for name, amount in move.counters:
                    item[name] = item.get(name, 0) + amount
            return True

    def day_rows(self, store_id: str, dimension: str, first_day: str, last_day: str) -> List[Row]:
        with self._lock:
            return sorted((day, value, dict(counts))
                          for (store, dim, day, value), counts in self._items.items()
                          if store == store_id and dim == dimension
                          and first_day <= day <= last_day)
