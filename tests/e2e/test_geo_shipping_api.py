"""Geography and delivery rates over HTTP."""
import pytest


def test_wilayas(api):
    response = api.get("/v1/wilayas")
    assert response.status_code == 200 and "max-age" in response.headers["Cache-Control"]
    items = response.json()["items"]
    assert len(items) == 69 and items[15]["code"] == 16 and items[15]["name_ar"] == "الجزائر"


def test_communes_of_a_new_wilaya_carry_their_courier_wilaya(api):
    items = api.get("/v1/wilayas/59/communes").json()["items"]
    aflou = next(c for c in items if c["code"] == "0319")
    assert aflou == {"code": "0319", "wilaya": 59, "name_fr": "Aflou", "name_ar": "أفلو",
                     "names": {"fr": "Aflou", "ar": "أفلو"}, "former_wilaya": 3,
                     "courier_wilaya": 3}
    assert len(api.get("/v1/wilayas/016/communes").json()["items"]) == 57


@pytest.mark.parametrize("code", ["0", "70", "abc", "1.5"])
def test_unknown_wilaya_is_404(api, code):
    response = api.get(f"/v1/wilayas/{code}/communes")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_rates_default_then_change(api, merchant):
    rates = api.get("/v1/shipping/rates", headers=merchant.headers).json()["rates"]
    assert len(rates) == 69 and all(r["enabled"] for r in rates)
    response = api.put("/v1/shipping/rates", headers=merchant.headers, json={"rates": [
        {"wilaya": 16, "home": 350, "stop_desk": 250}, {"wilaya": 11, "enabled": False}]})
    assert response.status_code == 200, response.text
    by_code = {r["wilaya"]: r for r in response.json()["rates"]}
    assert (by_code[16]["home"], by_code[16]["stop_desk"], by_code[11]["enabled"]) == (350, 250, False)
    public = api.get(f"/v1/stores/{merchant.store['slug']}/shipping").json()["items"]
    public_by_code = {w["code"]: w for w in public}
    assert public_by_code[16]["home"] == 350 and public_by_code[11]["enabled"] is False
    assert public_by_code[16]["name_fr"] == "Alger"


def test_rates_are_per_store(api, merchant, other_merchant):
    api.put("/v1/shipping/rates", headers=merchant.headers,
            json={"rates": [{"wilaya": 31, "home": 999}]})
    theirs = api.get("/v1/shipping/rates", headers=other_merchant.headers).json()["rates"]
    assert next(r for r in theirs if r["wilaya"] == 31)["home"] != 999


def test_bad_rates_are_422_naming_the_field(api, merchant):
    response = api.put("/v1/shipping/rates", headers=merchant.headers,
                       json={"rates": [{"wilaya": 16, "home": "cheap"}]})
    assert response.status_code == 422
    assert "rates[0].home" in response.json()["error"]["fields"]


def test_rates_need_a_merchant(api):
    assert api.get("/v1/shipping/rates").status_code == 401


def test_unknown_store_shipping_is_404(api):
    assert api.get("/v1/stores/nobody-here-x/shipping").status_code == 404
