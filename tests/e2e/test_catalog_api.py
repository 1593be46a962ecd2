"""Catalog over HTTP."""


def create(api, merchant, **body):
    payload = {"name": "Jebba brodée", "price": 5500, "variants": [
        {"options": {"taille": "M", "couleur": "Rouge"}, "stock": 3},
        {"options": {"taille": "L", "couleur": "Rouge"}, "stock": 0, "price": 5900}]}
    payload.update(body)
    response = api.post("/v1/products", headers=merchant.headers, json=payload)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_get_list(api, merchant):
    product = create(api, merchant, name="جبة مطرزة")
    assert product["name"] == "جبة مطرزة" and [v["stock"] for v in product["variants"]] == [3, 0]
    assert api.get(f"/v1/products/{product['id']}", headers=merchant.headers).json() == product
    listed = api.get("/v1/products", headers=merchant.headers).json()
    assert [p["id"] for p in listed["items"]] == [product["id"]] and listed["next_cursor"] is None


def test_default_variant(api, merchant):
    product = create(api, merchant, variants=None, stock=7, sku="JB-1")
    assert len(product["variants"]) == 1
    assert product["variants"][0]["sku"] == "JB-1" and product["variants"][0]["stock"] == 7


def test_stock_adjust_movements_and_the_409(api, merchant):
    product = create(api, merchant)
    variant = product["variants"][0]
    path = f"/v1/products/{product['id']}/variants/{variant['id']}/stock"
    response = api.post(path, headers=merchant.headers, json={"adjust": -3, "reason": "vente boutique"})
    assert response.status_code == 200 and response.json()["stock"] == 0
    response = api.post(path, headers=merchant.headers, json={"adjust": -1, "reason": "vente"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"
    movements = api.get(path + "/movements", headers=merchant.headers).json()["items"]
    assert [(m["delta"], m["reason"]) for m in movements] == [(-3, "vente boutique")]
    assert movements[0]["actor"]["type"] == "merchant"


def test_bad_bodies_are_422_naming_fields(api, merchant):
    response = api.post("/v1/products", headers=merchant.headers,
                        json={"name": "", "price": 1.5, "variants": [{"stock": -1}]})
    assert response.status_code == 422
    assert {"name", "price", "variants[0].stock"} <= set(response.json()["error"]["fields"])
    product = create(api, merchant)
    variant = product["variants"][0]
    response = api.post(f"/v1/products/{product['id']}/variants/{variant['id']}/stock",
                        headers=merchant.headers, json={"adjust": "x"})
    assert response.status_code == 422


def test_duplicate_sku_is_409(api, merchant):
    create(api, merchant, variants=None, sku="UNIQ-1")
    response = api.post("/v1/products", headers=merchant.headers,
                        json={"name": "Autre", "price": 100, "sku": "uniq-1"})
    assert response.status_code == 409 and "sku" in response.json()["error"]["fields"]


def test_another_stores_product_is_404(api, merchant, other_merchant):
    product = create(api, merchant)
    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("post", "/variants"),
                         ("get", f"/variants/{product['variants'][0]['id']}/stock/movements")]:
        response = getattr(api, method)(f"/v1/products/{product['id']}{path}",
                                        headers=other_merchant.headers, json={"name": "x"})
        assert response.status_code in (404, 422), (method, path, response.text)
        assert response.status_code == 404 or method == "post"


def test_storefront_shows_published_products_without_stock_counts(api, merchant):
    shown = create(api, merchant)
    create(api, merchant, published=False)
    items = api.get(f"/v1/stores/{merchant.store['slug']}/products").json()["items"]
    assert [p["id"] for p in items] == [shown["id"]]
    assert [v["in_stock"] for v in items[0]["variants"]] == [True, False]
    assert "stock" not in items[0]["variants"][0]


def test_delete_then_404(api, merchant):
    product = create(api, merchant)
    assert api.delete(f"/v1/products/{product['id']}", headers=merchant.headers).status_code == 204
    assert api.get(f"/v1/products/{product['id']}", headers=merchant.headers).status_code == 404


def test_bad_cursor_and_limit_are_422(api, merchant):
    assert api.get("/v1/products?limit=0", headers=merchant.headers).status_code == 422
    assert api.get("/v1/products?cursor=%%%", headers=merchant.headers).status_code == 422
    assert api.get("/v1/products?cursor=bm9wZQ", headers=merchant.headers).status_code == 422
