from chalicelib import bootstrap
from chalicelib.config import Settings
from chalicelib.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo_store


def test_demo_store_is_seeded_once_and_can_log_in():
    services = bootstrap.build(Settings(scrypt_n=1024), store_kind="memory")
    first = seed_demo_store(services)
    second = seed_demo_store(services)
    assert first.created is True and second.created is False
    store_id = services.accounts.store_id_for_slug("demo")
    products, _ = services.catalog.list_products(store_id, {})
    assert len(products) == 4
    assert any(len(p.variants) == 3 for p in products)
    assert services.accounts.login({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, "127.0.0.1")
