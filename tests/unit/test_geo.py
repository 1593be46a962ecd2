import pytest

from chalicelib.geo.data import Geography, parse_wilaya_code
from chalicelib.geo.names import normalize_name


@pytest.fixture(scope="module")
def geo():
    return Geography.load()


def test_the_official_list_is_complete(geo):
    assert len(geo.wilayas()) == 69
    assert sum(len(geo.communes(w.code)) for w in geo.wilayas()) == 1541
    assert all(len(geo.communes(w.code)) == w.communes for w in geo.wilayas())
    assert geo.wilaya(16).name_fr == "Alger"


def test_moved_communes_keep_their_courier_wilaya(geo):
    moved = [c for w in geo.wilayas() for c in geo.communes(w.code) if c.former_wilaya]
    assert len(moved) == 108
    aflou = geo.commune("0319")
    assert (aflou.wilaya, aflou.former_wilaya, aflou.courier_wilaya) == (59, 3, 3)
    assert geo.commune("1605").courier_wilaya == 16
    assert all(c.wilaya >= 59 for c in moved)


@pytest.mark.parametrize("typed", ["0319", "319", "Aflou", "AFLOU", " aflou ", "أفلو", "افلو"])
def test_find_commune_by_what_people_type(geo, typed):
    assert geo.find_commune(59, typed).code == "0319"


def test_find_commune_ignores_accents_and_spacing(geo):
    assert geo.find_commune(6, "bejaia").code == "0601"
    assert geo.find_commune(16, "bab-el-oued").code == "1605"
    assert geo.find_commune(16, "BAB EL OUED").code == "1605"


def test_find_commune_is_restricted_to_the_wilaya(geo):
    assert geo.find_commune(3, "Aflou") is None
    assert geo.find_commune(3, "0319") is None
    assert geo.find_commune(16, "nowhere") is None
    assert geo.find_commune(16, "") is None
    assert geo.find_commune(16, None) is None


def test_aliases_are_matched(geo):
    assert geo.find_commune(1, "Tamest").code == "0102"


def test_arabic_normalisation_folds_variants():
    assert normalize_name("إن زغمير") == normalize_name("ان زغمير")
    assert normalize_name("تيزى وزو") == normalize_name("تيزي وزو")
    assert normalize_name("Béjaïa") == "bejaia"


@pytest.mark.parametrize("text,code", [("16", 16), ("016", 16), ("07", 7), ("69", 69),
                                        ("0", None), ("70", None), ("abc", None), ("-1", None),
                                        ("1e1", None), ("", None)])
def test_parse_wilaya_code(text, code):
    assert parse_wilaya_code(text) == code
