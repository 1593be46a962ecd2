from chalicelib.events.model import Change, derive_events
from chalicelib.notifications.email import welcome_email


def store_insert(event_id="ev-1", kind="INSERT"):
    image = {"item_type": "store", "store_id": "st_1", "slug": "amina", "name": "متجر أمينة",
             "owner_email": "amina@example.dz"}
    return Change(event_id=event_id, kind=kind, at="2026-11-25T10:00:00.000Z",
                  new=image, old=None if kind == "INSERT" else image)


def test_a_new_store_is_a_store_created_event_keyed_by_the_stream_record():
    [event] = derive_events([store_insert()])
    assert (event.id, event.type, event.store_id) == ("ev-1", "store.created", "st_1")
    assert event.data["owner_email"] == "amina@example.dz"


def test_store_updates_and_other_items_mean_nothing_yet():
    token = Change(event_id="ev-2", kind="INSERT", at="x", new={"item_type": "token"}, old=None)
    untyped = Change(event_id="ev-3", kind="INSERT", at="x", new={"pk": "X"}, old=None)
    assert derive_events([store_insert(kind="MODIFY"), token, untyped]) == []


def test_welcome_email_is_bilingual_and_links_the_store():
    email = welcome_email({"owner_email": "a@example.dz", "name": "Amina", "slug": "amina"},
                          "http://127.0.0.1:8000/app/", "http://127.0.0.1:8000")
    assert email.to == "a@example.dz"
    assert "http://127.0.0.1:8000/v1/stores/amina" in email.text
    assert "مرحبا" in email.text and "Bienvenue" in email.subject


def test_no_owner_no_email():
    assert welcome_email({"name": "x"}, "d", "a") is None


def order_change(kind, old_status, new_status, event_id="ev-9"):
    image = lambda status: {"item_type": "order", "store_id": "st_1", "order_id": "or_1",
                            "number": 1001, "status": status}
    return Change(event_id=event_id, kind=kind, at="2026-11-25T10:00:00.000Z",
                  new=image(new_status), old=image(old_status) if old_status else None)


def test_order_events_follow_status_changes_only():
    created, confirmed, noted = derive_events([
        order_change("INSERT", None, "pending", "e1"), order_change("MODIFY", "pending", "confirmed", "e2"),
        order_change("MODIFY", "confirmed", "confirmed", "e3")]) + [None]
    assert (created.type, created.data["previous_status"]) == ("order.created", None)
    assert (confirmed.type, confirmed.data["previous_status"]) == ("order.confirmed", "pending")
    assert noted is None


def test_stream_images_with_empty_maps_at_any_depth_are_read():
    from chalicelib.workers.events import _image
    raw = {"options": {}, "lines": {"L": [{"M": {"options": {}, "quantity": {"N": "2"}}}]},
           "name": {"S": "Robe"}}
    assert _image(raw) == {"options": {}, "lines": [{"options": {}, "quantity": 2}], "name": "Robe"}


def endpoint_change(old_enabled, new_enabled, reason, event_id="ev-w"):
    image = lambda enabled, why: {"item_type": "webhook_endpoint", "store_id": "st_1",
                                  "endpoint_id": "wh_1", "url": "https://hooks.example.dz/x",
                                  "enabled": enabled, "disabled_reason": why,
                                  "consecutive_dead": 5 if why else 0}
    return Change(event_id=event_id, kind="MODIFY", at="2026-11-25T10:00:00.000Z",
                  new=image(new_enabled, reason), old=image(old_enabled, None))


def test_only_a_disable_by_dead_deliveries_is_a_webhook_disabled_event():
    [event] = derive_events([endpoint_change(True, False, "consecutive_dead")])
    assert (event.id, event.type, event.store_id) == ("ev-w", "webhook.disabled", "st_1")
    assert (event.data["id"], event.data["consecutive_dead"]) == ("wh_1", 5)
    assert derive_events([endpoint_change(True, False, "merchant"),
                          endpoint_change(False, False, "consecutive_dead"),
                          endpoint_change(True, True, None)]) == []
