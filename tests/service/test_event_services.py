from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.events.model import Change


def build():
    return bootstrap.build(Settings(scrypt_n=1024), store_kind="memory")


def change(event_id):
    return Change(event_id=event_id, kind="INSERT", at="2026-11-25T10:00:00.000Z", old=None,
                  new={"item_type": "store", "store_id": "st_9", "slug": "s9", "name": "S9",
                       "owner_email": "s9@example.dz"})


def test_router_publishes_derived_events():
    services = build()
    assert services.event_router.publish_changes([change("e1"), change("e2")]) == 2
    assert [e.id for e in services.event_publisher.published] == ["e1", "e2"]


def test_mailer_sends_once_per_event_id():
    services = build()
    message = {"id": "e1", "type": "store.created", "store_id": "st_9",
               "data": {"owner_email": "s9@example.dz", "name": "S9", "slug": "s9"}}
    assert services.mailer.handle(message) is True
    assert services.mailer.handle(message) is False
    assert [email.to for email in services.email_sender.sent] == ["s9@example.dz"]


def test_mailer_ignores_what_it_does_not_handle():
    services = build()
    assert services.mailer.handle({"id": "e2", "type": "order.created"}) is False
    assert services.mailer.handle({"type": "store.created"}) is False
    assert services.email_sender.sent == []
