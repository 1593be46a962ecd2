"""The in-memory AccountStore behaves like the DynamoDB one."""
import threading
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.accounts.model import Account, ApiKey, Store, TokenRecord
from chalicelib.accounts.store_memory import MemoryAccountStore
from chalicelib.errors import AlreadyExists, ConcurrentChange
from chalicelib.ids import new_id

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


def make_store(slug=None, email=None):
    suffix = new_id()
    store = Store(id=new_id("st_"), slug=slug or f"s-{suffix}", name="Boutique",
                  owner_email=email or f"{suffix}@example.dz", created_at=NOW, updated_at=NOW)
    owner = Account(id=new_id("ac_"), email=store.owner_email, password_hash="scrypt$x",
                    store_id=store.id, role="owner", name="Amina", created_at=NOW)
    session = TokenRecord(token_hash=new_id("h"), kind="session", store_id=store.id,
                          subject_id=owner.id, actor_name="Amina", role="owner",
                          created_at=NOW, expires_at=NOW + timedelta(days=1))
    return store, owner, session


class AccountStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_create_and_read_back(self, store):
        shop, owner, session = make_store()
        store.create_store(shop, owner, session)
        assert store.store(shop.id) == shop
        assert store.store_id_for_slug(shop.slug) == shop.id
        assert store.account_by_email(owner.email) == owner
        assert store.token(session.token_hash) == session

    def test_taken_slug_or_email_writes_nothing(self, store):
        shop, owner, session = make_store()
        store.create_store(shop, owner, session)
        clash, clash_owner, clash_session = make_store(slug=shop.slug)
        with pytest.raises(AlreadyExists) as caught:
            store.create_store(clash, clash_owner, clash_session)
        assert set(caught.value.fields) == {"store.slug"}
        assert store.store(clash.id) is None
        assert store.account_by_email(clash_owner.email) is None
        assert store.token(clash_session.token_hash) is None
        other, other_owner, other_session = make_store(email=owner.email)
        with pytest.raises(AlreadyExists) as caught:
            store.create_store(other, other_owner, other_session)
        assert set(caught.value.fields) == {"email"}
        assert store.store_id_for_slug(other.slug) is None

    def test_only_one_of_concurrent_signups_with_one_slug_wins(self, store):
        slug = f"race-{new_id()}"
        outcomes = []

        def attempt():
            try:
                store.create_store(*make_store(slug=slug))
                outcomes.append("ok")
            except AlreadyExists:
                outcomes.append("taken")

        threads = [threading.Thread(target=attempt) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["ok"] + ["taken"] * 7

    def test_update_is_optimistic_and_moves_the_slug(self, store):
        shop, owner, session = make_store()
        store.create_store(shop, owner, session)
        renamed = shop.changed(slug=f"n-{new_id()}", version=2)
        store.update_store(renamed, shop)
        assert store.store(shop.id).slug == renamed.slug
        assert store.store_id_for_slug(renamed.slug) == shop.id
        assert store.store_id_for_slug(shop.slug) is None
        with pytest.raises(ConcurrentChange):
            store.update_store(shop.changed(name="stale", version=2), shop)

    def test_update_to_a_taken_slug(self, store):
        first, owner, session = make_store()
        store.create_store(first, owner, session)
        second = make_store()
        store.create_store(*second)
        with pytest.raises(AlreadyExists):
            store.update_store(first.changed(slug=second[0].slug, version=2), first)
        assert store.store(first.id).slug == first.slug

    def test_api_keys(self, store):
        shop, owner, session = make_store()
        store.create_store(shop, owner, session)
        key = ApiKey(id=new_id("key_"), store_id=shop.id, name="Site", prefix="dzk_abc",
                     token_hash=new_id("kh"), created_at=NOW, created_by=owner.id)
        record = TokenRecord(token_hash=key.token_hash, kind="api_key", store_id=shop.id,
                             subject_id=key.id, actor_name="Site", role="admin", created_at=NOW)
        store.create_api_key(key, record)
        assert store.api_keys(shop.id) == [key]
        store.touch_api_key(shop.id, key.id, NOW, NOW - timedelta(minutes=1))
        assert store.api_keys(shop.id)[0].last_used_at == NOW
        # Within the interval the write is skipped.
        later = NOW + timedelta(seconds=10)
        store.touch_api_key(shop.id, key.id, later, later - timedelta(minutes=1))
        assert store.api_keys(shop.id)[0].last_used_at == NOW
        assert store.delete_api_key("st_other", key.id) is False
        assert store.delete_api_key(shop.id, key.id) is True
        assert store.token(key.token_hash) is None and store.api_keys(shop.id) == []
        assert store.delete_api_key(shop.id, key.id) is False
        # Touching a revoked key does not bring it back.
        store.touch_api_key(shop.id, key.id, later, later)
        assert store.api_keys(shop.id) == []

    def test_failure_counters(self, store):
        key = f"login:test:{new_id()}"
        assert store.failures(key) == 0
        assert store.add_failure(key, NOW + timedelta(minutes=15)) == 1
        assert store.add_failure(key, NOW + timedelta(minutes=15)) == 2
        assert store.failures(key) == 2

    def test_tokens_can_be_deleted(self, store):
        shop, owner, session = make_store()
        store.create_store(shop, owner, session)
        store.delete_token(session.token_hash)
        assert store.token(session.token_hash) is None


class TestMemoryAccountStore(AccountStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryAccountStore()


@pytest.mark.aws
class TestDynamoAccountStore(AccountStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.accounts.store_dynamo import DynamoAccountStore
        return DynamoAccountStore()
