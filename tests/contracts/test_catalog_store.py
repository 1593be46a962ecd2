"""The in-memory CatalogStore behaves like the DynamoDB one.

Driven through CatalogService so each test reads as a use case; the same class
runs on both adapters."""
import pytest

from chalicelib.catalog.service import CatalogService
from chalicelib.catalog.store_memory import MemoryCatalogStore
from chalicelib.clock import utcnow
from chalicelib.errors import AlreadyExists, Conflict, InsufficientStock, NotFound
from chalicelib.ids import new_id

ACTOR = {"type": "merchant", "id": "ac_1", "name": "Amina"}


class CatalogStoreContract:
    @pytest.fixture
    def store(self):
        raise NotImplementedError

    @pytest.fixture
    def catalog(self, store):
        return CatalogService(store, utcnow)

    @pytest.fixture
    def store_id(self):
        return new_id("st_")

    def robe(self, catalog, store_id, **extra):
        body = {"name": "Robe kabyle", "price": 6500, "variants": [
            {"sku": f"RK-{new_id()}", "options": {"taille": "M"}, "stock": 5},
            {"options": {"taille": "L"}, "stock": 0, "price": 7000}]}
        body.update(extra)
        return catalog.create_product(store_id, body)

    def test_round_trip(self, catalog, store_id):
        created = self.robe(catalog, store_id)
        read = catalog.product(store_id, created.id)
        assert read.name == "Robe kabyle" and len(read.variants) == 2
        assert sorted(v.stock for v in read.variants) == [0, 5]
        assert {v.id for v in read.variants} == {v.id for v in created.variants}

    def test_another_store_cannot_see_it(self, catalog, store_id):
        created = self.robe(catalog, store_id)
        with pytest.raises(NotFound):
            catalog.product(new_id("st_"), created.id)

    def test_sku_unique_per_store_case_insensitive(self, catalog, store_id):
        catalog.create_product(store_id, {"name": "A", "price": 100, "sku": "ABC-1"})
        with pytest.raises(AlreadyExists) as caught:
            catalog.create_product(store_id, {"name": "B", "price": 100, "variants": [
                {"sku": "free-1", "options": {"c": "1"}}, {"sku": "abc-1", "options": {"c": "2"}}]})
        assert set(caught.value.fields) == {"variants[1].sku"}
        # Nothing of the refused product was written: its free SKU is still free.
        catalog.create_product(store_id, {"name": "C", "price": 100, "sku": "free-1"})
        # Another store may use the same SKU.
        catalog.create_product(new_id("st_"), {"name": "D", "price": 100, "sku": "ABC-1"})

    def test_adjust_never_goes_negative(self, catalog, store_id):
        product = self.robe(catalog, store_id)
        medium = next(v for v in product.variants if v.stock == 5)
        assert catalog.change_stock(store_id, product.id, medium.id,
                                    {"adjust": -5, "reason": "vente"}, ACTOR)["stock"] == 0
        with pytest.raises(InsufficientStock) as caught:
            catalog.change_stock(store_id, product.id, medium.id, {"adjust": -1, "reason": "x"}, ACTOR)
        assert caught.value.details["variants"] == [medium.id]
        assert catalog.change_stock(store_id, product.id, medium.id,
                                    {"set": 12, "reason": "inventaire"}, ACTOR)["stock"] == 12

    def test_movements_newest_first_with_pages(self, catalog, store_id):
        product = self.robe(catalog, store_id)
        variant = product.variants[0]
        for n in range(1, 6):
            catalog.change_stock(store_id, product.id, variant.id, {"adjust": n, "reason": f"r{n}"}, ACTOR)
        first, cursor = catalog.movements(store_id, product.id, variant.id, {"limit": "3"})
        assert [m.reason for m in first] == ["r5", "r4", "r3"] and cursor
        second, end = catalog.movements(store_id, product.id, variant.id, {"limit": "3", "cursor": cursor})
        assert [m.reason for m in second] == ["r2", "r1"] and end is None
        assert first[0].actor == ACTOR and first[0].delta == 5

    def test_listing_pages_by_product_with_variants(self, catalog, store_id):
        ids = [self.robe(catalog, store_id).id for _ in range(5)]
        seen, cursor = [], None
        while True:
            query = {"limit": "2"} if cursor is None else {"limit": "2", "cursor": cursor}
            page, cursor = catalog.list_products(store_id, query)
            assert all(len(p.variants) == 2 for p in page)
            seen += [p.id for p in page]
            if cursor is None:
                break
        assert seen == ids

    def test_soft_delete_hides_and_frees_skus(self, catalog, store_id):
        product = catalog.create_product(store_id, {"name": "A", "price": 100, "sku": "GONE-1"})
        catalog.delete_product(store_id, product.id)
        with pytest.raises(NotFound):
            catalog.product(store_id, product.id)
        assert catalog.list_products(store_id, {})[0] == []
        catalog.create_product(store_id, {"name": "B", "price": 100, "sku": "GONE-1"})

    def test_published_only(self, catalog, store_id):
        self.robe(catalog, store_id, published=False)
        shown = self.robe(catalog, store_id)
        page, _ = catalog.list_products(store_id, {}, published_only=True)
        assert [p.id for p in page] == [shown.id]

    def test_variants_can_be_added_changed_and_removed_but_not_the_last(self, catalog, store_id):
        product = catalog.create_product(store_id, {"name": "A", "price": 100, "sku": "V-1"})
        grown = catalog.add_variant(store_id, product.id, {"sku": "V-2", "options": {"c": "b"}})
        assert len(grown.variants) == 2
        with pytest.raises(AlreadyExists):
            catalog.add_variant(store_id, product.id, {"sku": "v-1", "options": {"c": "z"}})
        added = next(v for v in grown.variants if v.sku == "V-2")
        catalog.update_variant(store_id, product.id, added.id, {"sku": "V-3", "price": 150})
        catalog.add_variant(store_id, product.id, {"sku": "V-2", "options": {"c": "y"}})
        catalog.delete_variant(store_id, product.id, added.id)
        remaining = catalog.product(store_id, product.id).variants
        for variant in remaining[:-1]:
            catalog.delete_variant(store_id, product.id, variant.id)
        with pytest.raises(Conflict):
            catalog.delete_variant(store_id, product.id, remaining[-1].id)

    def test_patch_changes_fields_not_stock(self, catalog, store_id):
        product = self.robe(catalog, store_id)
        updated = catalog.update_product(store_id, product.id, {"name": "Robe", "published": False})
        read = catalog.product(store_id, product.id)
        assert (read.name, read.published) == ("Robe", False) and updated.version == read.version
        assert sorted(v.stock for v in read.variants) == [0, 5]

    def test_product_version_moves_with_what_it_sells_never_with_stock(self, catalog, store_id):
        product = self.robe(catalog, store_id)
        variant = product.variants[0]
        catalog.change_stock(store_id, product.id, variant.id, {"adjust": 3, "reason": "restock"}, ACTOR)
        versions = [product.version, catalog.product(store_id, product.id).version]
        catalog.update_variant(store_id, product.id, variant.id, {"price": 6600})
        versions.append(catalog.product(store_id, product.id).version)
        grown = catalog.add_variant(store_id, product.id, {"options": {"taille": "XL"}})
        versions.append(grown.version)
        added = next(v for v in grown.variants if v.options == {"taille": "XL"})
        catalog.delete_variant(store_id, product.id, added.id)
        versions.append(catalog.product(store_id, product.id).version)
        assert versions[0] == versions[1] < versions[2] < versions[3] < versions[4]


class TestMemoryCatalogStore(CatalogStoreContract):
    @pytest.fixture
    def store(self):
        return MemoryCatalogStore()


@pytest.mark.aws
class TestDynamoCatalogStore(CatalogStoreContract):
    @pytest.fixture
    def store(self, dynamo_services):
        from chalicelib.catalog.store_dynamo import DynamoCatalogStore
        return DynamoCatalogStore()
