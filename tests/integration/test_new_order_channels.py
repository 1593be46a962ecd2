"""A new order reaches every channel exactly once, through the whole pipeline on the
emulated services: checkout -> table stream -> events topic -> one queue per channel
-> its worker -> the bell feed and the dashboard's websocket (the local stand-in for
API Gateway's WebSocket API), SES, a push service (a local fake that checks VAPID
and decrypts the payload as a browser would) and the merchant's webhook receiver
(which verifies the signature with the `standardwebhooks` library).

Then the webhook faults, with the test run's short retry delays
(WEBHOOK_RETRY_DELAYS in tests/conftest.py): a receiver answering 500 then 200
gets the event twice with the same webhook-id; one that always fails sees each
delivery die, and after five dead deliveries the endpoint is disabled and the
merchant told.
"""
import json
import threading
import time

import pytest
from moto.ses.models import ses_backends
from websockets.sync.client import connect

from infra.local.pump import wait_until
from infra.local.provision import ACCOUNT_ID
from tests.conftest import REGION
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, product
from tests.fakes.push_service import FakePushService
from tests.fakes.webhook_receiver import Answer, WebhookReceiver

SETTLE = 2.0   # seconds to wait for a duplicate that should never come


@pytest.fixture
def push_service():
    service = FakePushService().start()
    yield service
    service.stop()


@pytest.fixture
def receiver():
    running = WebhookReceiver().start()
    yield running
    running.stop()


class Dashboard:
    """An open dashboard: every frame the realtime channel pushes to it."""

    def __init__(self, url: str, token: str) -> None:
        self.frames = []
        self._socket = connect(f"{url}?token={token}", open_timeout=10)
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        try:
            for raw in self._socket:
                self.frames.append(json.loads(raw))
        except Exception:  # noqa: BLE001 - the socket closed under the reader
            pass

    def items_about(self, order_id):
        return [frame["item"] for frame in self.frames
                if frame.get("type") == "notification" and frame["item"]["order_id"] == order_id]

    def close(self) -> None:
        self._socket.close()


def order_emails(address, number):
    return [m for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
            if address in (getattr(m, "destinations", {}) or {}).get("ToAddresses", [])
            and m.subject.startswith(f"Nouvelle commande n° {number}")]


def subscribe_webhook(api, merchant, receiver, events=("order.created",)):
    created = api.post("/v1/webhooks", headers=merchant.headers,
                       json={"url": receiver.url, "events": list(events)})
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]
    return created.json()


def test_a_checkout_reaches_each_channel_exactly_once(api, pump, push_service, receiver):
    merchant = signup(api)
    browser = push_service.new_browser()
    subscribed = api.post("/v1/push/subscriptions", headers=merchant.headers,
                          json=browser.subscription())
    assert subscribed.status_code == 201, subscribed.text
    subscribe_webhook(api, merchant, receiver)
    vapid_key = api.get("/v1/push/vapid-public-key", headers=merchant.headers).json()["key"]
    store = api.get("/v1/store", headers=merchant.headers).json()
    assert store["realtime_url"].startswith("ws://127.0.0.1:")
    dashboard = Dashboard(store["realtime_url"], merchant.token)
    try:
        placed = checkout(api, merchant, product(api, merchant))
        assert placed.status_code == 201, placed.text
        order = placed.json()

        def bell_feed():
            feed = api.get("/v1/notifications", headers=merchant.headers).json()
            return [i for i in feed["items"] if i["order_id"] == order["id"]]
        assert wait_until(bell_feed, timeout=30), "no bell item"
        assert wait_until(lambda: dashboard.items_about(order["id"]), timeout=10), \
            "the open dashboard was not told"
        assert wait_until(lambda: order_emails(merchant.email, order["number"]), timeout=30)
        assert wait_until(lambda: push_service.pushes_to(browser), timeout=30), "no push"
        assert wait_until(lambda: receiver.received, timeout=30), "no webhook"
        time.sleep(SETTLE)

        [item] = bell_feed()
        assert (item["type"], item["read"], item["sound"]) == ("order.created", False, True)
        assert str(order["number"]) in item["title"] + item["body"]
        assert dashboard.items_about(order["id"]) == [item]
        feed = api.get("/v1/notifications", headers=merchant.headers).json()
        assert feed["unread_count"] == 1

        [email] = order_emails(merchant.email, order["number"])
        assert f"#{order['number']}" in email.body

        [push] = push_service.pushes_to(browser)
        assert push.verified, (push.vapid_error, push.decrypt_error)
        assert push.vapid_key == vapid_key
        assert push.headers["urgency"] == "high" and int(push.headers["ttl"]) > 0
        assert push.payload["order_id"] == order["id"]
        assert push.payload["url"].endswith(order["id"])
        assert push.payload["title"] and push.payload["body"]

        [hook] = receiver.received
        assert hook.verified
        assert hook.json["type"] == "order.created"
        assert hook.json["data"]["id"] == order["id"]
        assert hook.json["data"]["totals"] == order["totals"]
        assert hook.json["data"]["previous_status"] is None
    finally:
        dashboard.close()


def deliveries(api, merchant, webhook_id):
    answer = api.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=merchant.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_a_500_then_200_delivers_the_event_twice_with_one_webhook_id(api, pump, receiver):
    merchant = signup(api)
    receiver.answers = [Answer(status=500, body=b"oops"), Answer(status=200)]
    webhook = subscribe_webhook(api, merchant, receiver)
    placed = checkout(api, merchant, product(api, merchant))
    assert placed.status_code == 201, placed.text

    def succeeded():
        return [d for d in deliveries(api, merchant, webhook["id"]) if d["state"] == "succeeded"]
    assert wait_until(succeeded, timeout=60), "the retry never succeeded"
    time.sleep(SETTLE)
    [delivery] = deliveries(api, merchant, webhook["id"])
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.verified and second.verified
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery["event_id"]
    assert first.body == second.body
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
    assert delivery["attempts"][0]["response_excerpt"] == "oops"


def test_five_dead_deliveries_disable_the_endpoint_and_tell_the_merchant(api, pump, receiver):
    merchant = signup(api)
    receiver.answers = [Answer(status=503)]    # always
    webhook = subscribe_webhook(api, merchant, receiver)
    item = product(api, merchant)
    for _ in range(5):
        assert checkout(api, merchant, item).status_code == 201

    def disabled():
        got = api.get(f"/v1/webhooks/{webhook['id']}", headers=merchant.headers).json()
        return got if not got["enabled"] else None
    endpoint = wait_until(disabled, timeout=120, interval=0.5)
    assert endpoint, "the endpoint was never disabled"
    assert endpoint["disabled_reason"] == "consecutive_dead"
    states = [d["state"] for d in deliveries(api, merchant, webhook["id"])]
    assert states == ["dead"] * 5
    attempts = len(receiver.received)
    # Every attempt of every delivery was made: the first and each retry.
    assert attempts == 5 * (1 + len(api_settings_retry_delays()))

    def told():
        feed = api.get("/v1/notifications", headers=merchant.headers).json()["items"]
        return [i for i in feed if i["type"] == "webhook.disabled"]
    assert wait_until(told, timeout=30), "the merchant's bell never said so"

    def emailed():
        return [m for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
                if merchant.email in (getattr(m, "destinations", {}) or {}).get("ToAddresses", [])
                and m.subject.startswith("Webhook désactivé")]
    assert wait_until(emailed, timeout=30), "the owner was never emailed"
    # A disabled endpoint gets nothing more.
    assert checkout(api, merchant, item).status_code == 201
    time.sleep(SETTLE * 2)
    assert len(receiver.received) == attempts

    enabled = api.post(f"/v1/webhooks/{webhook['id']}/enable", headers=merchant.headers)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] and enabled.json()["consecutive_dead"] == 0


def api_settings_retry_delays():
    from chalicelib.bootstrap import services
    return services().settings.webhook_retry_delays
