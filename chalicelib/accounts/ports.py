"""What the account use cases need from storage."""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Protocol

from chalicelib.accounts.model import Account, ApiKey, Invitation, Member, Store, TokenRecord


class AccountStore(Protocol):
    def create_store(self, store: Store, owner: Account, session: TokenRecord) -> None:
        """Store, owner account (and its member record), slug and email claims and the
        first session, atomically.

        Raises AlreadyExists with fields {"store.slug"} or {"email"} when taken."""

    def store(self, store_id: str) -> Optional[Store]: ...

    def store_id_for_slug(self, slug: str) -> Optional[str]: ...

    def update_store(self, store: Store, previous: Store) -> None:
        """Write `store` if it is still at `previous.version`; moves the slug claim.

        Raises ConcurrentChange if someone else wrote first, AlreadyExists
        (field "slug") if the new slug is taken."""

    def account_by_email(self, email: str) -> Optional[Account]: ...

    def put_session(self, record: TokenRecord, account: Account) -> None:
        """Save a session of `account`, listed under the account (so a role change or
        removal reaches it), only if the account is still active with the same id and
        role; raises ConcurrentChange otherwise."""

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

    # --- the team ------------------------------------------------------------------
    def add_member(self, account: Account, member: Member, invitation: Invitation) -> None:
        """The invited account (claiming its email), its member record and the
        invitation, atomically. Raises AlreadyExists (field "email") if the email has
        an account in any store."""

    def invitation(self, token_hash: str) -> Optional[Invitation]: ...

    def accept_invitation(self, invitation: Invitation, account: Account,
                          session: TokenRecord) -> None:
        """Use the invitation once: it is deleted, the account becomes `account`
        (active, with its password) if it is still the invited one with the same role,
        the member record turns active and the first session is saved, atomically.
        Raises NotFound if the invitation was used or withdrawn, ConcurrentChange if
        the member changed meanwhile."""

    def members(self, store_id: str) -> List[Member]: ...

    def member(self, store_id: str, member_id: str) -> Optional[Member]: ...

    def change_role(self, member: Member, role: str, witness: Optional[str] = None) -> None:
        """Give `member` (as read) `role` on both its records, if neither changed since.
        `witness`: another member who must still be an active owner (when an active
        owner is demoted); raises LastOwner if they are not, ConcurrentChange if the
        member changed."""

    def remove_member(self, member: Member, witness: Optional[str] = None) -> None:
        """Delete the member record, the account (freeing the email) and any
        invitation, if unchanged since read; `witness` as in change_role."""

    def retag_sessions(self, account_id: str, role: str) -> None:
        """Give the account's live sessions `role` (never bringing back a deleted one)."""

    def revoke_sessions(self, account_id: str) -> None:
        """Delete every session of the account."""
