"""Notification ids name their feed position; read bodies; the read rule."""
from datetime import datetime, timezone

from chalicelib.bell.model import (Notification, is_read, notification_id, position_for_id,
                                   position_of)

AT = datetime(2026, 12, 2, 10, 0, 3, 250000, tzinfo=timezone.utc)


def test_an_id_comes_from_the_event_and_gives_back_its_position():
    first = notification_id("ev-123", AT)
    assert first == notification_id("ev-123", AT)
    assert first != notification_id("ev-124", AT)
    assert position_for_id(first) == position_of(AT, first) == f"2026-12-02T10:00:03.250Z#{first}"


def test_foreign_ids_have_no_position():
    for value in ("", "nope", "ntf_20261302T100003250Z_" + "0" * 20, 7, None,
                  "ntf_20261202T100003250Z_" + "0" * 19):
        assert position_for_id(value) is None


def test_read_by_flag_or_under_the_watermark():
    item = Notification(id=notification_id("e", AT), store_id="st", type="order.created",
                        title="t", body="b", url="u", order_id=None, sound=False, created_at=AT)
    assert not is_read(item, None)
    assert is_read(item, item.position) and not is_read(item, "2026-12-02T10:00:03.249Z")
    assert is_read(Notification(**{**item.__dict__, "read": True}), None)
