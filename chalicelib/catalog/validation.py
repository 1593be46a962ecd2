"""Validation of catalog input. Plain Python; raises ValidationFailed naming fields."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib import fields
from chalicelib.errors import ValidationFailed

MAX_PRICE = 10_000_000
MAX_STOCK = 1_000_000
# A product and its variants and SKU claims are written in one transaction
# (at most 100 items): 1 + 40 + 40 stays well inside.
MAX_VARIANTS = 40
MAX_OPTIONS = 5
SKU = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


_is_int = fields.whole_number


def _text(body: Mapping[str, Any], key: str, path: str, errors: Dict[str, str], *,
          max_len: int, required: bool) -> Optional[str]:
    return fields.text(body.get(key), path, errors, max_len=max_len, required=required)


def _price(value: Any, path: str, errors: Dict[str, str]) -> Optional[int]:
    if not _is_int(value):
        errors[path] = "must be a whole number of dinars"
    elif not 0 < value <= MAX_PRICE:
        errors[path] = f"must be more than 0 and at most {MAX_PRICE}"
    else:
        return value
    return None


def _stock(value: Any, path: str, errors: Dict[str, str]) -> Optional[int]:
    if not _is_int(value):
        errors[path] = "must be a whole number"
    elif not 0 <= value <= MAX_STOCK:
        errors[path] = f"must be between 0 and {MAX_STOCK}"
    else:
        return value
    return None


def _bool(body: Mapping[str, Any], key: str, errors: Dict[str, str], default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        errors[key] = "must be true or false"
        return default
    return value


def _sku(value: Any, path: str, errors: Dict[str, str]) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not SKU.match(value.strip()):
        errors[path] = "must be 1 to 64 letters, digits, '.', '_' or '-'"
        return None
    return value.strip()


def _options(value: Any, path: str, errors: Dict[str, str]) -> Dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_OPTIONS:
        errors[path] = f"must be an object of at most {MAX_OPTIONS} options"
        return {}
    options = {}
    for name, choice in value.items():
        if (not isinstance(choice, str) or not name.strip() or len(name) > 50
                or not choice.strip() or len(choice) > 100):
            errors[f"{path}.{name}"] = "must be a non-empty string (names up to 50, values up to 100 characters)"
            continue
        options[name.strip()] = choice.strip()
    return options


def parse_variant(body: Any, path: str, errors: Dict[str, str], default_price: Optional[int],
                  with_stock: bool = True) -> Dict[str, Any]:
    if not isinstance(body, dict):
        errors[path] = "must be an object"
        return {}
    variant: Dict[str, Any] = {
        "sku": _sku(body.get("sku"), f"{path}.sku", errors),
        "options": _options(body.get("options"), f"{path}.options", errors),
        "price": default_price,
    }
    if body.get("price") is not None:
        variant["price"] = _price(body["price"], f"{path}.price", errors)
    elif default_price is None:
        errors[f"{path}.price"] = "is required"
    if with_stock:
        variant["stock"] = _stock(body.get("stock", 0), f"{path}.stock", errors)
    return variant


def _check_distinct(variants: List[Dict[str, Any]], errors: Dict[str, str]) -> None:
    seen_options: Dict[Tuple, int] = {}
    seen_skus: Dict[str, int] = {}
    for index, variant in enumerate(variants):
        options = tuple(sorted((k.lower(), v.lower()) for k, v in variant.get("options", {}).items()))
        if options in seen_options:
            errors[f"variants[{index}].options"] = f"are the same as variants[{seen_options[options]}]"
        seen_options.setdefault(options, index)
        sku = (variant.get("sku") or "").lower()
        if sku and sku in seen_skus:
            errors[f"variants[{index}].sku"] = f"is the same as variants[{seen_skus[sku]}]"
        if sku:
            seen_skus.setdefault(sku, index)


def parse_new_product(body: Mapping[str, Any]) -> Dict[str, Any]:
    errors: Dict[str, str] = {}
    product: Dict[str, Any] = {
        "name": _text(body, "name", "name", errors, max_len=200, required=True),
        "description": _text(body, "description", "description", errors, max_len=5000,
                             required=False) or "",
        "price": _price(body.get("price"), "price", errors) if "price" in body else None,
        "published": _bool(body, "published", errors, True),
        "track_stock": _bool(body, "track_stock", errors, True),
    }
    if "price" not in body:
        errors["price"] = "is required"
    raw_variants = body.get("variants")
    if raw_variants is None or raw_variants == []:
        # No variants: the product is its own single, default variant.
        sub_errors: Dict[str, str] = {}
        default = parse_variant({"sku": body.get("sku"), "stock": body.get("stock", 0)}, "",
                                sub_errors, product["price"] or 1)
        errors.update({key.lstrip("."): message for key, message in sub_errors.items()})
        variants = [default]
    elif not isinstance(raw_variants, list) or len(raw_variants) > MAX_VARIANTS:
        errors["variants"] = f"must be a list of at most {MAX_VARIANTS} variants"
        variants = []
    else:
        variants = [parse_variant(item, f"variants[{i}]", errors, product["price"])
                    for i, item in enumerate(raw_variants)]
        _check_distinct(variants, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    product["variants"] = variants
    return product


def parse_product_patch(body: Mapping[str, Any]) -> Dict[str, Any]:
    errors: Dict[str, str] = {}
    changes: Dict[str, Any] = {}
    allowed = {"name", "description", "price", "published", "track_stock"}
    for key in body:
        if key not in allowed:
            errors[key] = ("is changed through the stock endpoint" if key in ("stock", "variants")
                           else "cannot be changed")
    if "name" in body:
        changes["name"] = _text(body, "name", "name", errors, max_len=200, required=True)
    if "description" in body:
        changes["description"] = _text(body, "description", "description", errors,
                                       max_len=5000, required=False) or ""
    if "price" in body:
        changes["price"] = _price(body["price"], "price", errors)
    for flag in ("published", "track_stock"):
        if flag in body:
            changes[flag] = _bool(body, flag, errors, True)
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


def parse_variant_patch(body: Mapping[str, Any]) -> Dict[str, Any]:
    errors: Dict[str, str] = {}
    changes: Dict[str, Any] = {}
    for key in body:
        if key not in ("sku", "options", "price"):
            errors[key] = ("is changed through the stock endpoint" if key == "stock"
                           else "cannot be changed")
    if "sku" in body:
        changes["sku"] = _sku(body["sku"], "sku", errors)
    if "options" in body:
        changes["options"] = _options(body["options"], "options", errors)
    if "price" in body:
        changes["price"] = _price(body["price"], "price", errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


def parse_stock_change(body: Mapping[str, Any]) -> Tuple[str, int, str]:
    """("adjust", ±n, reason) or ("set", n, reason)."""
    errors: Dict[str, str] = {}
    kinds = [key for key in ("adjust", "set") if key in body]
    kind, amount = "adjust", 0
    if len(kinds) != 1:
        errors["adjust"] = "give exactly one of adjust or set"
    elif kinds[0] == "adjust":
        amount = body["adjust"]
        if not _is_int(amount) or amount == 0 or abs(amount) > MAX_STOCK:
            errors["adjust"] = f"must be a non-zero whole number between -{MAX_STOCK} and {MAX_STOCK}"
    else:
        kind, amount = "set", body["set"]
        _stock(amount, "set", errors)
    reason = _text(body, "reason", "reason", errors, max_len=200, required=True)
    if errors:
        raise ValidationFailed(fields=errors)
    return kind, amount, reason
