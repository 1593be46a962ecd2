"""Normalising place names so that what a customer types matches the official list.

French: case, accents, spacing, hyphens and apostrophes do not matter
("Béjaïa", "BEJAIA", "bejaia "). Arabic: tatweel and diacritics do not matter,
and the letters people use interchangeably (alef forms, final ya/alef maqsura,
ta marbuta/ha) are folded.
"""
from __future__ import annotations

import re
import unicodedata

_ARABIC_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                               "ؤ": "و", "ئ": "ي"})
_NOT_WORD = re.compile(r"[\s\-'’`´.,_()/]+")


def normalize_name(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    value = _ARABIC_DIACRITICS.sub("", value).translate(_ARABIC_FOLDS)
    decomposed = unicodedata.normalize("NFKD", value)
    # Drop Latin combining accents only; Arabic letters are already folded.
    value = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    value = value.casefold()
    return _NOT_WORD.sub("", value)
