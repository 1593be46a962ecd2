"""What checkouts remember per container: only what a cart can be priced from."""
from chalicelib.catalog.model import Product, Variant
from chalicelib.clock import utcnow
from chalicelib.orders.snapshot_cache import CheckoutBasis, SnapshotCache

NOW = utcnow()


def product(pid, version, *variant_ids):
    variants = tuple(Variant(id=v, product_id=pid, store_id="st_1", sku=None, options={}, price=1000)
                     for v in variant_ids)
    return Product(id=pid, store_id="st_1", name="Robe", description="", price=1000, published=True,
                   track_stock=True, created_at=NOW, updated_at=NOW, variants=variants,
                   version=version)


def test_nothing_is_recalled_for_an_unknown_store_product_variant_or_a_line_without_variant():
    cache = SnapshotCache()
    assert cache.recall("st_1", [("pr_1", "va_1")]) is None
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {}, 0, 1003)
    assert cache.recall("st_1", [("pr_1", "va_1")]) is not None
    assert cache.recall("st_1", [("pr_1", "va_2")]) is None
    assert cache.recall("st_1", [("pr_2", "va_1")]) is None
    assert cache.recall("st_1", [("pr_1", "")]) is None
    assert cache.recall("st_2", [("pr_1", "va_1")]) is None


def test_variants_read_at_one_version_add_up_and_a_new_version_replaces_them():
    cache = SnapshotCache()
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {}, 0, 1001)
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_2")}, {}, 0, 1001)
    assert cache.recall("st_1", [("pr_1", "va_1"), ("pr_1", "va_2")]) is not None
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 2, "va_2")}, {}, 0, 1001)
    assert cache.recall("st_1", [("pr_1", "va_1")]) is None
    assert cache.recall("st_1", [("pr_1", "va_2")]).basis(["pr_1"]) == CheckoutBasis((("pr_1", 2),), 0)


def test_a_product_the_read_did_not_find_is_forgotten():
    cache = SnapshotCache()
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {}, 0, 1001)
    cache.remember("st_1", ["pr_1"], {}, {}, 0, 1001)
    assert cache.recall("st_1", [("pr_1", "va_1")]) is None


def test_the_counter_only_moves_forward_and_forget_drops_the_store():
    cache = SnapshotCache()
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {16: {"home": 500}}, 3, 1005)
    cache.numbered("st_1", 1007)
    cache.numbered("st_1", 1006)
    cache.remember("st_1", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {16: {"home": 500}}, 3, 1004)
    remembered = cache.recall("st_1", [("pr_1", "va_1")])
    assert (remembered.last_number, remembered.rates_version) == (1007, 3)
    cache.forget("st_1")
    assert cache.recall("st_1", [("pr_1", "va_1")]) is None


def test_memory_stays_bounded():
    cache = SnapshotCache(max_stores=3)
    for n in range(10):
        cache.remember(f"st_{n}", ["pr_1"], {"pr_1": product("pr_1", 1, "va_1")}, {}, 0, 1001)
    assert sum(cache.recall(f"st_{n}", [("pr_1", "va_1")]) is not None for n in range(10)) <= 3
