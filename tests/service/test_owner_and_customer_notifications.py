"""The owner's email and the customer's SMS, on in-memory fakes."""
from chalicelib import bootstrap
from chalicelib.config import Settings

ORDER_BODY = {"customer": {"name": "Yacine", "phone": "0661 22 33 44"},
              "shipping": {"wilaya": 16, "commune": "1605", "address": "Rue 1",
                           "delivery_type": "home"}}


def setup(languages=("fr", "ar"), **notifications):
    services = bootstrap.build(Settings(scrypt_n=1024, dashboard_url="http://dash/app/"),
                               store_kind="memory")
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
    return services, store_id, order


def event(event_type, order, event_id="ev_1", store_id=None, **extra):
    return {"id": event_id, "type": event_type, "at": "2026-12-02T10:00:00.000Z",
            "store_id": store_id, "data": {**order, "previous_status": None, **extra}}


def test_new_order_emails_the_owner_once_in_the_store_language():
    services, store_id, order = setup(languages=("ar", "fr"))
    message = event("order.created", order, store_id=store_id)
    assert services.mailer.handle(message) is True
    assert services.mailer.handle(message) is False      # redelivered: nothing more
    [email] = services.email_sender.sent
    assert email.to == "owner@example.dz"
    assert email.subject == f"طلب جديد رقم {order['number']} — Lina"
    assert 'dir="rtl"' in email.html and f"http://dash/app/orders/{order['id']}" in email.text


def test_events_the_settings_leave_out_send_no_email():
    services, store_id, order = setup()
    assert services.mailer.handle(event("order.confirmed", order, store_id=store_id)) is False
    services.accounts.update_store(store_id, {"notifications": {"email": []}})
    assert services.mailer.handle(event("order.created", order, "ev_2", store_id)) is False
    assert services.email_sender.sent == []


def test_a_patch_of_one_channel_keeps_the_others():
    services, store_id, _ = setup()
    services.accounts.update_store(store_id, {"notifications": {"email": ["order.cancelled"]}})
    shown = services.accounts.serialize_store(services.accounts.get_store(store_id))
    assert shown["notifications"]["email"] == ["order.cancelled"]
    assert shown["notifications"]["push"] == ["order.created"]
    assert shown["notifications"]["sms"] == ["shipment.created"]


def test_a_disabled_webhook_is_always_emailed():
    services, store_id, _ = setup(email=[])
    assert services.mailer.handle({"id": "ev_9", "type": "webhook.disabled", "store_id": store_id,
                                   "data": {"id": "wh_1", "url": "https://h.example.dz/x",
                                            "consecutive_dead": 5}}) is True
    assert "https://h.example.dz/x" in services.email_sender.sent[0].text


def test_an_unknown_store_gets_nothing():
    services, _, order = setup()
    assert services.mailer.handle(event("order.created", order, store_id="st_gone")) is False


def test_confirmation_sms_only_when_the_store_asks_and_noted_on_the_timeline():
    services, store_id, order = setup()
    assert services.customer_texter.handle(event("order.confirmed", order, store_id=store_id)) is False
    services.accounts.update_store(store_id, {"notifications": {"sms": ["order.confirmed"]}})
    message = event("order.confirmed", order, "ev_2", store_id)
    assert services.customer_texter.handle(message) is True
    assert services.customer_texter.handle(message) is False
    [sms] = services.sms_sender.sent
    assert sms.phone == "+213661223344" and f"n° {order['number']}" in sms.text
    _, timeline = services.orders.order(store_id, order["id"])
    sent = [entry for entry in timeline if entry.event == "notification_sent"]
    assert [(e.actor.type, e.data["channel"], e.data["about"]) for e in sent] == [
        ("system", "sms", "order.confirmed")]


def test_shipment_sms_by_default():
    services, store_id, order = setup()
    assert services.customer_texter.handle(event(
        "shipment.created", order, store_id=store_id,
        shipment={"courier": "yalidine", "courier_name": "Yalidine",
                  "tracking_number": "yal-1"})) is True
    assert "yal-1" in services.sms_sender.sent[0].text
