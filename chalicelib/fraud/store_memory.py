"""FraudStore in memory: the fake the contract tests hold to the DynamoDB one."""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Tuple

from chalicelib.fraud.model import Block, CheckoutLimits, Counter, limits_from

PREFIX = "BLOCK#"


class MemoryFraudStore:
    def __init__(self, account_store: Any) -> None:
        self._accounts = account_store      # where the store's settings live
        self._blocks: Dict[Tuple[str, str], Block] = {}
        self._counters: Dict[str, int] = {}
        self._lock = threading.Lock()

    def add_block(self, block: Block) -> Block:
        with self._lock:
            return self._blocks.setdefault((block.store_id, block.phone), block)

    def blocks(self, store_id: str, limit: int,
               after: Optional[str] = None) -> Tuple[List[Block], Optional[str]]:
        with self._lock:
            found = sorted((b for (store, phone), b in self._blocks.items()
                            if store == store_id and (after is None or phone > after)),
                           key=lambda b: b.phone)
        page = found[:limit]
        return page, (page[-1].phone if len(found) > limit else None)

    def block(self, store_id: str, phone: str) -> Optional[Block]:
        with self._lock:
            return self._blocks.get((store_id, phone))

    def remove_block(self, store_id: str, phone: str) -> bool:
        with self._lock:
            return self._blocks.pop((store_id, phone), None) is not None

    def block_key(self, store_id: str, phone: str) -> Tuple[str, str]:
        return f"STORE#{store_id}", f"{PREFIX}{phone}"

    def holds(self, key: Tuple[str, str]) -> bool:
        pk, sk = key
        if not (pk.startswith("STORE#") and sk.startswith(PREFIX)):
            return False
        return self.block(pk[len("STORE#"):], sk[len(PREFIX):]) is not None

    def checkout_limits(self, store_id: str) -> CheckoutLimits:
        store = self._accounts.store(store_id)
        return limits_from(getattr(store, "checkout_limits", None))

    def count(self, counter: Counter) -> bool:
        with self._lock:
            current = self._counters.get(counter.key, 0)
            if current >= counter.limit:
                return False
            self._counters[counter.key] = current + 1
            return True
