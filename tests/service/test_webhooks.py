"""Webhook use cases on in-memory fakes: fan-out, idempotency, retries, dead endpoints, rotation."""
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook

from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.errors import IdempotencyKeyReused, NotFound, ValidationFailed
from chalicelib.webhooks.model import (DEAD_TO_DISABLE, DeliveryInProgress, SendResult,
                                       WebhookLimitReached)
from chalicelib.webhooks.ports import UnresolvableHost

START = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
URL = "https://hooks.example.dz/in"
NAMES = {"hooks.example.dz": ["93.184.216.34"], "other.example.dz": ["151.101.1.69"],
         "intranet.example.dz": ["10.0.0.7"]}


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


class FakeSender:
    """Answers from a script (the last answer repeats); remembers every request."""

    def __init__(self):
        self.answers = [SendResult(200, 12, response_excerpt="ok")]
        self.requests = []

    def send(self, url, headers, body, timeout):
        self.requests.append({"url": url, "headers": dict(headers), "body": body.decode()})
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def resolver(host, port):
    if host not in NAMES:
        raise UnresolvableHost(host)
    return NAMES[host]


@pytest.fixture
def world():
    clock, sender = Clock(), FakeSender()
    services = bootstrap.build(Settings(webhook_retry_delays=(60, 300, 1800)), store_kind="memory",
                               clock=clock, webhook_sender=sender, webhook_resolver=resolver)
    return services, clock, sender


def event(store_id, event_type="order.created", event_id="evt_1"):
    return {"id": event_id, "type": event_type, "at": "2026-11-25T09:29:59.000Z",
            "store_id": store_id, "data": {"id": "or_1", "number": 1001, "previous_status": None}}


def run_queue(services, clock, rounds=20):
    """Deliver queued attempt messages in order, moving the clock by each delay."""
    queue = services.webhooks._pipeline._queue
    for _ in range(rounds):
        sent = queue.take()
        if not sent:
            return
        for message, delay in sent:
            clock.advance(delay)
            services.webhooks.handle_attempt(message)


def create(services, store_id="st_1", events=("order.created",), url=URL, key=None):
    body, _ = services.webhooks.create(store_id, {"url": url, "events": list(events)}, key)
    return body


def deliveries(services, store_id, webhook_id):
    return services.webhooks.deliveries(store_id, webhook_id, {})[0]


def test_create_shows_the_secret_once(world):
    services, _, _ = world
    created = create(services)
    assert created["secret"].startswith("whsec_") and created["enabled"] is True
    assert "secret" not in services.webhooks.get("st_1", created["id"])
    assert all("secret" not in item for item in services.webhooks.list("st_1"))


def test_validation_names_the_fields(world):
    services, _, _ = world
    with pytest.raises(ValidationFailed) as caught:
        services.webhooks.create("st_1", {"url": "http://hooks.example.dz/", "events": []})
    assert set(caught.value.fields) == {"url", "events"}
    with pytest.raises(ValidationFailed) as caught:
        services.webhooks.create("st_1", {"url": "https://intranet.example.dz/",
                                          "events": ["order.created", "order.exploded"]})
    assert set(caught.value.fields) == {"url", "events[1]"}


def test_an_eleventh_endpoint_is_refused(world):
    services, _, _ = world
    for _ in range(10):
        create(services)
    with pytest.raises(WebhookLimitReached):
        create(services)
    assert len(services.webhooks.list("st_1")) == 10


def test_idempotency_key_replays_and_refuses_another_body(world):
    services, _, _ = world
    first, replayed = services.webhooks.create("st_1", {"url": URL, "events": ["order.created"]}, "k1")
    again, replayed_again = services.webhooks.create("st_1", {"url": URL, "events": ["order.created"]}, "k1")
    assert (replayed, replayed_again) == (False, True)
    assert again["id"] == first["id"] and again["secret"] == first["secret"]
    with pytest.raises(IdempotencyKeyReused):
        services.webhooks.create("st_1", {"url": URL, "events": ["order.shipped"]}, "k1")
    assert len(services.webhooks.list("st_1")) == 1


def test_fan_out_reaches_enabled_subscribed_endpoints_of_the_store_only(world):
    services, clock, sender = world
    wanted = create(services)
    create(services, events=("order.shipped",))
    disabled = create(services)
    services.webhooks.update("st_1", disabled["id"], {"enabled": False})
    create(services, store_id="st_2")
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    assert len(sender.requests) == 1
    request = sender.requests[0]
    assert request["headers"]["webhook-id"] == "evt_1"
    # Signed over id.timestamp.body with this endpoint's secret (the timestamp is
    # the fake clock's, so compare signatures rather than verify against now).
    stamp = datetime.fromtimestamp(int(request["headers"]["webhook-timestamp"]), timezone.utc)
    assert stamp == START
    assert request["headers"]["webhook-signature"] == Webhook(wanted["secret"]).sign(
        "evt_1", stamp, request["body"])
    assert '"type":"order.created"' in request["body"]
    [delivery] = deliveries(services, "st_1", wanted["id"])
    assert delivery["state"] == "succeeded" and delivery["attempts"][0]["status_code"] == 200


def test_a_redelivered_event_makes_one_delivery_and_one_request(world):
    services, clock, sender = world
    endpoint = create(services)
    services.webhooks.handle_event(event("st_1"))
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    assert len(sender.requests) == 1
    assert len(deliveries(services, "st_1", endpoint["id"])) == 1


def test_a_lost_queue_send_is_repaired_when_the_event_comes_back(world):
    services, clock, sender = world
    create(services)
    services.webhooks.handle_event(event("st_1"))
    services.webhooks._pipeline._queue.take()    # the worker died before the message left
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    assert len(sender.requests) == 1


def test_a_duplicate_attempt_message_sends_nothing_twice(world):
    services, clock, sender = world
    create(services)
    services.webhooks.handle_event(event("st_1"))
    [(message, _)] = services.webhooks._pipeline._queue.take()
    services.webhooks.handle_attempt(message)
    services.webhooks.handle_attempt(message)
    assert len(sender.requests) == 1


def test_retries_follow_the_schedule_with_the_same_webhook_id(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(500, 3), SendResult(None, 10000, error="timed out", transient=True),
                      SendResult(429, 3), SendResult(200, 3)]
    services.webhooks.handle_event(event("st_1"))
    queue = services.webhooks._pipeline._queue
    delays, hops = [], 0
    for _ in range(6):
        sent = queue.take()
        if not sent:
            break
        [(message, delay)] = sent
        delays.append(delay)
        hops += "not_before" in message
        clock.advance(delay)
        services.webhooks.handle_attempt(message)
    # 30 minutes is longer than SQS can delay: the message hops once through the queue.
    assert delays == [0, 60, 300, 900, 900] and hops == 1
    assert {r["headers"]["webhook-id"] for r in sender.requests} == {"evt_1"}
    assert len({r["headers"]["webhook-timestamp"] for r in sender.requests}) == 4
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["state"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, None, 429, 200]
    assert delivery["attempts"][1]["error"] == "timed out"
    times = [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in delivery["attempts"]]
    assert [(b - a).total_seconds() for a, b in zip(times, times[1:])] == [60, 300, 1800]


def test_a_4xx_is_not_retried_and_counts_as_dead(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(404, 3)]
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    assert len(sender.requests) == 1
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    assert services.webhooks.get("st_1", endpoint["id"])["consecutive_dead"] == 1


def test_five_dead_deliveries_disable_the_endpoint_and_enable_resets_it(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(503, 3)]
    for n in range(DEAD_TO_DISABLE):
        services.webhooks.handle_event(event("st_1", event_id=f"evt_{n}"))
        run_queue(services, clock)
    assert len(sender.requests) == DEAD_TO_DISABLE * 4
    states = {d["state"] for d in deliveries(services, "st_1", endpoint["id"])}
    assert states == {"dead"}
    shown = services.webhooks.get("st_1", endpoint["id"])
    assert (shown["enabled"], shown["disabled_reason"], shown["consecutive_dead"]) == \
        (False, "consecutive_dead", 5)
    services.webhooks.handle_event(event("st_1", event_id="evt_after"))
    run_queue(services, clock)
    assert len(sender.requests) == DEAD_TO_DISABLE * 4       # disabled: nothing new
    enabled = services.webhooks.enable("st_1", endpoint["id"])
    assert (enabled["enabled"], enabled["consecutive_dead"], enabled["disabled_reason"]) == (True, 0, None)


def test_a_success_resets_the_dead_counter(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(400, 3), SendResult(400, 3), SendResult(200, 3)]
    for n in range(3):
        services.webhooks.handle_event(event("st_1", event_id=f"evt_{n}"))
        run_queue(services, clock)
        if n == 1:
            assert services.webhooks.get("st_1", endpoint["id"])["consecutive_dead"] == 2
    assert services.webhooks.get("st_1", endpoint["id"])["consecutive_dead"] == 0


def test_rotation_signs_with_both_secrets_for_a_day(world):
    services, clock, sender = world
    endpoint = create(services)
    rotated = services.webhooks.rotate_secret("st_1", endpoint["id"])
    assert rotated["secret"] != endpoint["secret"]
    assert rotated["previous_secret_expires_at"] == "2026-11-26T09:30:00.000Z"
    services.webhooks.handle_event(event("st_1", event_id="evt_a"))
    run_queue(services, clock)
    assert len(sender.requests[-1]["headers"]["webhook-signature"].split(" ")) == 2
    clock.advance(24 * 3600 + 1)
    services.webhooks.handle_event(event("st_1", event_id="evt_b"))
    run_queue(services, clock)
    assert len(sender.requests[-1]["headers"]["webhook-signature"].split(" ")) == 1
    assert services.webhooks.get("st_1", endpoint["id"])["previous_secret_expires_at"] is None


def test_a_url_that_now_resolves_privately_is_refused_at_delivery(world):
    services, clock, sender = world
    endpoint = create(services, url="https://other.example.dz/in")
    NAMES["other.example.dz"] = ["10.9.9.9"]
    try:
        services.webhooks.handle_event(event("st_1"))
        run_queue(services, clock)
    finally:
        NAMES["other.example.dz"] = ["151.101.1.69"]
    assert sender.requests == []
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["state"] == "failed" and "refused" in delivery["attempts"][0]["error"]


def test_test_ping_answers_with_the_attempt_and_is_logged(world):
    services, _, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(418, 7, response_excerpt="teapot")]
    result = services.webhooks.test("st_1", endpoint["id"])
    assert (result["succeeded"], result["status_code"], result["duration_ms"]) == (False, 418, 7)
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["event_type"] == "webhook.test" and delivery["state"] == "failed"
    assert services.webhooks.get("st_1", endpoint["id"])["consecutive_dead"] == 0


def test_redeliver_starts_a_new_cycle_with_the_same_webhook_id(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(400, 3), SendResult(200, 3)]
    services.webhooks.handle_event(event("st_1"))
    run_queue(services, clock)
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    with pytest.raises(NotFound):
        services.webhooks.redeliver("st_2", delivery["id"])
    restarted = services.webhooks.redeliver("st_1", delivery["id"])
    assert restarted["state"] == "pending"
    # Asked again before its attempt: accepted, and still one attempt.
    services.webhooks.redeliver("st_1", delivery["id"])
    run_queue(services, clock)
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["state"] == "succeeded"
    assert [a["number"] for a in delivery["attempts"]] == [1, 2]
    assert [r["headers"]["webhook-id"] for r in sender.requests] == ["evt_1", "evt_1"]


def test_a_delivery_still_retrying_cannot_be_redelivered(world):
    services, clock, sender = world
    endpoint = create(services)
    sender.answers = [SendResult(500, 3)]
    services.webhooks.handle_event(event("st_1"))
    [(message, _)] = services.webhooks._pipeline._queue.take()
    services.webhooks.handle_attempt(message)
    [delivery] = deliveries(services, "st_1", endpoint["id"])
    assert delivery["state"] == "retrying" and delivery["next_attempt_at"] == "2026-11-25T09:31:00.000Z"
    with pytest.raises(DeliveryInProgress):
        services.webhooks.redeliver("st_1", delivery["id"])


def test_another_stores_endpoint_is_not_found(world):
    services, _, _ = world
    endpoint = create(services)
    for call in (lambda: services.webhooks.get("st_2", endpoint["id"]),
                 lambda: services.webhooks.update("st_2", endpoint["id"], {"description": "x"}),
                 lambda: services.webhooks.delete("st_2", endpoint["id"]),
                 lambda: services.webhooks.rotate_secret("st_2", endpoint["id"]),
                 lambda: services.webhooks.test("st_2", endpoint["id"]),
                 lambda: services.webhooks.deliveries("st_2", endpoint["id"], {}),
                 lambda: services.webhooks.redeliver("st_1", "whd_nonsense")):
        with pytest.raises(NotFound):
            call()


def test_deliveries_page_newest_first(world):
    services, clock, _ = world
    endpoint = create(services)
    for n in range(5):
        message = event("st_1", event_id=f"evt_{n}")
        message["at"] = f"2026-11-25T09:3{n}:00.000Z"
        services.webhooks.handle_event(message)
    run_queue(services, clock)
    first, cursor = services.webhooks.deliveries("st_1", endpoint["id"], {"limit": "3"})
    second, end = services.webhooks.deliveries("st_1", endpoint["id"], {"limit": "3", "cursor": cursor})
    assert [d["event_id"] for d in first + second] == [f"evt_{n}" for n in (4, 3, 2, 1, 0)]
    assert end is None
