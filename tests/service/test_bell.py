"""The bell on in-memory fakes: one item per event, the unread count, read ids/all,
the store's settings, live posts and pruning of gone dashboards."""
import json

import pytest

from chalicelib import bootstrap
from chalicelib.bell.realtime_apigw import MemoryRealtimeSender
from chalicelib.config import Settings
from chalicelib.errors import ValidationFailed

ORDER_BODY = {"customer": {"name": "Yacine", "phone": "0661 22 33 44"},
              "shipping": {"wilaya": 16, "commune": "1605", "address": "Rue 1",
                           "delivery_type": "home"}}


def setup(languages=("fr", "ar"), **notifications):
    sender = MemoryRealtimeSender()
    services = bootstrap.build(Settings(scrypt_n=1024, dashboard_url="http://dash/app/"),
                               store_kind="memory", realtime_sender=sender)
    signed = services.accounts.signup({"email": "owner@example.dz", "password": "sel-et-poivre-2026",
                                       "store": {"name": "Lina", "slug": "lina"}})
    store_id = signed["store"]["id"]
    changes = {"languages": list(languages)}
    if notifications:
        changes["notifications"] = notifications
    services.accounts.update_store(store_id, changes)
    product = services.catalog.create_product(store_id, {"name": "Robe", "price": 3000,
                                                         "variants": [{"options": {}, "stock": 5}]})
    order, _ = services.orders.place_order("lina", {**ORDER_BODY, "items": [
        {"product_id": product.id, "variant_id": product.variants[0].id, "quantity": 1}]}, None)
    return services, sender, store_id, signed["token"], order


def event(event_type, order, event_id, store_id, at="2026-12-02T10:00:00.000Z", **extra):
    return {"id": event_id, "type": event_type, "at": at, "store_id": store_id,
            "data": {**order, "previous_status": None, **extra}}


def no_cursor(cursor):
    raise AssertionError("no cursor expected")


def feed(services, store_id, limit=50, after=None):
    return services.bell.feed(store_id, limit, after, no_cursor)


def test_a_new_order_is_one_item_with_its_text_and_sound():
    services, _, store_id, _, order = setup()
    message = event("order.created", order, "ev_1", store_id)
    assert services.bell.handle(message) is not None
    assert services.bell.handle(message) is None        # redelivered: nothing more
    page = feed(services, store_id)
    [item] = page["items"]
    assert page["unread_count"] == 1 and page["next_position"] is None
    assert item == {"id": item["id"], "type": "order.created",
                    "title": f"Nouvelle commande n° {order['number']}",
                    "body": item["body"], "url": f"http://dash/app/orders/{order['id']}",
                    "order_id": order["id"], "read": False, "sound": True,
                    "created_at": "2026-12-02T10:00:00.000Z"}
    assert "Yacine" in item["body"]


def test_the_store_language_is_used():
    services, _, store_id, _, order = setup(languages=("ar",))
    services.bell.handle(event("order.created", order, "ev_1", store_id))
    assert feed(services, store_id)["items"][0]["title"] == f"طلب جديد رقم {order['number']}"


def test_settings_choose_bell_and_sound():
    services, _, store_id, _, order = setup()
    # order.confirmed is not in the default bell list.
    assert services.bell.handle(event("order.confirmed", order, "ev_1", store_id)) is None
    services.accounts.update_store(store_id, {"notifications": {"bell": ["order.confirmed"],
                                                                "sound": []}})
    assert services.bell.handle(event("order.created", order, "ev_2", store_id)) is None
    services.bell.handle(event("order.confirmed", order, "ev_3", store_id))
    [item] = feed(services, store_id)["items"]
    assert (item["type"], item["sound"]) == ("order.confirmed", False)


def test_a_disabled_webhook_is_always_in_the_bell():
    services, _, store_id, _, _ = setup(bell=[], sound=[])
    services.bell.handle({"id": "ev_w", "type": "webhook.disabled", "store_id": store_id,
                          "at": "2026-12-02T10:00:00.000Z",
                          "data": {"url": "https://hooks.example.dz/x", "consecutive_dead": 5}})
    [item] = feed(services, store_id)["items"]
    assert item["type"] == "webhook.disabled" and item["order_id"] is None
    assert "https://hooks.example.dz/x" in item["body"]


def test_other_events_and_unknown_stores_are_ignored():
    services, _, store_id, _, order = setup()
    assert services.bell.handle({"id": "ev_s", "type": "store.created", "store_id": store_id,
                                 "at": "2026-12-02T10:00:00.000Z", "data": {}}) is None
    assert services.bell.handle(event("order.created", order, "ev_x", "st_nope")) is None
    assert feed(services, store_id)["items"] == []


def test_pages_newest_first_and_after_a_time():
    services, _, store_id, _, order = setup()
    for n in range(5):
        services.bell.handle(event("order.created", order, f"ev_{n}", store_id,
                                   at=f"2026-12-02T10:00:0{n}.000Z"))
    first = services.bell.feed(store_id, 2, None, no_cursor)
    assert [i["created_at"][-7:] for i in first["items"]] == ["04.000Z", "03.000Z"]
    rest = services.bell.feed(store_id, 10, "x", lambda cursor: first["next_position"])
    assert [i["created_at"][-7:] for i in rest["items"]] == ["02.000Z", "01.000Z", "00.000Z"]
    before = feed(services, store_id, after="2026-12-02T10:00:02.000Z")
    assert [i["created_at"][-7:] for i in before["items"]] == ["01.000Z", "00.000Z"]
    with pytest.raises(ValidationFailed) as raised:
        feed(services, store_id, after="2026-13-45")
    assert "after" in raised.value.fields


def test_mark_read_by_id_is_counted_once_and_ignores_unknowns():
    services, _, store_id, _, order = setup()
    for n in range(3):
        services.bell.handle(event("order.created", order, f"ev_{n}", store_id,
                                   at=f"2026-12-02T10:00:0{n}.000Z"))
    ids = [i["id"] for i in feed(services, store_id)["items"]]
    assert services.bell.mark_read(store_id, {"ids": [ids[0], ids[0], "nope"]}) == {"unread_count": 2}
    assert services.bell.mark_read(store_id, {"ids": [ids[0]]}) == {"unread_count": 2}
    assert [i["read"] for i in feed(services, store_id)["items"]] == [True, False, False]


def test_mark_all_then_new_ones_stay_unread_and_late_old_ones_arrive_read():
    services, _, store_id, _, order = setup()
    for n in range(3):
        services.bell.handle(event("order.created", order, f"ev_{n}", store_id,
                                   at=f"2026-12-02T10:00:0{n}.000Z"))
    assert services.bell.mark_read(store_id, {"all": True}) == {"unread_count": 0}
    services.bell.handle(event("order.created", order, "ev_new", store_id,
                               at="2026-12-02T10:00:09.000Z"))
    # An older event that reaches the queue late: covered by "all", so already read.
    services.bell.handle(event("order.created", order, "ev_late", store_id,
                               at="2026-12-02T10:00:01.500Z"))
    page = feed(services, store_id)
    assert page["unread_count"] == 1
    assert [i["read"] for i in page["items"]] == [False, True, True, True, True]
    newest = page["items"][0]["id"]
    # Reading one already covered by "all" does not count it twice.
    assert services.bell.mark_read(store_id, {"ids": [page["items"][2]["id"]]}) == {"unread_count": 1}
    assert services.bell.mark_read(store_id, {"ids": [newest]}) == {"unread_count": 0}


@pytest.mark.parametrize("body,field", [
    ({}, "ids"), ({"ids": ["a"], "all": True}, "ids"), ({"ids": "a"}, "ids"),
    ({"ids": [1]}, "ids"), ({"ids": ["x"] * 101}, "ids"), ({"all": False}, "all"),
])
def test_bad_read_bodies_name_the_field(body, field):
    services, _, store_id, _, _ = setup()
    with pytest.raises(ValidationFailed) as raised:
        services.bell.mark_read(store_id, body)
    assert field in raised.value.fields


def test_a_new_item_is_posted_to_each_open_dashboard_once():
    services, sender, store_id, token, order = setup()
    assert services.bell.connect(token, "c1") == 200
    assert services.bell.connect(token, "c2") == 200
    message = event("order.created", order, "ev_1", store_id)
    services.bell.handle(message)
    services.bell.handle(message)
    assert sorted(cid for cid, _ in sender.posted) == ["c1", "c2"]
    posted = json.loads(sender.posted[0][1])
    assert posted == {"type": "notification", "item": feed(services, store_id)["items"][0]}


def test_a_gone_dashboard_is_pruned_and_a_failing_one_does_not_fail_the_event():
    services, sender, store_id, token, order = setup()
    for connection_id in ("live", "gone", "busy"):
        services.bell.connect(token, connection_id)
    sender.gone.add("gone")
    sender.failing.add("busy")
    assert services.bell.handle(event("order.created", order, "ev_1", store_id)) is not None
    assert [cid for cid, _ in sender.posted] == ["live"]
    services.bell.handle(event("order.created", order, "ev_2", store_id,
                               at="2026-12-02T10:00:05.000Z"))
    # "gone" was forgotten: not tried again; "busy" stays (it may recover).
    assert [cid for cid, _ in sender.posted] == ["live", "live"]
    assert services.bell.disconnect("gone") is None


def test_connect_needs_a_session_token():
    services, _, store_id, token, _ = setup()
    assert services.bell.connect(None, "c1") == 401
    assert services.bell.connect("not-a-token", "c2") == 401
    key = services.accounts.create_api_key(store_id, "ac_1", {"name": "ERP"})["key"]
    assert services.bell.connect(key, "c3") == 403
    assert services.bell.connect(token, "c4") == 200


def test_ping_answers_pong_to_known_connections_only():
    services, sender, _, token, _ = setup()
    services.bell.connect(token, "c1")
    services.bell.on_message("c1", json.dumps({"type": "ping"}))
    services.bell.on_message("c1", "hello")
    services.bell.on_message("unknown", "ping")
    assert [(cid, json.loads(data)) for cid, data in sender.posted] == [("c1", {"type": "pong"})]
