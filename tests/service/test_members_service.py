"""Team use cases on the in-memory fakes: invitations, roles, removals, API key scopes."""
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import bootstrap
from chalicelib.accounts.model import DEFAULT_KEY_SCOPES, Caller, LastOwner
from chalicelib.config import Settings
from chalicelib.errors import AlreadyExists, Forbidden, NotFound, Unauthorized, ValidationFailed
from chalicelib.ids import sha256_hex

PASSWORD = "sel-et-poivre-2026"
MEMBER_PASSWORD = "mot-de-passe-du-membre-7"


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


class BrokenSender:
    """An email sender whose provider is down."""

    def __init__(self):
        self.attempts = 0

    def send(self, email):
        self.attempts += 1
        raise ConnectionError("SES is unreachable")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def services(clock):
    return bootstrap.build(Settings(scrypt_n=1024, session_ttl_seconds=3600,
                                    dashboard_url="https://app.dzorders.test/"),
                           store_kind="memory", clock=clock)


class Shop:
    """A signed-up store, seen from its owner."""

    def __init__(self, services, slug="boutique", email="owner@example.dz"):
        self.services = services
        created = services.accounts.signup({"email": email, "password": PASSWORD,
                                            "store": {"name": "Boutique Amina", "slug": slug}})
        self.token = created["token"]
        self.record = services.accounts.authenticate(self.token)
        self.store_id = self.record.store_id
        self.owner = self.caller_of(self.token)

    def caller_of(self, token):
        record = self.services.accounts.authenticate(token)
        return Caller(kind=record.kind, id=record.subject_id, name=record.actor_name,
                      role=record.role)

    def invite(self, email, role, caller=None, **extra):
        return self.services.members.invite(self.store_id, caller or self.owner,
                                            dict(email=email, role=role, **extra))

    def join(self, email, role, caller=None, name=None):
        """Invite and accept: (member, session token)."""
        invited = self.invite(email, role, caller, **({"name": name} if name else {}))
        accepted = self.services.members.accept({"invite_token": invited["invite_token"],
                                                 "password": MEMBER_PASSWORD})
        return accepted["member"], accepted["token"]


@pytest.fixture
def shop(services):
    return Shop(services)


def test_signup_makes_the_founder_an_active_owner_member(shop):
    [owner] = shop.services.members.list_members(shop.store_id)
    assert owner["id"] == shop.record.subject_id and owner["role"] == "owner"
    assert owner["status"] == "active" and owner["email"] == "owner@example.dz"


def test_invite_emails_a_link_with_the_token_and_stores_only_its_hash(shop, services, clock):
    invited = shop.invite("Samir@Example.dz", "operator", name="Samir")
    assert invited["status"] == "invited" and invited["role"] == "operator"
    assert invited["email"] == "samir@example.dz" and invited["invitation_emailed"] is True
    assert invited["invited_by"] == shop.record.subject_id
    assert invited["invite_expires_at"] == "2026-12-02T10:00:00.000Z"
    [email] = services.email_sender.sent
    assert email.to == "samir@example.dz" and "Boutique Amina" in email.subject
    assert f"https://app.dzorders.test/accept-invite#token={invited['invite_token']}" in email.text
    assert "en tant qu'opérateur" in email.text and "02/12/2026" in email.text
    store = services.account_store
    assert store.invitation(invited["invite_token"]) is None
    assert store.invitation(sha256_hex(invited["invite_token"])).member_id == invited["id"]


def test_the_list_never_shows_passwords_or_invite_tokens(shop):
    invited = shop.invite("pending@example.dz", "readonly")
    shop.join("active@example.dz", "manager")
    listed = shop.services.members.list_members(shop.store_id)
    assert [m["email"] for m in listed] == ["owner@example.dz", "pending@example.dz",
                                            "active@example.dz"]
    text = repr(listed)
    assert invited["invite_token"] not in text and sha256_hex(invited["invite_token"]) not in text
    assert "scrypt" not in text and "password" not in text and "invite_hash" not in text


def test_accept_starts_a_session_with_the_role_and_then_login_works(shop, services):
    member, token = shop.join("samir@example.dz", "operator", name="Samir")
    record = services.accounts.authenticate(token)
    assert (record.role, record.subject_id, record.actor_name) == ("operator", member["id"], "Samir")
    assert member["status"] == "active" and member["accepted_at"] is not None
    login = services.accounts.login({"email": "samir@example.dz", "password": MEMBER_PASSWORD},
                                    "1.2.3.4")
    again = services.accounts.authenticate(login["token"])
    assert again.store_id == shop.store_id and again.role == "operator"


def test_an_invitation_works_once(shop, services):
    invited = shop.invite("once@example.dz", "manager")
    body = {"invite_token": invited["invite_token"], "password": MEMBER_PASSWORD}
    services.members.accept(body)
    with pytest.raises(NotFound):
        services.members.accept(dict(body, password="un-autre-mot-de-passe"))
    # The first password is the one that stands.
    assert services.accounts.login({"email": "once@example.dz", "password": MEMBER_PASSWORD}, "ip")


def test_an_invitation_expires_after_seven_days(shop, services, clock):
    invited = shop.invite("late@example.dz", "manager")
    clock.now += timedelta(days=7, seconds=1)
    with pytest.raises(NotFound):
        services.members.accept({"invite_token": invited["invite_token"], "password": MEMBER_PASSWORD})


def test_unknown_invite_token(services):
    with pytest.raises(NotFound):
        services.members.accept({"invite_token": "dzi_nothing", "password": MEMBER_PASSWORD})


def test_an_invited_member_cannot_log_in_before_accepting(shop, services):
    shop.invite("early@example.dz", "admin")
    for password in ("invited", "", MEMBER_PASSWORD):
        with pytest.raises((Unauthorized, ValidationFailed)):
            services.accounts.login({"email": "early@example.dz", "password": password}, "ip")


def test_an_email_with_an_account_in_any_store_is_a_conflict(shop, services):
    other = Shop(services, slug="autre-boutique", email="other@example.dz")
    for email in ("owner@example.dz", "other@example.dz"):
        with pytest.raises(AlreadyExists) as caught:
            shop.invite(email, "operator")
        assert set(caught.value.fields) == {"email"}
    other.invite("shared@example.dz", "readonly")
    with pytest.raises(AlreadyExists):
        shop.invite("SHARED@example.dz", "readonly")
    # Signing up with an invited email is refused too.
    with pytest.raises(AlreadyExists):
        services.accounts.signup({"email": "shared@example.dz", "password": PASSWORD,
                                  "store": {"name": "X", "slug": "xyz-store"}})


def test_only_an_owner_makes_an_owner(shop):
    admin, admin_token = shop.join("admin@example.dz", "admin")
    as_admin = shop.caller_of(admin_token)
    with pytest.raises(Forbidden):
        shop.invite("co-owner@example.dz", "owner", caller=as_admin)
    manager = shop.invite("manager@example.dz", "manager", caller=as_admin)
    with pytest.raises(Forbidden):
        shop.services.members.change_role(shop.store_id, as_admin, manager["id"], {"role": "owner"})
    # An admin neither demotes nor removes an owner.
    with pytest.raises(Forbidden):
        shop.services.members.change_role(shop.store_id, as_admin, shop.record.subject_id,
                                          {"role": "readonly"})
    with pytest.raises(Forbidden):
        shop.services.members.remove(shop.store_id, as_admin, shop.record.subject_id)
    owner = shop.invite("co-owner@example.dz", "owner")
    assert owner["role"] == "owner"
    # An API key is never an owner, whatever role its record carries.
    key = Caller(kind="api_key", id="key_1", name="Site", role="owner")
    with pytest.raises(Forbidden):
        shop.invite("via-key@example.dz", "owner", caller=key)


def test_a_role_change_reaches_the_members_open_sessions(shop, services):
    member, token = shop.join("samir@example.dz", "operator")
    second = services.accounts.login({"email": "samir@example.dz", "password": MEMBER_PASSWORD},
                                     "ip")["token"]
    changed = services.members.change_role(shop.store_id, shop.owner, member["id"],
                                           {"role": "manager"})
    assert changed["role"] == "manager"
    assert [services.accounts.authenticate(t).role for t in (token, second)] == ["manager"] * 2
    assert services.accounts.login({"email": "samir@example.dz", "password": MEMBER_PASSWORD},
                                   "ip")
    [listed] = [m for m in services.members.list_members(shop.store_id) if m["id"] == member["id"]]
    assert listed["role"] == "manager"
    # A logged-out session stays logged out.
    record = services.accounts.authenticate(second)
    services.accounts.logout(record.token_hash, record.kind)
    services.members.change_role(shop.store_id, shop.owner, member["id"], {"role": "readonly"})
    assert services.accounts.authenticate(second) is None
    assert services.accounts.authenticate(token).role == "readonly"


def test_removing_a_member_ends_their_sessions_and_frees_the_email(shop, services):
    member, token = shop.join("samir@example.dz", "operator")
    services.members.remove(shop.store_id, shop.owner, member["id"])
    assert services.accounts.authenticate(token) is None
    assert [m["id"] for m in services.members.list_members(shop.store_id)] == [shop.record.subject_id]
    with pytest.raises(Unauthorized):
        services.accounts.login({"email": "samir@example.dz", "password": MEMBER_PASSWORD}, "ip")
    with pytest.raises(NotFound):
        services.members.remove(shop.store_id, shop.owner, member["id"])
    again = shop.invite("samir@example.dz", "readonly")
    assert again["id"] != member["id"]


def test_withdrawing_an_invitation_kills_its_token(shop, services):
    invited = shop.invite("withdrawn@example.dz", "manager")
    services.members.remove(shop.store_id, shop.owner, invited["id"])
    with pytest.raises(NotFound):
        services.members.accept({"invite_token": invited["invite_token"], "password": MEMBER_PASSWORD})


def test_the_last_owner_is_neither_demoted_nor_removed(shop, services):
    owner_id = shop.record.subject_id
    with pytest.raises(LastOwner) as caught:
        services.members.change_role(shop.store_id, shop.owner, owner_id, {"role": "admin"})
    assert caught.value.code == "last_owner"
    with pytest.raises(LastOwner):
        services.members.remove(shop.store_id, shop.owner, owner_id)
    # A pending owner invitation is no owner yet.
    shop.invite("future-owner@example.dz", "owner")
    with pytest.raises(LastOwner):
        services.members.change_role(shop.store_id, shop.owner, owner_id, {"role": "admin"})
    assert services.accounts.authenticate(shop.token).role == "owner"


def test_with_a_second_owner_one_can_step_down(shop, services):
    second, second_token = shop.join("co-owner@example.dz", "owner")
    services.members.change_role(shop.store_id, shop.owner, shop.record.subject_id, {"role": "admin"})
    assert services.accounts.authenticate(shop.token).role == "admin"
    # Now the second owner is the last one.
    as_second = shop.caller_of(second_token)
    with pytest.raises(LastOwner):
        services.members.remove(shop.store_id, as_second, second["id"])
    services.members.change_role(shop.store_id, as_second, shop.record.subject_id, {"role": "owner"})
    services.members.remove(shop.store_id, as_second, second["id"])
    assert services.accounts.authenticate(second_token) is None


def test_setting_the_same_role_again_is_harmless(shop, services):
    member, token = shop.join("samir@example.dz", "operator")
    assert services.members.change_role(shop.store_id, shop.owner, member["id"],
                                        {"role": "operator"})["role"] == "operator"
    assert services.accounts.authenticate(token).role == "operator"


def test_another_stores_member_is_not_found(shop, services):
    other = Shop(services, slug="autre-boutique", email="other@example.dz")
    member, _ = other.join("theirs@example.dz", "operator")
    with pytest.raises(NotFound):
        services.members.change_role(shop.store_id, shop.owner, member["id"], {"role": "readonly"})
    with pytest.raises(NotFound):
        services.members.remove(shop.store_id, shop.owner, member["id"])
    assert services.accounts.member_name(shop.store_id, member["id"]) is None
    assert services.accounts.member_name(other.store_id, member["id"]) == "theirs@example.dz"


def test_a_failed_email_still_invites_and_says_so(clock):
    sender = BrokenSender()
    services = bootstrap.build(Settings(scrypt_n=1024), store_kind="memory", clock=clock,
                               email_sender=sender)
    shop = Shop(services)
    invited = shop.invite("samir@example.dz", "operator")
    assert sender.attempts == 1 and invited["invitation_emailed"] is False
    accepted = services.members.accept({"invite_token": invited["invite_token"],
                                        "password": MEMBER_PASSWORD})
    assert services.accounts.authenticate(accepted["token"]).role == "operator"


def test_api_keys_carry_their_scopes(shop, services):
    default = services.accounts.create_api_key(shop.store_id, shop.record.subject_id, {})
    assert tuple(default["scopes"]) == DEFAULT_KEY_SCOPES
    assert services.accounts.authenticate(default["key"]).granted_scopes() == set(DEFAULT_KEY_SCOPES)
    narrow = services.accounts.create_api_key(shop.store_id, shop.record.subject_id,
                                              {"name": "Entrepôt", "scopes": ["orders:read"]})
    assert narrow["scopes"] == ["orders:read"]
    assert services.accounts.authenticate(narrow["key"]).granted_scopes() == {"orders:read"}
    listed = {k["id"]: k["scopes"] for k in services.accounts.api_keys(shop.store_id)}
    assert listed[narrow["id"]] == ["orders:read"]
    # A session has no scopes: its role decides.
    assert services.accounts.authenticate(shop.token).granted_scopes() == frozenset()


def test_a_key_never_makes_a_key_beyond_its_own_scopes(shop, services):
    within = frozenset({"api_keys", "orders:read"})
    made = services.accounts.create_api_key(shop.store_id, "key_1", {"scopes": ["orders:read"]},
                                            within)
    assert made["scopes"] == ["orders:read"]
    with pytest.raises(Forbidden) as caught:
        services.accounts.create_api_key(shop.store_id, "key_1",
                                         {"scopes": ["orders:read", "webhooks"]}, within)
    assert "scopes" in caught.value.fields
    with pytest.raises(Forbidden):   # the default is more than this key has
        services.accounts.create_api_key(shop.store_id, "key_1", {}, within)
