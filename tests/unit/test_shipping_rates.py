import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.shipping import rates


def test_defaults_cover_every_wilaya_and_follow_distance():
    all_rates = rates.merged_rates({})
    assert [r.wilaya for r in all_rates] == list(range(1, 70))
    assert all(r.enabled and r.home > 0 and r.stop_desk for r in all_rates)
    by_code = {r.wilaya: r for r in all_rates}
    assert by_code[16].home < by_code[31].home < by_code[3].home < by_code[11].home


def test_overrides_apply_per_member():
    merged = {r.wilaya: r for r in rates.merged_rates({16: {"home": 350}, 11: {"enabled": False}})}
    assert merged[16].home == 350 and merged[16].stop_desk == rates.default_rate(16).stop_desk
    assert merged[11].enabled is False


def test_parse_update():
    assert rates.parse_rates_update({"rates": [
        {"wilaya": 16, "home": 500, "stop_desk": None}, {"wilaya": 1, "enabled": False}]}) == {
        16: {"home": 500, "stop_desk": None}, 1: {"enabled": False}}


@pytest.mark.parametrize("body,field", [
    ({}, "rates"),
    ({"rates": []}, "rates"),
    ({"rates": "all"}, "rates"),
    ({"rates": [{"wilaya": 0, "home": 1}]}, "rates[0].wilaya"),
    ({"rates": [{"wilaya": 70, "home": 1}]}, "rates[0].wilaya"),
    ({"rates": [{"wilaya": "16", "home": 1}]}, "rates[0].wilaya"),
    ({"rates": [{"wilaya": 16, "home": -1}]}, "rates[0].home"),
    ({"rates": [{"wilaya": 16, "home": 12.5}]}, "rates[0].home"),
    ({"rates": [{"wilaya": 16, "home": True}]}, "rates[0].home"),
    ({"rates": [{"wilaya": 16, "home": None}]}, "rates[0].home"),
    ({"rates": [{"wilaya": 16, "stop_desk": 100001}]}, "rates[0].stop_desk"),
    ({"rates": [{"wilaya": 16, "enabled": "yes"}]}, "rates[0].enabled"),
    ({"rates": [{"wilaya": 16}]}, "rates[0]"),
    ({"rates": [{"wilaya": 16, "home": 1}, {"wilaya": 16, "home": 2}]}, "rates[1].wilaya"),
    ({"rates": [7]}, "rates[0]"),
])
def test_bad_updates_name_the_field(body, field):
    with pytest.raises(ValidationFailed) as caught:
        rates.parse_rates_update(body)
    assert field in caught.value.fields


def test_quote():
    rate = rates.DeliveryRate(wilaya=16, home=400, stop_desk=None)
    assert rates.quote(rate, "home") == 400
    with pytest.raises(ValidationFailed) as caught:
        rates.quote(rate, "stop_desk")
    assert "shipping.delivery_type" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        rates.quote(rates.DeliveryRate(16, 400, 300, enabled=False), "home")
    assert "shipping.wilaya" in caught.value.fields
