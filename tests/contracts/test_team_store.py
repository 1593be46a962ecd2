"""The team half of the AccountStore: the in-memory fake behaves like DynamoDB.

Invitations, member records, role changes guarded by another owner, removals, the
sessions a role change or removal reaches, and API key scopes.
"""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.accounts.model import (DEFAULT_KEY_SCOPES, Account, ApiKey, Invitation,
                                      LastOwner, Member, Store, TokenRecord)
from chalicelib.accounts.store_memory import MemoryAccountStore
from chalicelib.errors import AlreadyExists, ConcurrentChange, NotFound
from chalicelib.ids import new_id
from tests.concurrency import race

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
LATER = NOW + timedelta(minutes=5)


def session_of(account, role=None):
    return TokenRecord(token_hash=new_id("h"), kind="session", store_id=account.store_id,
                       subject_id=account.id, actor_name=account.name, role=role or account.role,
                       created_at=NOW, expires_at=NOW + timedelta(days=1))


def new_shop(store):
    suffix = new_id()
    shop = Store(id=new_id("st_"), slug=f"t-{suffix}", name="Boutique",
                 owner_email=f"owner-{suffix}@example.dz", created_at=NOW, updated_at=NOW)
    owner = Account(id=new_id("ac_"), email=shop.owner_email, password_hash="scrypt$x",
                    store_id=shop.id, role="owner", name="Amina", created_at=NOW)
    session = session_of(owner)
    store.create_store(shop, owner, session)
    return shop, owner, session


def invite(store, shop, role="operator", email=None):
    account = Account(id=new_id("ac_"), email=email or f"m-{new_id()}@example.dz",
                      password_hash="invited", store_id=shop.id, role=role, name="Samir",
                      created_at=NOW, status="invited")
    token_hash = new_id("inv")
    member = Member.of(account, invited_by="ac_owner", invite_expires_at=NOW + timedelta(days=7),
                       invite_hash=token_hash)
    invitation = Invitation(token_hash=token_hash, store_id=shop.id, member_id=account.id,
                            email=account.email, expires_at=NOW + timedelta(days=7))
    store.add_member(account, member, invitation)
    return account, member, invitation


def accept(store, account, invitation):
    active = replace(account, status="active", password_hash="scrypt$member")
    session = replace(session_of(active), created_at=LATER)
    store.accept_invitation(invitation, active, session)
    return active, session


def join(store, shop, role="operator"):
    account, member, invitation = invite(store, shop, role)
    active, session = accept(store, account, invitation)
    return active, store.member(shop.id, active.id), session


class TeamStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    def test_a_new_store_lists_its_founder_as_active_owner(self, store):
        shop, owner, _ = new_shop(store)
        assert store.members(shop.id) == [Member.of(owner)]
        assert store.member(shop.id, owner.id).is_active_owner
        assert store.member("st_other", owner.id) is None

    def test_an_invitation_is_stored_with_its_member_and_account(self, store):
        shop, _, _ = new_shop(store)
        account, member, invitation = invite(store, shop)
        assert store.invitation(invitation.token_hash) == invitation
        assert store.member(shop.id, account.id) == member
        assert store.account_by_email(account.email) == account
        assert member in store.members(shop.id)

    def test_an_email_taken_anywhere_writes_nothing(self, store):
        shop, owner, _ = new_shop(store)
        other, _, _ = new_shop(store)
        account = Account(id=new_id("ac_"), email=owner.email, password_hash="invited",
                          store_id=other.id, role="admin", name="X", created_at=NOW,
                          status="invited")
        member = Member.of(account, invite_hash="hash-taken")
        with pytest.raises(AlreadyExists) as caught:
            store.add_member(account, member, Invitation("hash-taken", other.id, account.id,
                                                         account.email, NOW + timedelta(days=7)))
        assert set(caught.value.fields) == {"email"}
        assert store.invitation("hash-taken") is None
        assert store.member(other.id, account.id) is None
        assert store.account_by_email(owner.email) == owner

    def test_accepting_uses_the_invitation_once(self, store):
        shop, _, _ = new_shop(store)
        account, _, invitation = invite(store, shop, "manager")
        active, session = accept(store, account, invitation)
        assert store.invitation(invitation.token_hash) is None
        assert store.account_by_email(account.email) == active
        member = store.member(shop.id, account.id)
        assert (member.status, member.role, member.accepted_at) == ("active", "manager", LATER)
        assert member.invite_hash is None and member.invite_expires_at is None
        assert store.token(session.token_hash) == session
        again = session_of(active)
        with pytest.raises(NotFound):
            store.accept_invitation(invitation, active, again)
        assert store.token(again.token_hash) is None

    def test_accepting_with_a_stale_role_writes_nothing(self, store):
        shop, _, _ = new_shop(store)
        account, member, invitation = invite(store, shop, "manager")
        store.change_role(member, "readonly")
        stale = replace(account, status="active", password_hash="scrypt$member")
        session = session_of(stale)
        with pytest.raises(ConcurrentChange):
            store.accept_invitation(invitation, stale, session)
        assert store.invitation(invitation.token_hash) == invitation
        assert store.token(session.token_hash) is None
        assert store.account_by_email(account.email).status == "invited"

    def test_a_session_is_saved_only_for_the_account_as_read(self, store):
        shop, owner, _ = new_shop(store)
        fresh = session_of(owner)
        store.put_session(fresh, owner)
        assert store.token(fresh.token_hash) == fresh
        account, member, _ = invite(store, shop)
        early = session_of(account)
        with pytest.raises(ConcurrentChange):    # not accepted yet
            store.put_session(early, replace(account, status="active"))
        active, member, _ = join(store, shop, "operator")
        store.change_role(member, "readonly")
        stale = session_of(active)
        with pytest.raises(ConcurrentChange):    # the role moved meanwhile
            store.put_session(stale, active)
        assert store.token(early.token_hash) is None and store.token(stale.token_hash) is None

    def test_a_role_change_moves_both_records_if_unchanged(self, store):
        shop, _, _ = new_shop(store)
        active, member, session = join(store, shop, "operator")
        store.change_role(member, "manager")
        assert store.member(shop.id, active.id).role == "manager"
        assert store.account_by_email(active.email).role == "manager"
        with pytest.raises(ConcurrentChange):     # `member` still says operator
            store.change_role(member, "admin")
        assert store.member(shop.id, active.id).role == "manager"
        with pytest.raises(ConcurrentChange):
            store.change_role(replace(member, id="ac_nobody"), "admin")

    def test_an_owner_steps_down_only_while_the_witness_is_an_owner(self, store):
        shop, owner, _ = new_shop(store)
        founder = store.member(shop.id, owner.id)
        _, operator, _ = join(store, shop, "operator")
        _, pending_owner, _ = invite(store, shop, "owner")
        for witness in (operator.id, pending_owner.id, "ac_nobody"):
            with pytest.raises(LastOwner):
                store.change_role(founder, "admin", witness)
            with pytest.raises(LastOwner):
                store.remove_member(founder, witness)
        assert store.member(shop.id, owner.id) == founder
        _, second, _ = join(store, shop, "owner")
        store.change_role(founder, "admin", second.id)
        assert store.member(shop.id, owner.id).role == "admin"

    def test_removal_frees_the_email_and_drops_the_invitation(self, store):
        shop, _, _ = new_shop(store)
        account, member, invitation = invite(store, shop)
        store.remove_member(member)
        assert store.member(shop.id, account.id) is None
        assert store.account_by_email(account.email) is None
        assert store.invitation(invitation.token_hash) is None
        with pytest.raises(ConcurrentChange):
            store.remove_member(member)
        invite(store, shop, email=account.email)   # the email can be invited again

    def test_a_stale_removal_writes_nothing(self, store):
        shop, _, _ = new_shop(store)
        active, member, _ = join(store, shop, "admin")
        store.change_role(member, "readonly")
        with pytest.raises(ConcurrentChange):
            store.remove_member(member)
        assert store.account_by_email(active.email).role == "readonly"

    def test_sessions_follow_role_changes_and_removals(self, store):
        shop, _, _ = new_shop(store)
        active, member, first = join(store, shop, "operator")
        second = session_of(active)
        store.put_session(second, active)
        store.delete_token(second.token_hash)            # logged out
        store.change_role(member, "manager")
        store.retag_sessions(active.id, "manager")
        assert store.token(first.token_hash).role == "manager"
        assert store.token(second.token_hash) is None    # not brought back
        third = session_of(replace(active, role="manager"))
        store.put_session(third, replace(active, role="manager"))
        store.revoke_sessions(active.id)
        assert store.token(first.token_hash) is None and store.token(third.token_hash) is None
        store.revoke_sessions(active.id)                 # nothing left: still fine

    def test_only_one_of_two_owners_demoting_each_other_wins(self, store):
        shop, owner, _ = new_shop(store)
        founder = store.member(shop.id, owner.id)
        _, second, _ = join(store, shop, "owner")
        pairs = [(founder, second.id), (second, founder.id)]

        def demote(n):
            member, witness = pairs[n % 2]
            store.change_role(member, "admin", witness)
            return "ok"
        outcomes = race(2, demote)
        assert sorted(outcomes) in (["last_owner", "ok"], ["concurrent_change", "ok"])
        owners = [m for m in store.members(shop.id) if m.is_active_owner]
        assert len(owners) == 1

    def test_api_key_scopes_round_trip(self, store):
        shop, owner, _ = new_shop(store)
        for scopes in (("orders:read", "orders:write"), DEFAULT_KEY_SCOPES):
            key = ApiKey(id=new_id("key_"), store_id=shop.id, name="Site", prefix="dzk_abc",
                         token_hash=new_id("kh"), created_at=NOW, created_by=owner.id,
                         scopes=scopes)
            record = TokenRecord(token_hash=key.token_hash, kind="api_key", store_id=shop.id,
                                 subject_id=key.id, actor_name="Site", role="admin",
                                 created_at=NOW, scopes=scopes)
            store.create_api_key(key, record)
            assert store.token(key.token_hash) == record
            assert [k for k in store.api_keys(shop.id) if k.id == key.id] == [key]


class TestMemoryTeamStore(TeamStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryAccountStore()


@pytest.mark.aws
class TestDynamoTeamStore(TeamStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.accounts.store_dynamo import DynamoAccountStore
        return DynamoAccountStore()
