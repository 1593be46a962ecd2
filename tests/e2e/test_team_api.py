"""The team over HTTP: invite -> email -> accept -> log in, roles enforced on every
kind of route, API key scopes, timeline actors, isolation and the last owner."""
import json
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.ses.models import ses_backends

from infra.local.provision import ACCOUNT_ID
from tests.conftest import REGION
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, product

MEMBER_PASSWORD = "mot-de-passe-du-membre-7"


def error_of(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"])
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def emails_to(address):
    return [m for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
            if address in (getattr(m, "destinations", {}) or {}).get("ToAddresses", [])]


def fresh_email(role):
    return f"{role}-{uuid.uuid4().hex[:10]}@example.dz"


def invite(api, inviter_headers, role, email=None, **extra):
    response = api.post("/v1/members", headers=inviter_headers,
                        json=dict(email=email or fresh_email(role), role=role, **extra))
    assert response.status_code == 201, response.text
    return response.json()


def join(api, merchant, role, name=None):
    """Invite through the API, accept with the token the email carries, log in.
    Returns (member, headers of the member's login session)."""
    invited = invite(api, merchant.headers, role, **({"name": name} if name else {}))
    [email] = emails_to(invited["email"])
    token = re.search(r"accept-invite#token=(\S+)", email.body).group(1)
    assert token == invited["invite_token"]
    accepted = api.post("/v1/members/accept", json={"invite_token": token,
                                                    "password": MEMBER_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    login = api.post("/v1/login", json={"email": invited["email"], "password": MEMBER_PASSWORD})
    assert login.status_code == 200, login.text
    return accepted.json()["member"], bearer(login.json()["token"])


@pytest.fixture(scope="module")
def shop(api):
    """A store with a product, an order and one logged-in member per role."""
    merchant = signup(api, "team")
    item = product(api, merchant, stock=50)
    team = {"owner": merchant.headers}
    members = {}
    for role in ("admin", "manager", "operator", "readonly"):
        members[role], team[role] = join(api, merchant, role, name=f"Membre {role}")
    return merchant, item, team, members


def new_order(api, merchant, item):
    response = checkout(api, merchant, item, quantity=1)
    assert response.status_code == 201, response.text
    return response.json()


def test_invite_emails_a_token_that_makes_a_member_who_logs_in(api, merchant):
    email = fresh_email("operator")
    invited = invite(api, merchant.headers, "operator", email=email.upper(), name="Samir")
    assert invited["email"] == email and invited["role"] == "operator"
    assert invited["status"] == "invited" and invited["invitation_emailed"] is True
    assert set(invited) >= {"id", "email", "role", "invite_token", "invite_expires_at"}
    [message] = emails_to(email)
    assert merchant.store["name"] in message.subject
    assert f"accept-invite#token={invited['invite_token']}" in message.body
    # Before accepting, the member cannot log in.
    error_of(api.post("/v1/login", json={"email": email, "password": MEMBER_PASSWORD}), 401)
    accepted = api.post("/v1/members/accept", json={"invite_token": invited["invite_token"],
                                                    "password": MEMBER_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    session = bearer(accepted.json()["token"])
    assert api.get("/v1/orders", headers=session).status_code == 200
    assert accepted.json()["member"]["status"] == "active"
    # Single use.
    error_of(api.post("/v1/members/accept", json={"invite_token": invited["invite_token"],
                                                  "password": MEMBER_PASSWORD}), 404, "not_found")
    login = api.post("/v1/login", json={"email": email, "password": MEMBER_PASSWORD})
    assert login.status_code == 200
    listed = api.get("/v1/members", headers=merchant.headers)
    assert listed.status_code == 200 and listed.json()["next_cursor"] is None
    by_email = {m["email"]: m for m in listed.json()["items"]}
    assert by_email[email]["status"] == "active" and by_email[email]["name"] == "Samir"
    assert by_email[merchant.email]["role"] == "owner"
    text = listed.text
    assert invited["invite_token"] not in text and "scrypt" not in text and "password" not in text


def test_operator_works_orders_and_nothing_else(api, shop):
    merchant, item, team, _ = shop
    order = new_order(api, merchant, item)
    operator = team["operator"]
    for path in ("/v1/orders", f"/v1/orders/{order['id']}", "/v1/store", "/v1/products",
                 "/v1/shipping/rates", "/v1/notifications"):
        assert api.get(path, headers=operator).status_code == 200, path
    assert api.post(f"/v1/orders/{order['id']}/notes", headers=operator,
                    json={"text": "Client joint"}).status_code == 201
    assert api.post(f"/v1/orders/{order['id']}/status", headers=operator,
                    json={"status": "confirmed"}).status_code == 200
    for method, path in (("GET", "/v1/calls/queue"), ("POST", f"/v1/orders/{order['id']}/calls")):
        response = api.request(method, path, headers=operator, json={"outcome": "no_answer"})
        assert response.status_code != 403 and response.status_code < 500, response.text
    refused = [("PATCH", "/v1/store", {"name": "Pirate"}), ("POST", "/v1/products", {"name": "X"}),
               ("PUT", "/v1/shipping/rates", {"rates": []}), ("GET", "/v1/webhooks", None),
               ("POST", "/v1/api-keys", {}), ("GET", "/v1/members", None),
               ("POST", "/v1/members", {"email": fresh_email("x"), "role": "readonly"}),
               ("GET", "/v1/couriers", None), ("POST", f"/v1/orders/{order['id']}/restock", None)]
    for method, path, body in refused:
        error = error_of(api.request(method, path, headers=operator, json=body), 403, "forbidden")
        assert "operator" in error["message"], path
    assert api.get("/v1/store", headers=merchant.headers).json()["name"] != "Pirate"


def test_readonly_reads_and_changes_nothing(api, shop):
    merchant, item, team, _ = shop
    order = new_order(api, merchant, item)
    readonly = team["readonly"]
    for path in ("/v1/orders", f"/v1/orders/{order['id']}", "/v1/store", "/v1/products",
                 "/v1/members", "/v1/couriers", "/v1/notifications"):
        assert api.get(path, headers=readonly).status_code == 200, path
    for method, path, body in (("POST", f"/v1/orders/{order['id']}/notes", {"text": "x"}),
                               ("POST", f"/v1/orders/{order['id']}/status", {"status": "confirmed"}),
                               ("PATCH", "/v1/store", {"name": "Pirate"}),
                               ("POST", "/v1/notifications/read", {"all": True}),
                               ("GET", "/v1/webhooks", None), ("GET", "/v1/api-keys", None)):
        error = error_of(api.request(method, path, headers=readonly, json=body), 403, "forbidden")
        assert error["fields"] == {}
    timeline = api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["timeline"]
    assert [entry["event"] for entry in timeline] == ["created"]


def test_manager_runs_the_store_but_not_the_team_or_integrations(api, shop):
    merchant, _, team, members = shop
    manager = team["manager"]
    assert api.post("/v1/products", headers=manager,
                    json={"name": "Huile", "price": 1800, "stock": 3}).status_code == 201
    assert api.patch("/v1/store", headers=manager, json={"restock_on_return": True}).status_code == 200
    assert api.get("/v1/members", headers=manager).status_code == 200
    assert api.get("/v1/couriers", headers=manager).status_code == 200
    for method, path, body in (("POST", "/v1/members", {"email": fresh_email("m"), "role": "readonly"}),
                               ("PATCH", f"/v1/members/{members['operator']['id']}", {"role": "readonly"}),
                               ("DELETE", f"/v1/members/{members['readonly']['id']}", None),
                               ("GET", "/v1/webhooks", None), ("POST", "/v1/api-keys", {}),
                               ("PUT", "/v1/couriers/yalidine", {"credentials": {}}),
                               ("POST", "/v1/couriers/yalidine/test", None)):
        error_of(api.request(method, path, headers=manager, json=body), 403, "forbidden")


def test_admin_manages_the_team_but_makes_no_owner(api, shop):
    _, _, team, members = shop
    admin = team["admin"]
    assert api.get("/v1/webhooks", headers=admin).status_code == 200
    assert api.post("/v1/api-keys", headers=admin, json={"name": "Admin key"}).status_code == 201
    operator = invite(api, admin, "operator")
    assert operator["invited_by"] == members["admin"]["id"]
    error_of(api.post("/v1/members", headers=admin, json={"email": fresh_email("o"), "role": "owner"}),
             403, "forbidden")
    owner_id = [m for m in api.get("/v1/members", headers=admin).json()["items"]
                if m["role"] == "owner"][0]["id"]
    error_of(api.patch(f"/v1/members/{owner_id}", headers=admin, json={"role": "readonly"}), 403)
    error_of(api.delete(f"/v1/members/{owner_id}", headers=admin), 403)
    assert api.delete(f"/v1/members/{operator['id']}", headers=admin).status_code == 204


def test_every_timeline_actor_names_the_member_or_key(api, shop):
    merchant, item, team, members = shop
    order = new_order(api, merchant, item)
    api.post(f"/v1/orders/{order['id']}/notes", headers=team["operator"], json={"text": "Appelé"})
    api.post(f"/v1/orders/{order['id']}/status", headers=team["manager"], json={"status": "confirmed"})
    key = api.post("/v1/api-keys", headers=merchant.headers,
                   json={"name": "Entrepôt", "scopes": ["orders:read", "orders:write"]}).json()
    api.post(f"/v1/orders/{order['id']}/notes", headers=bearer(key["key"]), json={"text": "Colis prêt"})
    timeline = api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["timeline"]
    actors = [entry["actor"] for entry in timeline[1:]]
    assert actors == [
        {"type": "merchant", "id": members["operator"]["id"], "name": "Membre operator"},
        {"type": "merchant", "id": members["manager"]["id"], "name": "Membre manager"},
        {"type": "api_key", "id": key["id"], "name": "Entrepôt"},
    ]


def test_api_keys_do_what_their_scopes_say(api, merchant):
    item = product(api, merchant)
    order = new_order(api, merchant, item)
    created = api.post("/v1/api-keys", headers=merchant.headers,
                       json={"name": "Lecture", "scopes": ["orders:read", "api_keys"]})
    assert created.status_code == 201 and created.json()["scopes"] == ["orders:read", "api_keys"]
    reader = bearer(created.json()["key"])
    assert api.get(f"/v1/orders/{order['id']}", headers=reader).status_code == 200
    error = error_of(api.post(f"/v1/orders/{order['id']}/notes", headers=reader, json={"text": "x"}),
                     403, "forbidden")
    assert error["permission"] == "orders:write" and "scope" in error["message"]
    error_of(api.get("/v1/products", headers=reader), 403, "forbidden")
    # A key makes keys only within its own scopes.
    error_of(api.post("/v1/api-keys", headers=reader, json={"scopes": ["orders:write"]}), 403)
    error_of(api.post("/v1/api-keys", headers=reader, json={}), 403)
    assert api.post("/v1/api-keys", headers=reader, json={"scopes": ["orders:read"]}).status_code == 201
    # A key made without scopes can do what keys always could, but not the team.
    default = api.post("/v1/api-keys", headers=merchant.headers, json={}).json()
    assert "members:write" not in default["scopes"] and "webhooks" in default["scopes"]
    full = bearer(default["key"])
    assert api.post("/v1/products", headers=full, json={"name": "X", "price": 10}).status_code == 201
    error_of(api.get("/v1/members", headers=full), 403, "forbidden")
    listed = {k["id"]: k for k in api.get("/v1/api-keys", headers=merchant.headers).json()["items"]}
    assert listed[created.json()["id"]]["scopes"] == ["orders:read", "api_keys"]
    error = error_of(api.post("/v1/api-keys", headers=merchant.headers,
                              json={"scopes": ["orders:delete"]}), 422, "validation_error")
    assert set(error["fields"]) == {"scopes"}


def test_a_key_with_the_members_scope_manages_members_but_no_owner(api, merchant):
    key = api.post("/v1/api-keys", headers=merchant.headers,
                   json={"scopes": ["members:read", "members:write"]}).json()
    headers = bearer(key["key"])
    invited = invite(api, headers, "readonly")
    assert invited["invited_by"] == key["id"]
    error_of(api.post("/v1/members", headers=headers, json={"email": fresh_email("o"), "role": "owner"}),
             403, "forbidden")
    assert api.delete(f"/v1/members/{invited['id']}", headers=headers).status_code == 204


def test_a_role_change_applies_to_live_sessions_and_removal_ends_them(api, merchant):
    member, session = join(api, merchant, "manager")
    assert api.post("/v1/products", headers=session, json={"name": "X", "price": 10}).status_code == 201
    changed = api.patch(f"/v1/members/{member['id']}", headers=merchant.headers, json={"role": "readonly"})
    assert changed.status_code == 200 and changed.json()["role"] == "readonly"
    error_of(api.post("/v1/products", headers=session, json={"name": "X", "price": 10}), 403, "forbidden")
    assert api.get("/v1/products", headers=session).status_code == 200
    assert api.delete(f"/v1/members/{member['id']}", headers=merchant.headers).status_code == 204
    error_of(api.get("/v1/products", headers=session), 401, "unauthorized")
    error_of(api.post("/v1/login", json={"email": member["email"], "password": MEMBER_PASSWORD}), 401)
    error_of(api.delete(f"/v1/members/{member['id']}", headers=merchant.headers), 404, "not_found")
    # The email is free again.
    assert invite(api, merchant.headers, "operator", email=member["email"])["id"] != member["id"]


def test_the_last_owner_stays(api, merchant):
    owner = [m for m in api.get("/v1/members", headers=merchant.headers).json()["items"]
             if m["email"] == merchant.email][0]
    error_of(api.patch(f"/v1/members/{owner['id']}", headers=merchant.headers, json={"role": "admin"}),
             409, "last_owner")
    error_of(api.delete(f"/v1/members/{owner['id']}", headers=merchant.headers), 409, "last_owner")
    assert api.get("/v1/webhooks", headers=merchant.headers).status_code == 200
    second, second_session = join(api, merchant, "owner")
    assert api.patch(f"/v1/members/{owner['id']}", headers=second_session,
                     json={"role": "admin"}).status_code == 200
    error_of(api.delete(f"/v1/members/{second['id']}", headers=second_session), 409, "last_owner")
    # The demoted owner's session is an admin's now: it may not touch the owner.
    error_of(api.delete(f"/v1/members/{second['id']}", headers=merchant.headers), 403, "forbidden")


def test_another_stores_members_are_404(api, merchant, other_merchant):
    theirs = invite(api, other_merchant.headers, "operator")
    error_of(api.patch(f"/v1/members/{theirs['id']}", headers=merchant.headers, json={"role": "admin"}),
             404, "not_found")
    error_of(api.delete(f"/v1/members/{theirs['id']}", headers=merchant.headers), 404, "not_found")
    ids = [m["id"] for m in api.get("/v1/members", headers=merchant.headers).json()["items"]]
    assert theirs["id"] not in ids
    # An email with an account in any store cannot be invited elsewhere.
    for email in (theirs["email"], other_merchant.email):
        error = error_of(api.post("/v1/members", headers=merchant.headers,
                                  json={"email": email, "role": "readonly"}), 409, "already_exists")
        assert set(error["fields"]) == {"email"}


def test_the_member_may_choose_their_name_when_accepting(api, merchant):
    invited = invite(api, merchant.headers, "operator", name="samir op")
    accepted = api.post("/v1/members/accept", json={"invite_token": invited["invite_token"],
                                                    "password": MEMBER_PASSWORD,
                                                    "name": "Samir Belkacem — سمير"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["member"]["name"] == "Samir Belkacem — سمير"
    listed = {m["id"]: m for m in api.get("/v1/members", headers=merchant.headers).json()["items"]}
    assert listed[invited["id"]]["name"] == "Samir Belkacem — سمير"
    me = api.get("/v1/me", headers=bearer(accepted.json()["token"])).json()
    assert me["member"]["name"] == "Samir Belkacem — سمير"


@pytest.mark.parametrize("method,path,body,fields", [
    ("POST", "/v1/members", {"email": "nope", "role": "boss"}, {"email", "role"}),
    ("POST", "/v1/members", {}, {"email", "role"}),
    ("POST", "/v1/members", {"email": "a@b.dz", "role": "admin", "name": ["x"]}, {"name"}),
    ("POST", "/v1/members/accept", {"invite_token": "", "password": "court"}, {"invite_token", "password"}),
    ("POST", "/v1/members/accept", {"invite_token": "dzi_x", "password": "password123"}, {"password"}),
    ("POST", "/v1/members/accept", {"invite_token": "dzi_x", "password": "sel-et-poivre-2026",
                                    "name": "x" * 101}, {"name"}),
])
def test_bad_input_is_422_naming_the_fields(api, merchant, method, path, body, fields):
    headers = merchant.headers if path == "/v1/members" else {}
    error = error_of(api.request(method, path, headers=headers, json=body), 422, "validation_error")
    assert set(error["fields"]) == fields


def test_bad_role_change_and_unknown_invitation(api, merchant):
    owner_id = api.get("/v1/members", headers=merchant.headers).json()["items"][0]["id"]
    error = error_of(api.patch(f"/v1/members/{owner_id}", headers=merchant.headers,
                               json={"role": "god"}), 422, "validation_error")
    assert set(error["fields"]) == {"role"}
    error_of(api.post("/v1/members/accept", json={"invite_token": "dzi_" + "x" * 40,
                                                  "password": MEMBER_PASSWORD}), 404, "not_found")
    error_of(api.post("/v1/members", json={"email": "a@b.dz", "role": "admin"}), 401, "unauthorized")


MEMBER_FIELDS = ["email", "role", "name", "invite_token", "password"]
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(MEMBER_FIELDS),
                    st.none() | st.booleans() | st.integers() | st.text(max_size=30)
                    | st.lists(st.text(max_size=5), max_size=3), max_size=4),
    st.binary(max_size=40))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(index=st.integers(min_value=0, max_value=2), body=BODIES)
def test_no_team_body_makes_a_500(api, shop, index, body):
    merchant, _, team, members = shop
    method, path = [("POST", "/v1/members"), ("POST", "/v1/members/accept"),
                    ("PATCH", f"/v1/members/{members['readonly']['id']}")][index]
    if isinstance(body, dict) and body.get("role") == "owner":
        body = dict(body, role="readonly")   # keep the shop's roles as the other tests expect
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = api.request(method, path, data=data, headers=dict(
        team["owner"], **{"Content-Type": "application/json"}))
    assert response.status_code < 500, (method, path, body, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"]["fields"], dict)
    if method == "PATCH" and response.status_code == 200:
        api.patch(path, headers=team["owner"], json={"role": "readonly"})
