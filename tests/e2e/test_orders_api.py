"""Orders over HTTP: checkout, the lifecycle with timeline and stock, isolation."""
import uuid

import pytest


def product(api, merchant, stock=5, price=2500, **extra):
    body = {"name": "Jebba", "price": price, "stock": stock}
    body.update(extra)
    created = api.post("/v1/products", headers=merchant.headers, json=body)
    assert created.status_code == 201, created.text
    return created.json()


def checkout(api, merchant, item, quantity=2, **changes):
    body = {"customer": {"name": "Amina Benali", "phone": "0555 12 34 56"},
            "shipping": {"wilaya": 16, "commune": "Bab El Oued", "address": "12 rue Larbi Ben M'hidi",
                         "delivery_type": "home"},
            "items": [{"product_id": item["id"], "variant_id": item["variants"][0]["id"],
                       "quantity": quantity}],
            "note": "Appeler après 18h"}
    body.update(changes)
    return api.post(f"/v1/stores/{merchant.store['slug']}/orders", json=body)


def stock_of(api, merchant, item):
    return api.get(f"/v1/products/{item['id']}", headers=merchant.headers).json()["variants"][0]["stock"]


def move(api, merchant, order_id, status, note=None):
    return api.post(f"/v1/orders/{order_id}/status", headers=merchant.headers,
                    json={"status": status, "note": note})


def test_checkout_prices_from_the_store(api, merchant):
    item = product(api, merchant)
    response = checkout(api, merchant, item)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending" and order["number"] == 1001
    assert order["totals"] == {"items": 5000, "delivery": 400, "total": 5400}
    assert order["customer"]["phone"] == "+213555123456"
    assert order["shipping"]["commune"] == "1605"
    # Stock is not touched at checkout.
    assert stock_of(api, merchant, item) == 5
    assert checkout(api, merchant, item).json()["number"] == 1002


def test_the_whole_lifecycle_with_timeline_and_stock(api, merchant):
    item = product(api, merchant)
    order = checkout(api, merchant, item).json()
    assert move(api, merchant, order["id"], "confirmed", "Confirmée au téléphone").status_code == 200
    assert stock_of(api, merchant, item) == 3
    for status in ("processing", "shipped", "delivered", "returned"):
        response = move(api, merchant, order["id"], status)
        assert response.status_code == 200, response.text
    assert stock_of(api, merchant, item) == 3          # returned: not back until restock
    restocked = api.post(f"/v1/orders/{order['id']}/restock", headers=merchant.headers)
    assert restocked.status_code == 200 and stock_of(api, merchant, item) == 5
    again = api.post(f"/v1/orders/{order['id']}/restock", headers=merchant.headers)
    assert again.status_code == 409
    api.post(f"/v1/orders/{order['id']}/notes", headers=merchant.headers, json={"text": "Colis abîmé"})
    full = api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()
    events = [(e["event"], e["from"], e["to"]) for e in full["timeline"]]
    assert events[0] == ("created", None, "pending")
    assert [e[2] for e in events[1:6]] == ["confirmed", "processing", "shipped", "delivered", "returned"]
    assert events[-1][0] == "note_added"
    assert full["timeline"][1]["actor"]["type"] == "merchant"
    assert full["timeline"][1]["note"] == "Confirmée au téléphone"


def test_invalid_move_is_409_naming_allowed(api, merchant):
    order = checkout(api, merchant, product(api, merchant)).json()
    response = move(api, merchant, order["id"], "shipped")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition" and error["allowed"] == ["confirmed", "cancelled"]


def test_confirm_without_stock_is_409_and_changes_nothing(api, merchant):
    item = product(api, merchant, stock=1)
    order = checkout(api, merchant, item, quantity=2).json()
    response = move(api, merchant, order["id"], "confirmed")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    assert response.json()["error"]["variants"] == [item["variants"][0]["id"]]
    assert stock_of(api, merchant, item) == 1
    assert api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["status"] == "pending"


def test_cancel_after_confirm_gives_stock_back(api, merchant):
    item = product(api, merchant)
    order = checkout(api, merchant, item).json()
    move(api, merchant, order["id"], "confirmed")
    assert move(api, merchant, order["id"], "cancelled").status_code == 200
    assert stock_of(api, merchant, item) == 5


def test_customer_view_and_cancel(api, merchant):
    order = checkout(api, merchant, product(api, merchant)).json()
    base = f"/v1/stores/{merchant.store['slug']}/orders/{order['number']}"
    view = api.get(base, params={"phone": "+213 555 12 34 56"})
    assert view.status_code == 200 and view.json()["status"] == "pending"
    assert api.get(base, params={"phone": "0666 00 00 00"}).status_code == 404
    api.post(f"/v1/orders/{order['id']}/notes", headers=merchant.headers, json={"text": "interne"})
    assert all(e["event"] != "note_added" for e in api.get(base, params={"phone": "0555123456"}).json()["timeline"])
    assert api.post(base + "/cancel", json={"phone": "0666000000"}).status_code == 404
    cancelled = api.post(base + "/cancel", json={"phone": "0555123456"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_idempotent_checkout(api, merchant):
    item = product(api, merchant)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"customer": {"name": "Yacine", "phone": "0770 11 22 33"},
            "shipping": {"wilaya": 31, "commune": "Oran", "address": "Hai Es Salam",
                         "delivery_type": "home"},
            "items": [{"product_id": item["id"], "variant_id": item["variants"][0]["id"], "quantity": 1}]}
    path = f"/v1/stores/{merchant.store['slug']}/orders"
    first = api.post(path, json=body, headers=key)
    second = api.post(path, json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert (first.json()["id"], first.json()["number"]) == (second.json()["id"], second.json()["number"])
    body["items"][0]["quantity"] = 2
    third = api.post(path, json=body, headers=key)
    assert third.status_code == 409 and third.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("change,field", [
    ({"customer": {"name": "A", "phone": "0855 12 34 56"}}, "customer.phone"),
    ({"shipping": {"wilaya": 70, "commune": "x", "address": "y", "delivery_type": "home"}}, "shipping.wilaya"),
    ({"shipping": {"wilaya": 16, "commune": "Oran", "address": "y", "delivery_type": "home"}}, "shipping.commune"),
    ({"shipping": {"wilaya": 16, "commune": "1605", "address": "y", "delivery_type": "plane"}}, "shipping.delivery_type"),
    ({"items": []}, "items"),
])
def test_bad_checkout_is_422_naming_the_field(api, merchant, change, field):
    response = checkout(api, merchant, product(api, merchant), **change)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]


def test_unpublished_product_and_zero_quantity(api, merchant):
    hidden = product(api, merchant, published=False)
    assert "items[0].product_id" in checkout(api, merchant, hidden).json()["error"]["fields"]
    assert "items[0].quantity" in checkout(api, merchant, product(api, merchant), quantity=0).json()["error"]["fields"]


def test_lists_filters_and_export(api, merchant):
    item = product(api, merchant, stock=50)
    first = checkout(api, merchant, item).json()
    second = checkout(api, merchant, item, customer={"name": "Karim Haddad", "phone": "0661 23 45 67"}).json()
    move(api, merchant, second["id"], "confirmed")
    listed = api.get("/v1/orders", headers=merchant.headers).json()["items"]
    assert [o["id"] for o in listed] == [second["id"], first["id"]]
    by = lambda **params: [o["id"] for o in api.get("/v1/orders", headers=merchant.headers, params=params).json()["items"]]
    assert by(status="confirmed") == [second["id"]]
    assert by(q="0661234567") == [second["id"]]
    assert by(q="karim") == [second["id"]]
    assert by(q=str(first["number"])) == [first["id"]]
    assert by(wilaya="16") == [second["id"], first["id"]]
    assert by(wilaya="31") == []
    page = api.get("/v1/orders", headers=merchant.headers, params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = api.get("/v1/orders", headers=merchant.headers,
                   params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [o["id"] for o in rest["items"]] == [first["id"]]
    csv = api.get("/v1/orders/export.csv", headers=merchant.headers)
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    assert len(csv.text.strip().splitlines()) == 3


def test_bulk_status_reports_per_order(api, merchant):
    item = product(api, merchant, stock=2)
    ok = checkout(api, merchant, item, quantity=2).json()
    short = checkout(api, merchant, item, quantity=2).json()
    results = api.post("/v1/orders/bulk/status", headers=merchant.headers,
                       json={"order_ids": [ok["id"], short["id"], "or_nope"], "status": "confirmed"}).json()["results"]
    assert [r["ok"] for r in results] == [True, False, False]
    assert results[1]["error"]["code"] == "insufficient_stock"
    assert results[2]["error"]["code"] == "not_found"


def test_another_stores_orders_are_404(api, merchant, other_merchant):
    order = checkout(api, merchant, product(api, merchant)).json()
    for method, path, body in [("get", "", None), ("post", "/status", {"status": "confirmed"}),
                               ("post", "/notes", {"text": "x"}), ("post", "/restock", None)]:
        response = getattr(api, method)(f"/v1/orders/{order['id']}{path}",
                                        headers=other_merchant.headers, json=body)
        assert response.status_code == 404, (path, response.text)
    assert api.get("/v1/orders", headers=other_merchant.headers).json()["items"] == []
    export = api.get("/v1/orders/export.csv", headers=other_merchant.headers)
    assert len(export.text.strip().splitlines()) == 1   # the header row only
    other_slug = other_merchant.store["slug"]
    assert api.get(f"/v1/stores/{other_slug}/orders/{order['number']}",
                   params={"phone": "0555123456"}).status_code == 404
    assert api.post(f"/v1/stores/{other_slug}/orders/{order['number']}/cancel",
                    json={"phone": "0555123456"}).status_code == 404
    results = api.post("/v1/orders/bulk/status", headers=other_merchant.headers,
                       json={"order_ids": [order["id"]], "status": "confirmed"}).json()["results"]
    assert results[0]["error"]["code"] == "not_found"


def test_an_order_says_which_moves_it_allows_now(api, merchant):
    made = product(api, merchant, stock=5)
    order = checkout(api, merchant, made).json()
    assert api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()[
        "allowed_transitions"] == ["confirmed", "cancelled"]
    moved = move(api, merchant, order["id"], "cancelled")
    assert moved.json()["allowed_transitions"] == []
