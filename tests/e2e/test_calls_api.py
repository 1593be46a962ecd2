"""Call-confirm over HTTP: logging calls, the call queue, unassigning, errors and isolation.

Assigning to a named member needs the Team feature's member lookup, which is being
written alongside; that path is proven on the order stores in
tests/contracts/test_call_store.py with a member lookup of the test's own. Here only
`{"member_id": null}` and refused bodies reach /assign (and the fuzzer, which only
asks that nothing is a 500).
"""
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product, stock_of

OUTCOMES = ["no_answer", "busy", "unreachable", "postponed", "wrong_number", "fake",
            "duplicate", "confirmed", "cancelled"]
# From the contract: the status each outcome leaves a pending order in.
STATUS_AFTER = {"confirmed": "confirmed", "cancelled": "cancelled", "fake": "cancelled",
                "wrong_number": "cancelled", "duplicate": "cancelled"}


def later(**delta):
    moment = datetime.now(timezone.utc) + timedelta(**delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def log_call(api, merchant, order_id, **body):
    return api.post(f"/v1/orders/{order_id}/calls", headers=merchant.headers, json=body)


def read(api, merchant, order_id):
    response = api.get(f"/v1/orders/{order_id}", headers=merchant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def queue(api, merchant, **params):
    response = api.get("/v1/calls/queue", headers=merchant.headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def assert_error(response, status, code, fields=()):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    for name in fields:
        assert name in error["fields"], error
    return error


@pytest.fixture
def shop(api, merchant):
    return merchant, product(api, merchant, stock=20)


def test_every_outcome_is_logged_and_answered_with_the_call_summary(api, shop):
    merchant, item = shop
    for outcome in OUTCOMES:
        order = checkout(api, merchant, item, quantity=1).json()
        body = {"outcome": outcome, "note": "المكالمة رقم 1"}
        if outcome == "postponed":
            body["next_call_at"] = later(hours=3)
        response = log_call(api, merchant, order["id"], **body)
        assert response.status_code == 201, (outcome, response.text)
        answered = response.json()
        assert answered["id"] == order["id"]
        assert answered["status"] == STATUS_AFTER.get(outcome, "pending"), outcome
        call = answered["call"]
        assert (call["attempts"], call["last_outcome"], call["assigned_to"]) == (1, outcome, None)
        assert call["last_call_at"].endswith("Z")
        if outcome == "postponed":
            assert call["next_call_at"].startswith(body["next_call_at"][:19])
        else:
            assert call["next_call_at"] is None
        full = read(api, merchant, order["id"])
        assert full["call"] == call
        [entry] = [e for e in full["timeline"] if e["event"] == "call_logged"]
        assert entry["actor"]["type"] == "merchant" and entry["note"] == "المكالمة رقم 1"
        assert (entry["outcome"], entry["attempt"]) == (outcome, 1)
        moved = [e for e in full["timeline"] if e["event"] == "status_changed"]
        if outcome in STATUS_AFTER:
            assert [(e["from"], e["to"]) for e in moved] == [("pending", STATUS_AFTER[outcome])]
            if outcome not in ("confirmed", "cancelled"):
                assert moved[0]["reason"] == outcome
        else:
            assert moved == []
    # Only the confirm by call took stock (one unit).
    assert stock_of(api, merchant, item) == 19


def test_attempts_count_up_and_a_confirm_by_call_takes_stock(api, shop):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=3).json()
    for n, outcome in enumerate(["no_answer", "busy", "confirmed"], start=1):
        response = log_call(api, merchant, order["id"], outcome=outcome)
        assert response.status_code == 201 and response.json()["call"]["attempts"] == n
    assert response.json()["status"] == "confirmed" and response.json()["stock"]["taken"] is True
    assert stock_of(api, merchant, item) == 17
    attempts = [e["attempt"] for e in read(api, merchant, order["id"])["timeline"]
                if e["event"] == "call_logged"]
    assert attempts == [1, 2, 3]
    # Once confirmed, calls may still be noted but not confirm it again.
    assert log_call(api, merchant, order["id"], outcome="busy").status_code == 201
    assert_error(log_call(api, merchant, order["id"], outcome="confirmed"), 409, "invalid_transition")


def test_a_confirm_by_call_without_stock_is_409_and_writes_nothing(api, merchant):
    item = product(api, merchant, stock=1)
    order = checkout(api, merchant, item, quantity=2).json()
    error = assert_error(log_call(api, merchant, order["id"], outcome="confirmed"), 409,
                         "insufficient_stock")
    assert error["variants"] == [item["variants"][0]["id"]]
    full = read(api, merchant, order["id"])
    assert full["status"] == "pending" and full["call"]["attempts"] == 0
    assert [e["event"] for e in full["timeline"]] == ["created"]
    assert stock_of(api, merchant, item) == 1


def test_the_queue_lists_pending_orders_callbacks_due_first(api, shop):
    merchant, item = shop
    first, second, confirmed, callback = (checkout(api, merchant, item, quantity=1).json()
                                          for _ in range(4))
    assert log_call(api, merchant, confirmed["id"], outcome="confirmed").status_code == 201
    assert log_call(api, merchant, second["id"], outcome="no_answer").status_code == 201
    assert log_call(api, merchant, callback["id"], outcome="postponed",
                    next_call_at=later(days=1)).status_code == 201
    listed = queue(api, merchant)
    assert [o["id"] for o in listed["items"]] == [first["id"], second["id"]]
    assert listed["next_cursor"] is None
    assert listed["items"][1]["call"]["last_outcome"] == "no_answer"
    assert [o["id"] for o in queue(api, merchant, limit="1")["items"]] == [first["id"]]
    # The status endpoint takes orders out of the queue too.
    assert move(api, merchant, first["id"], "cancelled").status_code == 200
    assert [o["id"] for o in queue(api, merchant)["items"]] == [second["id"]]


def test_callbacks_to_come_are_listed_soonest_first(api, shop):
    merchant, item = shop
    plain, tomorrow, tonight = (checkout(api, merchant, item, quantity=1).json() for _ in range(3))
    assert log_call(api, merchant, tomorrow["id"], outcome="postponed",
                    next_call_at=later(days=1)).status_code == 201
    assert log_call(api, merchant, tonight["id"], outcome="postponed",
                    next_call_at=later(hours=3)).status_code == 201
    response = api.get("/v1/calls/scheduled", headers=merchant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [o["id"] for o in body["items"]] == [tonight["id"], tomorrow["id"]]
    assert body["next_cursor"] is None and body["items"][0]["call"]["next_call_at"]
    assert [o["id"] for o in queue(api, merchant)["items"]] == [plain["id"]]
    limited = api.get("/v1/calls/scheduled", headers=merchant.headers, params={"limit": "1"})
    assert [o["id"] for o in limited.json()["items"]] == [tonight["id"]]
    assert_error(api.get("/v1/calls/scheduled", headers=merchant.headers, params={"limit": "0"}),
                 422, "validation_error", ["limit"])


@pytest.mark.parametrize("limit", ["0", "201", "abc", "-1"])
def test_a_bad_queue_limit_is_422(api, merchant, limit):
    response = api.get("/v1/calls/queue", headers=merchant.headers, params={"limit": limit})
    assert_error(response, 422, "validation_error", ["limit"])


@pytest.mark.parametrize("body, field", [
    ({"outcome": "answered"}, "outcome"),
    ({}, "outcome"),
    ({"outcome": None}, "outcome"),
    ({"outcome": "postponed"}, "next_call_at"),
    ({"outcome": "postponed", "next_call_at": "2020-01-01T10:00:00Z"}, "next_call_at"),
    ({"outcome": "postponed", "next_call_at": "demain à 10h"}, "next_call_at"),
    ({"outcome": "busy", "note": "x" * 1001}, "note"),
    ({"outcome": "busy", "status": "confirmed"}, "status"),
])
def test_bad_calls_are_422_naming_the_field_and_change_nothing(api, shop, body, field):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    response = api.post(f"/v1/orders/{order['id']}/calls", headers=merchant.headers, json=body)
    assert_error(response, 422, "validation_error", [field])
    full = read(api, merchant, order["id"])
    assert full["call"]["attempts"] == 0 and len(full["timeline"]) == 1


def test_a_postponed_call_more_than_60_days_ahead_is_422(api, shop):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    response = log_call(api, merchant, order["id"], outcome="postponed", next_call_at=later(days=61))
    assert_error(response, 422, "validation_error", ["next_call_at"])


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b'"busy"'])
def test_a_body_that_is_no_json_object_is_400(api, shop, data):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    response = api.post(f"/v1/orders/{order['id']}/calls", data=data,
                        headers=dict(merchant.headers, **{"Content-Type": "application/json"}))
    assert_error(response, 400, "malformed_request")


@pytest.mark.parametrize("final", ["cancelled", "returned"])
def test_a_call_on_a_terminal_order_is_409(api, shop, final):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    path = ["cancelled"] if final == "cancelled" else [
        "confirmed", "processing", "shipped", "delivered", "returned"]
    for status in path:
        assert move(api, merchant, order["id"], status).status_code == 200
    for outcome in ("no_answer", "confirmed", "fake"):
        assert_error(log_call(api, merchant, order["id"], outcome=outcome), 409, "invalid_transition")
    assert_error(api.post(f"/v1/orders/{order['id']}/assign", headers=merchant.headers,
                          json={"member_id": None}), 409, "invalid_transition")
    full = read(api, merchant, order["id"])
    assert full["call"]["attempts"] == 0
    assert all(e["event"] != "call_logged" for e in full["timeline"])


def test_another_stores_orders_are_404_and_stay_out_of_its_queue(api, shop, other_merchant):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    assert_error(log_call(api, other_merchant, order["id"], outcome="confirmed"), 404, "not_found")
    assert_error(api.post(f"/v1/orders/{order['id']}/assign", headers=other_merchant.headers,
                          json={"member_id": None}), 404, "not_found")
    assert queue(api, other_merchant)["items"] == []
    assert read(api, merchant, order["id"])["call"]["attempts"] == 0
    for missing in ("or_does_not_exist", "x" * 3000, quote("é/..", safe="")):
        assert_error(log_call(api, merchant, missing, outcome="busy"), 404, "not_found")
        assert_error(api.post(f"/v1/orders/{missing}/assign", headers=merchant.headers,
                              json={"member_id": None}), 404, "not_found")


def test_without_a_token_every_call_route_is_401(api, shop):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    bad = {"Authorization": "Bearer not-a-token"}
    for headers in ({}, bad):
        assert_error(api.post(f"/v1/orders/{order['id']}/calls", headers=headers,
                              json={"outcome": "busy"}), 401, "unauthorized")
        assert_error(api.get("/v1/calls/queue", headers=headers), 401, "unauthorized")
        assert_error(api.post(f"/v1/orders/{order['id']}/assign", headers=headers,
                              json={"member_id": None}), 401, "unauthorized")
    assert read(api, merchant, order["id"])["call"]["attempts"] == 0


def test_unassigning_and_bad_assignments(api, shop):
    merchant, item = shop
    order = checkout(api, merchant, item, quantity=1).json()
    path = f"/v1/orders/{order['id']}/assign"
    response = api.post(path, headers=merchant.headers, json={"member_id": None})
    assert response.status_code == 200, response.text
    assert response.json()["call"]["assigned_to"] is None
    for body, field in (({}, "member_id"), ({"member_id": 7}, "member_id"),
                        ({"member_id": ""}, "member_id"),
                        ({"member_id": None, "operator": "x"}, "operator")):
        assert_error(api.post(path, headers=merchant.headers, json=body), 422,
                     "validation_error", [field])


CALL_FIELDS = ["outcome", "note", "next_call_at", "member_id"]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
    | st.sampled_from(OUTCOMES + ["2026-11-25T10:00:00Z", "9999-12-31T23:59:59+14:00"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=10)
BODIES = st.one_of(st.dictionaries(st.sampled_from(CALL_FIELDS), JSON, max_size=4),
                   JSON, st.binary(max_size=32))


@pytest.fixture(scope="module")
def fuzzed(api):
    owner = signup(api, "callfuzz")
    item = product(api, owner, stock=1000)
    return owner, checkout(api, owner, item, quantity=1).json()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(["calls", "assign"]), body=BODIES)
def test_no_body_makes_a_500(api, fuzzed, route, body):
    owner, order = fuzzed
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = api.post(f"/v1/orders/{order['id']}/{route}", data=data,
                        headers=dict(owner.headers, **{"Content-Type": "application/json"}))
    assert response.status_code < 500, (route, body, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["fields"], dict)
