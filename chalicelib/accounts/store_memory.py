"""In-memory AccountStore: the fake the service tests use.

tests/contracts/test_account_store.py runs the same tests against this and the
DynamoDB adapter, so the two behave alike (uniqueness, versions, atomicity).
"""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import Dict, List, Optional, Tuple

from chalicelib.accounts.model import Account, ApiKey, Store, TokenRecord
from chalicelib.errors import AlreadyExists, ConcurrentChange


class MemoryAccountStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stores: Dict[str, Store] = {}
        self._slugs: Dict[str, str] = {}
        self._accounts: Dict[str, Account] = {}
        self._tokens: Dict[str, TokenRecord] = {}
        self._keys: Dict[Tuple[str, str], ApiKey] = {}
        self._failures: Dict[str, Tuple[int, datetime]] = {}

    def create_store(self, store: Store, owner: Account, session: TokenRecord) -> None:
        with self._lock:
            taken = {}
            if store.slug in self._slugs:
                taken["store.slug"] = "is already taken"
            if owner.email in self._accounts:
                taken["email"] = "already has an account"
            if taken:
                raise AlreadyExists("Already taken.", fields=taken)
            self._stores[store.id] = store
            self._slugs[store.slug] = store.id
            self._accounts[owner.email] = owner
            self._tokens[session.token_hash] = session

    def store(self, store_id: str) -> Optional[Store]:
        return self._stores.get(store_id)

    def store_id_for_slug(self, slug: str) -> Optional[str]:
        return self._slugs.get(slug)

    def update_store(self, store: Store, previous: Store) -> None:
        with self._lock:
            current = self._stores.get(store.id)
            if current is None or current.version != previous.version:
                raise ConcurrentChange()
            if store.slug != previous.slug:
                if store.slug in self._slugs:
                    raise AlreadyExists("Already taken.", fields={"slug": "is already taken"})
                del self._slugs[previous.slug]
                self._slugs[store.slug] = store.id
            self._stores[store.id] = store

    def account_by_email(self, email: str) -> Optional[Account]:
        return self._accounts.get(email)

    def put_token(self, record: TokenRecord) -> None:
        self._tokens[record.token_hash] = record

    def token(self, token_hash: str) -> Optional[TokenRecord]:
        return self._tokens.get(token_hash)

    def delete_token(self, token_hash: str) -> None:
        self._tokens.pop(token_hash, None)

    def create_api_key(self, key: ApiKey, record: TokenRecord) -> None:
        with self._lock:
            self._keys[(key.store_id, key.id)] = key
            self._tokens[record.token_hash] = record

    def api_keys(self, store_id: str) -> List[ApiKey]:
        return [key for (owner, _), key in self._keys.items() if owner == store_id]

    def delete_api_key(self, store_id: str, key_id: str) -> bool:
        with self._lock:
            key = self._keys.pop((store_id, key_id), None)
            if key is None:
                return False
            self._tokens.pop(key.token_hash, None)
            return True

    def touch_api_key(self, store_id: str, key_id: str, now: datetime,
                      not_since: datetime) -> None:
        with self._lock:
            key = self._keys.get((store_id, key_id))
            if key is not None and (key.last_used_at is None or key.last_used_at < not_since):
                self._keys[(store_id, key_id)] = replace(key, last_used_at=now)

    def add_failure(self, key: str, expires: datetime) -> int:
        with self._lock:
            count, _ = self._failures.get(key, (0, expires))
            self._failures[key] = (count + 1, expires)
            return count + 1

    def failures(self, key: str) -> int:
        return self._failures.get(key, (0, None))[0]
