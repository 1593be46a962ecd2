"""Algeria's wilayas and communes, shipped in the package and loaded on first use.

The data (folder data/, CC0) is the official 69-wilaya list of April 2026.
Couriers still number wilayas 01-58: a commune moved into wilayas 59-69 keeps
its former wilaya, which is what a courier must be given (`courier_wilaya`).
"""
from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from chalicelib.geo.names import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Wilaya:
    code: int
    name_fr: str
    name_ar: str
    communes: int


@dataclass(frozen=True)
class Commune:
    code: str
    wilaya: int
    name_fr: str
    name_ar: str
    former_wilaya: Optional[int] = None

    @property
    def courier_wilaya(self) -> int:
        return self.former_wilaya or self.wilaya


def _read(name: str) -> List[Dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Geography:
    _loaded: Optional["Geography"] = None
    _lock = threading.Lock()

    def __init__(self, wilayas: List[Wilaya], communes: List[Commune],
                 aliases: List[Tuple[str, str]]) -> None:
        self._wilayas = {w.code: w for w in wilayas}
        self._communes = {c.code: c for c in communes}
        self._by_wilaya: Dict[int, List[Commune]] = {}
        for commune in sorted(communes, key=lambda c: c.code):
            self._by_wilaya.setdefault(commune.wilaya, []).append(commune)
        # (wilaya, normalised name) -> commune code; official names first, then aliases.
        self._names: Dict[Tuple[int, str], str] = {}
        for commune in communes:
            for name in (commune.name_fr, commune.name_ar):
                self._names.setdefault((commune.wilaya, normalize_name(name)), commune.code)
        for code, name in aliases:
            commune = self._communes.get(code)
            if commune is not None:
                self._names.setdefault((commune.wilaya, normalize_name(name)), code)

    @classmethod
    def load(cls) -> "Geography":
        with cls._lock:
            if cls._loaded is None:
                cls._loaded = cls._from_files()
            return cls._loaded

    @classmethod
    def _from_files(cls) -> "Geography":
        wilayas = [Wilaya(code=int(row["code"]), name_fr=row["name_fr"], name_ar=row["name_ar"],
                          communes=int(row["communes"])) for row in _read("wilayas.csv")]
        communes = [Commune(code=row["code"], wilaya=int(row["wilaya"]), name_fr=row["name_fr"],
                            name_ar=row["name_ar"],
                            former_wilaya=int(row["wilaya_before"]) if row["wilaya_before"] else None)
                    for row in _read("communes.csv")]
        aliases = [(row["code"], row["name"]) for row in _read("aliases.csv")
                   if row["kind"] == "commune"]
        return cls(wilayas, communes, aliases)

    def wilayas(self) -> List[Wilaya]:
        return [self._wilayas[code] for code in sorted(self._wilayas)]

    def wilaya(self, code: int) -> Optional[Wilaya]:
        return self._wilayas.get(code)

    def communes(self, wilaya_code: int) -> List[Commune]:
        return list(self._by_wilaya.get(wilaya_code, []))

    def commune(self, code: str) -> Optional[Commune]:
        return self._communes.get(code)

    def find_commune(self, wilaya_code: int, text: str) -> Optional[Commune]:
        """The commune of that wilaya that `text` names: its code, French or Arabic name."""
        if not isinstance(text, str) or not text.strip() or len(text) > 100:
            return None
        typed = text.strip()
        if typed.isdigit():
            commune = self._communes.get(typed.zfill(4))
            return commune if commune and commune.wilaya == wilaya_code else None
        code = self._names.get((wilaya_code, normalize_name(typed)))
        return self._communes[code] if code else None


def parse_wilaya_code(text: str) -> Optional[int]:
    """1..69 from "16" or "016"; None for anything else."""
    if not isinstance(text, str) or not text.isdigit() or len(text) > 3:
        return None
    code = int(text)
    return code if 1 <= code <= 69 else None
