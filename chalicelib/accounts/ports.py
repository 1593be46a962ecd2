"""What the account use cases need from storage."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Protocol

from chalicelib.accounts.model import Account, ApiKey, Store, TokenRecord


class AccountStore(Protocol):
    def create_store(self, store: Store, owner: Account, session: TokenRecord) -> None:
        """Store, owner account, slug and email claims and the first session, atomically.

        Raises AlreadyExists with fields {"store.slug"} or {"email"} when taken."""

    def store(self, store_id: str) -> Optional[Store]: ...

    def store_id_for_slug(self, slug: str) -> Optional[str]: ...

    def update_store(self, store: Store, previous: Store) -> None:
        """Write `store` if it is still at `previous.version`; moves the slug claim.

        Raises ConcurrentChange if someone else wrote first, AlreadyExists
        (field "slug") if the new slug is taken."""

    def account_by_email(self, email: str) -> Optional[Account]: ...

    def put_token(self, record: TokenRecord) -> None: ...

    def token(self, token_hash: str) -> Optional[TokenRecord]: ...

    def delete_token(self, token_hash: str) -> None: ...

    def create_api_key(self, key: ApiKey, record: TokenRecord) -> None: ...

    def api_keys(self, store_id: str) -> List[ApiKey]: ...

    def delete_api_key(self, store_id: str, key_id: str) -> bool:
        """Delete the key and its token atomically; False if there was none."""

    def touch_api_key(self, store_id: str, key_id: str, now: datetime,
                      not_since: datetime) -> None:
        """Set last_used_at = now unless it is already later than `not_since`."""

    def add_failure(self, key: str, expires: datetime) -> int:
        """Count one failed attempt under `key`; returns the new count."""

    def failures(self, key: str) -> int: ...
