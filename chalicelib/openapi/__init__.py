"""The OpenAPI 3.1 document: base.yaml plus one fragment per API area, merged."""
from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Dict

import yaml

HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def _merged() -> Dict[str, Any]:
    with open(HERE / "base.yaml", encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    for fragment_path in sorted(HERE.glob("*.yaml")):
        if fragment_path.name == "base.yaml":
            continue
        with open(fragment_path, encoding="utf-8") as handle:
            fragment = yaml.safe_load(handle) or {}
        for path, operations in (fragment.get("paths") or {}).items():
            doc.setdefault("paths", {}).setdefault(path, {}).update(operations)
        for section, members in (fragment.get("components") or {}).items():
            doc.setdefault("components", {}).setdefault(section, {}).update(members)
    _add_rate_limit_responses(doc)
    return doc


METHODS = ("get", "put", "post", "patch", "delete")


def _add_rate_limit_responses(doc: Dict[str, Any]) -> None:
    """Every merchant operation (bearer auth) may answer the API rate limit's 429."""
    for operations in doc.get("paths", {}).values():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None or operation.get("security") == []:
                continue
            operation.setdefault("responses", {}).setdefault(
                "429", {"$ref": "#/components/responses/ApiRateLimited"})


def document() -> Dict[str, Any]:
    return copy.deepcopy(_merged())
