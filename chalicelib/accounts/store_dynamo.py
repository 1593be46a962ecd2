"""AccountStore on DynamoDB.

Items (DATA-MODEL questions 1-3):
  STORE#<id> / STORE            the store and its settings, with `version`
  SLUG#<slug> / SLUG            -> store id; its existence is the slug's uniqueness
  EMAIL#<email> / ACCOUNT       the account; its existence is the email's uniqueness
  TOKEN#<sha256> / TOKEN        what a session or API key stands for (TTL for sessions)
  STORE#<id> / APIKEY#<id>      an API key's metadata (never the key itself)
  COUNTER#<key> / COUNTER       failed-login counters (TTL)
  and the account, session and team items of items_dynamo.py; the team's use cases
  are in store_dynamo_team.py.
"""
from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute,
                                 NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute)
from pynamodb.exceptions import (DoesNotExist, PynamoDBException, TransactWriteError,
                                 UpdateError)

from chalicelib import dynamo
from chalicelib.accounts.items_dynamo import (AccountItem, TokenItem, account_is_active,
                                              account_item, failed_conditions, member_item,
                                              session_ref, token_item)
from chalicelib.accounts.model import (DEFAULT_KEY_SCOPES, Account, ApiKey, Member, Store,
                                      TokenRecord, default_checkout_limits)
from chalicelib.accounts.store_dynamo_team import DynamoTeamStore
from chalicelib.dynamo import TableItem
from chalicelib.errors import AlreadyExists, ConcurrentChange


class StoreItem(TableItem, discriminator="store"):
    store_id = UnicodeAttribute()
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    owner_email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    languages = ListAttribute(of=UnicodeAttribute)
    notifications = MapAttribute()
    restock_on_return = BooleanAttribute(default=False)
    auto_cancel_after_attempts = NumberAttribute(null=True)
    # {per_phone_per_hour, per_ip_per_hour}: read at checkout by chalicelib/fraud.
    checkout_limits = MapAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()

    @staticmethod
    def key(store_id: str):
        return f"STORE#{store_id}", "STORE"


class SlugItem(TableItem, discriminator="slug"):
    store_id = UnicodeAttribute()

    @staticmethod
    def key(slug: str):
        return f"SLUG#{slug}", "SLUG"


class ApiKeyItem(TableItem, discriminator="api_key"):
    key_id = UnicodeAttribute()
    store_id = UnicodeAttribute()
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    token_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
    last_used_at = UTCDateTimeAttribute(null=True)
    scopes = ListAttribute(of=UnicodeAttribute, null=True)   # absent: DEFAULT_KEY_SCOPES

    @staticmethod
    def key(store_id: str, key_id: str):
        return f"STORE#{store_id}", f"APIKEY#{key_id}"


class CounterItem(TableItem, discriminator="counter"):
    count = NumberAttribute(default=0)

    @staticmethod
    def key(name: str):
        return f"COUNTER#{name}", "COUNTER"


def _store_item(store: Store) -> StoreItem:
    pk, sk = StoreItem.key(store.id)
    return StoreItem(pk, sk, store_id=store.id, slug=store.slug, name=store.name,
                     owner_email=store.owner_email, phone=store.phone, logo_url=store.logo_url,
                     languages=list(store.languages),
                     notifications={k: list(v) for k, v in store.notifications.items()},
                     restock_on_return=store.restock_on_return,
                     auto_cancel_after_attempts=store.auto_cancel_after_attempts,
                     checkout_limits={k: v for k, v in store.checkout_limits.items()
                                      if v is not None} or None,
                     created_at=store.created_at,
                     updated_at=store.updated_at, version=store.version)


def _store(item: StoreItem) -> Store:
    notifications = item.notifications.as_dict() if item.notifications else {}
    return Store(id=item.store_id, slug=item.slug, name=item.name, owner_email=item.owner_email,
                 phone=item.phone, logo_url=item.logo_url, languages=tuple(item.languages or ()),
                 notifications={k: list(v) for k, v in notifications.items()},
                 restock_on_return=bool(item.restock_on_return),
                 auto_cancel_after_attempts=int(item.auto_cancel_after_attempts)
                 if item.auto_cancel_after_attempts is not None else None,
                 checkout_limits={**default_checkout_limits(),
                                  **{k: int(v) for k, v in (item.checkout_limits.as_dict()
                                     if item.checkout_limits else {}).items() if v is not None}},
                 created_at=item.created_at,
                 updated_at=item.updated_at, version=int(item.version))


class DynamoAccountStore(DynamoTeamStore):
    def create_store(self, store: Store, owner: Account, session: TokenRecord) -> None:
        slug_pk, slug_sk = SlugItem.key(store.slug)
        email_pk, email_sk = AccountItem.key(owner.email)
        try:
            with dynamo.transaction() as tx:
                # A slug names one store: the claim exists only once.
                tx.save(SlugItem(slug_pk, slug_sk, store_id=store.id),
                        condition=SlugItem.pk.does_not_exist())
                # An email logs into one account.
                tx.save(account_item(owner), condition=AccountItem.pk.does_not_exist())
                tx.save(_store_item(store), condition=StoreItem.pk.does_not_exist())
                tx.save(member_item(Member.of(owner)))
                tx.save(token_item(session))
                tx.save(session_ref(session))
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            slug_taken, email_taken = (failed_conditions(error) + [False, False])[:2]
            fields = {}
            if slug_taken:
                fields["store.slug"] = "is already taken"
            if email_taken:
                fields["email"] = "already has an account"
            raise AlreadyExists("Already taken.", fields=fields) from error

    def store(self, store_id: str) -> Optional[Store]:
        try:
            return _store(StoreItem.get(*StoreItem.key(store_id), consistent_read=True))
        except DoesNotExist:
            return None

    def store_id_for_slug(self, slug: str) -> Optional[str]:
        try:
            return SlugItem.get(*SlugItem.key(slug)).store_id
        except DoesNotExist:
            return None

    def update_store(self, store: Store, previous: Store) -> None:
        slug_moves = store.slug != previous.slug
        try:
            with dynamo.transaction() as tx:
                if slug_moves:
                    old_pk, old_sk = SlugItem.key(previous.slug)
                    # Only release the old slug if it still points at this store.
                    tx.delete(SlugItem(old_pk, old_sk),
                              condition=SlugItem.store_id == store.id)
                    new_pk, new_sk = SlugItem.key(store.slug)
                    # The new slug must be free.
                    tx.save(SlugItem(new_pk, new_sk, store_id=store.id),
                            condition=SlugItem.pk.does_not_exist())
                # Optimistic lock: nobody wrote the store since we read it.
                tx.save(_store_item(store), condition=StoreItem.version == previous.version)
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            failed = failed_conditions(error)
            # Order by kind: [delete old slug], [put new slug], put store.
            if slug_moves and len(failed) >= 2 and failed[1] and not failed[-1]:
                raise AlreadyExists("Already taken.", fields={"slug": "is already taken"}) from error
            raise ConcurrentChange() from error

    def account_by_email(self, email: str) -> Optional[Account]:
        try:
            item = AccountItem.get(*AccountItem.key(email), consistent_read=True)
        except DoesNotExist:
            return None
        return Account(id=item.account_id, email=item.email, password_hash=item.password_hash,
                       store_id=item.store_id, role=item.role, name=item.name,
                       created_at=item.created_at, status=item.status or "active")

    def put_session(self, record: TokenRecord, account: Account) -> None:
        try:
            with dynamo.transaction() as tx:
                # The account is still the one the session was made from: not removed,
                # not demoted or promoted, active. A removal or role change that lands
                # first makes this fail; one that lands after finds the session ref.
                tx.condition_check(AccountItem, *AccountItem.key(account.email),
                                   condition=(AccountItem.account_id == account.id)
                                   & (AccountItem.role == account.role) & account_is_active())
                tx.save(token_item(record))
                tx.save(session_ref(record))
        except TransactWriteError as error:
            if not dynamo.was_cancelled(error):
                raise dynamo.unavailable(error) from error
            raise ConcurrentChange() from error

    def token(self, token_hash: str) -> Optional[TokenRecord]:
        try:
            item = TokenItem.get(*TokenItem.key(token_hash), consistent_read=True)
        except DoesNotExist:
            return None
        return TokenRecord(token_hash=token_hash, kind=item.kind, store_id=item.store_id,
                           subject_id=item.subject_id, actor_name=item.actor_name,
                           role=item.role, created_at=item.created_at, expires_at=item.expires_at,
                           scopes=tuple(item.scopes) if item.scopes is not None else None)

    def delete_token(self, token_hash: str) -> None:
        TokenItem(*TokenItem.key(token_hash)).delete()

    def create_api_key(self, key: ApiKey, record: TokenRecord) -> None:
        pk, sk = ApiKeyItem.key(key.store_id, key.id)
        with dynamo.transaction() as tx:
            tx.save(ApiKeyItem(pk, sk, key_id=key.id, store_id=key.store_id, name=key.name,
                               prefix=key.prefix, token_hash=key.token_hash,
                               created_at=key.created_at, created_by=key.created_by,
                               scopes=list(key.scopes)))
            tx.save(token_item(record))

    def api_keys(self, store_id: str) -> List[ApiKey]:
        items = ApiKeyItem.query(f"STORE#{store_id}", ApiKeyItem.sk.startswith("APIKEY#"))
        return [ApiKey(id=i.key_id, store_id=i.store_id, name=i.name, prefix=i.prefix,
                       token_hash=i.token_hash, created_at=i.created_at, created_by=i.created_by,
                       last_used_at=i.last_used_at,
                       scopes=tuple(i.scopes) if i.scopes is not None else DEFAULT_KEY_SCOPES)
                for i in items]

    def delete_api_key(self, store_id: str, key_id: str) -> bool:
        try:
            item = ApiKeyItem.get(*ApiKeyItem.key(store_id, key_id), consistent_read=True)
        except DoesNotExist:
            return False
        try:
            with dynamo.transaction() as tx:
                # Revoke exactly once: a second revoke finds nothing to delete.
                tx.delete(item, condition=ApiKeyItem.pk.exists())
                tx.delete(TokenItem(*TokenItem.key(item.token_hash)))
        except TransactWriteError as error:
            if dynamo.was_cancelled(error):
                return False
            raise dynamo.unavailable(error) from error
        return True

    def touch_api_key(self, store_id: str, key_id: str, now: datetime,
                      not_since: datetime) -> None:
        item = ApiKeyItem(*ApiKeyItem.key(store_id, key_id))
        try:
            # Only for a key that still exists, and at most once per interval.
            item.update(actions=[ApiKeyItem.last_used_at.set(now)],
                        condition=ApiKeyItem.pk.exists() & (
                            ApiKeyItem.last_used_at.does_not_exist()
                            | (ApiKeyItem.last_used_at < not_since)))
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise dynamo.unavailable(error) from error

    def add_failure(self, key: str, expires: datetime) -> int:
        item = CounterItem(*CounterItem.key(key))
        try:
            item.update(actions=[CounterItem.count.add(1), CounterItem.ttl.set(expires),
                                 CounterItem.item_type.set(CounterItem)])
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error
        return int(item.count)

    def failures(self, key: str) -> int:
        try:
            return int(CounterItem.get(*CounterItem.key(key), consistent_read=True).count)
        except DoesNotExist:
            return 0
