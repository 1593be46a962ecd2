"""Shipping, end to end, for every courier: a confirmed order is sent through the API, the
courier jobs worker creates the parcel at the courier's fake server, the order moves to
shipped with the tracking number, the customer gets an SMS, the fake walks the parcel
to delivered (a signed webhook to our callback URL for couriers that push, a scheduled
poll for the others) and the order ends delivered with the whole story on its timeline.

Runs on the emulated AWS with the event pump (queues, the table stream, schedules).
"""
from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from moto.sns.models import sns_backends

from infra.local.couriers import FAKES, fake_class
from infra.local.provision import ACCOUNT_ID
from infra.local.pump import wait_until
from tests.conftest import REGION
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product

CODES = sorted(FAKES)


# Accounts this module set up, removed after each test: a finished test's fake is gone,
# and the poll schedule would keep asking it (slowly failing) for the rest of the run.
CONFIGURED = []


@pytest.fixture(autouse=True)
def forget_accounts(api):
    yield
    while CONFIGURED:
        merchant, code = CONFIGURED.pop()
        api.delete(f"/v1/couriers/{code}", headers=merchant.headers)


@pytest.fixture
def fakes():
    # Fresh fakes per test: every new store's first order is number 1001, and a
    # courier account (here, the fake's one sandbox account) keys parcels by it.
    started = {code: fake_class(code)().start() for code in CODES}
    yield started
    for fake in started.values():
        fake.stop()


def control(fake, name, **body):
    answer = requests.post(f"{fake.origin}/_control/{name}", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def sms_to(phone):
    return [text for number, text in sns_backends[ACCOUNT_ID][REGION].sms_messages.values()
            if number == phone]


def configure(api, merchant, code, fake):
    answer = api.put(f"/v1/couriers/{code}", headers=merchant.headers, json={
        "credentials": dict(fake.SANDBOX_CREDENTIALS),
        "settings": {"base_url": fake.base_url, "sender_wilaya": 16}})
    assert answer.status_code == 200, answer.text
    CONFIGURED.append((merchant, code))
    account = answer.json()
    assert "credentials" not in account and sorted(account["credentials_set"])
    if account["callback_url"]:
        # The test server's own port (PUBLIC_API_URL names the default one).
        url = api.base_url + urlsplit(account["callback_url"]).path
        control(fake, "webhook", url=url,
                secret=fake.SANDBOX_CREDENTIALS.get("webhook_secret"))
    return account


def confirmed_order(api, merchant, phone, price=2500):
    placed = checkout(api, merchant, product(api, merchant, price=price),
                      customer={"name": "Amina Benali", "phone": phone})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert move(api, merchant, order["id"], "confirmed").status_code == 200
    return order


def get_order(api, merchant, order_id):
    answer = api.get(f"/v1/orders/{order_id}", headers=merchant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_for(api, merchant, order_id, check, timeout=60):
    found = wait_until(lambda: (lambda o: o if check(o) else None)(
        get_order(api, merchant, order_id)), timeout=timeout, interval=0.3)
    assert found, f"order never reached the expected state: {get_order(api, merchant, order_id)}"
    return found


@pytest.mark.parametrize("code", CODES)
def test_an_order_ships_and_is_delivered(api, pump, fakes, code):
    fake = fakes[code]
    merchant = signup(api)
    account = configure(api, merchant, code, fake)
    tested = api.post(f"/v1/couriers/{code}/test", headers=merchant.headers)
    assert tested.status_code == 200 and tested.json()["ok"], tested.text
    phone = "+2135" + str(uuid.uuid4().int)[:8]
    order = confirmed_order(api, merchant, phone)

    accepted = api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
                        json={"courier": code})
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["shipment"]["state"] == "requested"
    shipped = wait_for(api, merchant, order["id"], lambda o: o["status"] == "shipped")
    tracking = shipped["shipment"]["tracking_number"]
    assert tracking and shipped["shipment"]["state"] == "created"
    held = fake.parcels[tracking]
    assert held.reference == str(order["number"])
    assert fake.collected_amount(held) == order["totals"]["total"]
    assert wait_until(lambda: sms_to(phone), timeout=30), "the customer got no SMS"
    assert tracking in sms_to(phone)[0]

    for status in fake.DELIVERED_PATH:
        control(fake, "advance", tracking=tracking, status=status)
    delivered = wait_for(api, merchant, order["id"], lambda o: o["status"] == "delivered",
                         timeout=90)
    events = [(e["event"], e["actor"]["type"], e.get("to")) for e in delivered["timeline"]]
    assert events[:3] == [("created", "customer", "pending"),
                          ("status_changed", "merchant", "confirmed"),
                          ("shipment_requested", "merchant", None)]
    assert ("shipment_created", "courier", None) in events
    assert ("status_changed", "courier", "shipped") in events
    assert ("status_changed", "courier", "delivered") in events
    raw = [e["raw_status"] for e in delivered["timeline"] if e["event"] == "tracking_updated"]
    assert fake.DELIVERED_PATH[-1] in raw
    assert delivered["shipment"]["status"] == "delivered"

    # A late "in transit" after delivered changes nothing.
    control(fake, "replay", tracking=tracking, status=fake.DELIVERED_PATH[0])
    time.sleep(3)
    assert get_order(api, merchant, order["id"])["status"] == "delivered"

    label = api.get(f"/v1/orders/{order['id']}/shipment/label", headers=merchant.headers)
    if code == "procolis":
        assert label.status_code == 422 and label.json()["error"]["code"] == "not_supported"
    else:
        assert label.status_code == 200, label.text
        assert label.content.startswith(b"%PDF")
    assert account["sync"] in ("webhook", "polling")


@pytest.mark.parametrize("code", ["yalidine", "ecotrack"])
def test_a_courier_5xx_then_success_ships_once(api, pump, fakes, code):
    fake = fakes[code]
    merchant = signup(api)
    configure(api, merchant, code, fake)
    order = confirmed_order(api, merchant, "0555123456")
    control(fake, "faults", fail_next=1, status=503)
    api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
             json={"courier": code})
    wait_for(api, merchant, order["id"], lambda o: o["status"] == "shipped")
    assert len([p for p in fake.parcels.values() if p.reference == str(order["number"])]) == 1


@pytest.mark.parametrize("code", ["yalidine", "zr_express", "maystro"])
def test_an_answer_lost_after_the_parcel_was_made_does_not_make_two(api, pump, fakes, code):
    fake = fakes[code]
    merchant = signup(api)
    configure(api, merchant, code, fake)
    order = confirmed_order(api, merchant, "0555123456")
    control(fake, "faults", lose_answer=1)
    api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
             json={"courier": code})
    wait_for(api, merchant, order["id"], lambda o: o["status"] == "shipped")
    assert len([p for p in fake.parcels.values() if p.reference == str(order["number"])]) == 1


def test_a_refusal_cancels_with_reason_refused(api, pump, fakes):
    fake = fakes["yalidine"]
    merchant = signup(api)
    configure(api, merchant, "yalidine", fake)
    order = confirmed_order(api, merchant, "0555123456")
    api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
             json={"courier": "yalidine"})
    shipped = wait_for(api, merchant, order["id"], lambda o: o["status"] == "shipped")
    tracking = shipped["shipment"]["tracking_number"]
    for status in fake.REFUSED_PATH:
        control(fake, "advance", tracking=tracking, status=status, duplicate=True)
    def tracked(o):
        return len([e for e in o["timeline"] if e["event"] == "tracking_updated"]) \
            >= len(fake.REFUSED_PATH)
    wait_for(api, merchant, order["id"], lambda o: o["status"] == "cancelled" and tracked(o))
    time.sleep(2)   # every duplicate has arrived by now
    cancelled = get_order(api, merchant, order["id"])
    [change] = [e for e in cancelled["timeline"] if e.get("to") == "cancelled"]
    assert change["actor"]["type"] == "courier" and change["reason"] == "refused"
    # Each courier update is recorded once, however often it was delivered.
    updates = [e["raw_status"] for e in cancelled["timeline"] if e["event"] == "tracking_updated"]
    assert len(updates) == len(fake.REFUSED_PATH)


def test_a_parcel_the_courier_refuses_is_shipment_failed_in_its_words(api, pump, fakes):
    fake = fakes["yalidine"]
    merchant = signup(api)
    configure(api, merchant, "yalidine", fake)
    # Yalidine collects at most 150 000 DA: this parcel is refused.
    order = confirmed_order(api, merchant, "0555123456", price=80000)
    api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
             json={"courier": "yalidine"})
    failed = wait_for(api, merchant, order["id"], lambda o: o["shipment"]["state"] == "failed")
    assert failed["status"] == "confirmed" and failed["shipment"]["error"]
    [entry] = [e for e in failed["timeline"] if e["event"] == "shipment_failed"]
    assert entry["note"] == failed["shipment"]["error"]


def test_synced_stop_desks_are_offered_at_checkout_and_used_to_ship(api, pump, fakes):
    fake = fakes["yalidine"]
    merchant = signup(api)
    configure(api, merchant, "yalidine", fake)
    synced = api.post("/v1/couriers/yalidine/sync", headers=merchant.headers, json={})
    assert synced.status_code == 200, synced.text
    slug = merchant.store["slug"]
    offered = api.get(f"/v1/stores/{slug}/stop-desks?wilaya=16").json()["items"]
    assert offered and all(d["wilaya"] == 16 and d["courier"] == "yalidine" for d in offered)
    desk = offered[0]["id"]
    item = product(api, merchant)
    placed = checkout(api, merchant, item, shipping={
        "wilaya": 16, "commune": "Bab El Oued", "address": "Agence", "delivery_type": "stop_desk",
        "stop_desk": desk})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert move(api, merchant, order["id"], "confirmed").status_code == 200
    api.post(f"/v1/orders/{order['id']}/shipments", headers=merchant.headers,
             json={"courier": "yalidine"})
    shipped = wait_for(api, merchant, order["id"], lambda o: o["status"] == "shipped")
    held = fake.parcels[shipped["shipment"]["tracking_number"]]
    assert held.data["is_stopdesk"] and str(held.data["stopdesk_id"]) == desk
    assert api.get("/v1/stores/no-such-store-here/stop-desks").status_code == 404
    assert api.get(f"/v1/stores/{slug}/stop-desks?wilaya=99").status_code == 422
