from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.errors import (AlreadyExists, Forbidden, NotFound, RateLimited,
                               Unauthorized)

PASSWORD = "sel-et-poivre-2026"


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def services(clock):
    settings = Settings(scrypt_n=1024, login_max_failures_per_email=3,
                        login_max_failures_per_ip=5, session_ttl_seconds=3600)
    return bootstrap.build(settings, store_kind="memory", clock=clock)


def signup(services, email="owner@example.dz", slug="boutique"):
    return services.accounts.signup({"email": email, "password": PASSWORD,
                                     "store": {"name": "Boutique", "slug": slug}})


def test_signup_returns_a_working_session(services):
    created = signup(services)
    record = services.accounts.authenticate(created["token"])
    assert record.store_id == created["store"]["id"] and record.kind == "session"
    assert created["store"]["slug"] == "boutique"


def test_slug_and_email_are_unique(services):
    signup(services)
    with pytest.raises(AlreadyExists) as caught:
        signup(services, email="other@example.dz")
    assert "store.slug" in caught.value.fields
    with pytest.raises(AlreadyExists) as caught:
        signup(services, email="OWNER@example.dz", slug="another")
    assert "email" in caught.value.fields


def test_login_and_logout(services):
    signup(services)
    session = services.accounts.login({"email": "Owner@Example.dz", "password": PASSWORD}, "1.2.3.4")
    record = services.accounts.authenticate(session["token"])
    assert record is not None
    services.accounts.logout(record.token_hash, record.kind)
    assert services.accounts.authenticate(session["token"]) is None


def test_sessions_expire(services, clock):
    token = signup(services)["token"]
    clock.now += timedelta(seconds=3601)
    assert services.accounts.authenticate(token) is None


def test_wrong_password_and_unknown_email_look_the_same(services):
    signup(services)
    with pytest.raises(Unauthorized) as wrong:
        services.accounts.login({"email": "owner@example.dz", "password": "nope-nope-nope"}, "ip")
    with pytest.raises(Unauthorized) as unknown:
        services.accounts.login({"email": "ghost@example.dz", "password": "nope-nope-nope"}, "ip2")
    assert wrong.value.message == unknown.value.message


def test_login_is_throttled_per_email_then_released(services, clock):
    signup(services)
    for attempt in range(3):
        with pytest.raises(Unauthorized):
            services.accounts.login({"email": "owner@example.dz", "password": "wrong-wrong"},
                                    f"10.0.0.{attempt}")
    # Even the right password is refused while throttled: guessing gains nothing.
    with pytest.raises(RateLimited) as caught:
        services.accounts.login({"email": "owner@example.dz", "password": PASSWORD}, "10.9.9.9")
    assert 0 < caught.value.retry_after <= 15 * 60
    clock.now += timedelta(seconds=caught.value.retry_after)
    assert services.accounts.login({"email": "owner@example.dz", "password": PASSWORD}, "10.9.9.9")


def test_login_is_throttled_per_ip(services):
    signup(services)
    for n in range(5):
        with pytest.raises(Unauthorized):
            services.accounts.login({"email": f"ghost{n}@example.dz", "password": "wrong-wrong"},
                                    "6.6.6.6")
    with pytest.raises(RateLimited):
        services.accounts.login({"email": "owner@example.dz", "password": PASSWORD}, "6.6.6.6")


def test_api_keys_shown_once_listed_without_secret_and_revocable(services, clock):
    store_id = signup(services)["store"]["id"]
    created = services.accounts.create_api_key(store_id, "ac_1", {"name": "Site"})
    assert created["key"].startswith("dzk_")
    listed = services.accounts.api_keys(store_id)
    assert [k["id"] for k in listed] == [created["id"]] and "key" not in listed[0]
    assert listed[0]["last_used_at"] is None
    record = services.accounts.authenticate(created["key"])
    assert record.kind == "api_key" and record.store_id == store_id
    assert services.accounts.api_keys(store_id)[0]["last_used_at"] is not None
    with pytest.raises(Forbidden):
        services.accounts.logout(record.token_hash, record.kind)
    services.accounts.revoke_api_key(store_id, created["id"])
    assert services.accounts.authenticate(created["key"]) is None
    with pytest.raises(NotFound):
        services.accounts.revoke_api_key(store_id, created["id"])


def test_another_store_cannot_revoke_my_key(services):
    mine = signup(services)["store"]["id"]
    theirs = signup(services, email="b@example.dz", slug="other-shop")["store"]["id"]
    key = services.accounts.create_api_key(mine, "ac_1", {})
    with pytest.raises(NotFound):
        services.accounts.revoke_api_key(theirs, key["id"])
    assert services.accounts.authenticate(key["key"]) is not None


def test_store_settings_and_slug_move(services):
    store_id = signup(services)["store"]["id"]
    updated = services.accounts.update_store(store_id, {"slug": "nouveau", "name": "متجر أمينة",
                                                        "restock_on_return": True})
    assert updated.slug == "nouveau" and updated.name == "متجر أمينة" and updated.version == 2
    assert services.accounts.store_id_for_slug("nouveau") == store_id
    with pytest.raises(NotFound):
        services.accounts.store_id_for_slug("boutique")
    signup(services, email="c@example.dz", slug="taken-one")
    with pytest.raises(AlreadyExists) as caught:
        services.accounts.update_store(store_id, {"slug": "taken-one"})
    assert "slug" in caught.value.fields


def test_unknown_tokens_are_refused(services):
    assert services.accounts.authenticate("") is None
    assert services.accounts.authenticate("dzs_nope") is None
    assert services.accounts.authenticate("x" * 500) is None
