"""In-memory AccountStore: the fake the service tests use.

tests/contracts/test_account_store.py runs the same tests against this and the
DynamoDB adapter, so the two behave alike (uniqueness, versions, atomicity).
"""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime
from typing import Dict, List, Optional, Set, Tuple

from chalicelib.accounts.model import (Account, ApiKey, Invitation, LastOwner, Member, Store,
                                      TokenRecord)
from chalicelib.errors import AlreadyExists, ConcurrentChange, NotFound


class MemoryAccountStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stores: Dict[str, Store] = {}
        self._slugs: Dict[str, str] = {}
        self._accounts: Dict[str, Account] = {}
        self._tokens: Dict[str, TokenRecord] = {}
        self._keys: Dict[Tuple[str, str], ApiKey] = {}
        self._failures: Dict[str, Tuple[int, datetime]] = {}
        self._members: Dict[Tuple[str, str], Member] = {}
        self._invitations: Dict[str, Invitation] = {}
        self._sessions: Dict[str, Set[str]] = {}   # account id -> its session token hashes

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
            self._members[(store.id, owner.id)] = Member.of(owner)
            self._save_session(session)

    def _save_session(self, record: TokenRecord) -> None:
        self._tokens[record.token_hash] = record
        self._sessions.setdefault(record.subject_id, set()).add(record.token_hash)

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

    def put_session(self, record: TokenRecord, account: Account) -> None:
        with self._lock:
            current = self._accounts.get(account.email)
            if (current is None or current.id != account.id or current.role != account.role
                    or current.status != "active"):
                raise ConcurrentChange()
            self._save_session(record)

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

    # --- the team ------------------------------------------------------------------
    def add_member(self, account: Account, member: Member, invitation: Invitation) -> None:
        with self._lock:
            if account.email in self._accounts:
                raise AlreadyExists("Already taken.", fields={"email": "already has an account"})
            self._accounts[account.email] = account
            self._members[(member.store_id, member.id)] = member
            self._invitations[invitation.token_hash] = invitation

    def invitation(self, token_hash: str) -> Optional[Invitation]:
        return self._invitations.get(token_hash)

    def accept_invitation(self, invitation: Invitation, account: Account,
                          session: TokenRecord) -> None:
        with self._lock:
            if invitation.token_hash not in self._invitations:
                raise NotFound("This invitation is unknown, already used or expired.")
            current = self._accounts.get(account.email)
            member = self._members.get((invitation.store_id, invitation.member_id))
            if (current is None or current.id != invitation.member_id
                    or current.status != "invited" or current.role != account.role
                    or member is None or member.status != "invited"):
                raise ConcurrentChange()
            del self._invitations[invitation.token_hash]
            self._accounts[account.email] = account
            self._members[(member.store_id, member.id)] = replace(
                member, status="active", name=account.name, accepted_at=session.created_at,
                invite_expires_at=None, invite_hash=None)
            self._save_session(session)

    def members(self, store_id: str) -> List[Member]:
        return sorted((m for (owner, _), m in self._members.items() if owner == store_id),
                      key=lambda m: m.id)

    def member(self, store_id: str, member_id: str) -> Optional[Member]:
        return self._members.get((store_id, member_id))

    def _check_unchanged(self, member: Member, witness: Optional[str]) -> None:
        current = self._members.get((member.store_id, member.id))
        account = self._accounts.get(member.email)
        if (current is None or current.role != member.role or current.status != member.status
                or account is None or account.id != member.id):
            raise ConcurrentChange()
        if witness is not None:
            other = self._members.get((member.store_id, witness))
            if other is None or not other.is_active_owner:
                raise LastOwner()

    def change_role(self, member: Member, role: str, witness: Optional[str] = None) -> None:
        with self._lock:
            self._check_unchanged(member, witness)
            key = (member.store_id, member.id)
            self._members[key] = replace(self._members[key], role=role)
            self._accounts[member.email] = replace(self._accounts[member.email], role=role)

    def remove_member(self, member: Member, witness: Optional[str] = None) -> None:
        with self._lock:
            self._check_unchanged(member, witness)
            del self._members[(member.store_id, member.id)]
            del self._accounts[member.email]
            if member.invite_hash:
                self._invitations.pop(member.invite_hash, None)

    def retag_sessions(self, account_id: str, role: str) -> None:
        with self._lock:
            for token_hash in self._sessions.get(account_id, ()):
                record = self._tokens.get(token_hash)
                if record is not None:
                    self._tokens[token_hash] = replace(record, role=role)

    def revoke_sessions(self, account_id: str) -> None:
        with self._lock:
            for token_hash in self._sessions.pop(account_id, set()):
                self._tokens.pop(token_hash, None)
