"""Fake Maystro Delivery (couriers.md §5 and §11): its DRF API under `/api`.

The `backend.` and `b.` hosts answer the same token and paths, so one fake serves
both. Communes carry this fake's own integer ids (not ONS codes) and Maystro-style
spellings (upper case, no accents, the ONS 2021 spelling where one differs, French
only), so a client has to look them up. Statuses are the numeric codes of §5.4 kept as strings
("41") in the parcel history. Assumptions where the facts are silent: cancelling is
allowed while the order has not left the merchant (4, 5, 11, 12); each wilaya has
one stop desk (there is no list endpoint, so its id is only known from
`desk_ids`), and wilayas 50, 54 and 56 have none; prices depend on the destination
wilaya only; the hooks test request sends an event named "TestRequest".
"""
from __future__ import annotations

import base64
import csv
import itertools
import json
import unicodedata
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from infra.local.couriers.common import (FakeCourier, Parcel, Request, Response,
                                         courier_geography, minimal_pdf)

CANCELLABLE = ("4", "5", "11", "12")
NO_DESK = (50, 54, 56)
PAGE_SIZE = 20
TRIGGERS = ((1, "all"), (2, "OrderStatusChanged"), (3, "orderCreated"), (4, "InventoryMovement"))
REQUIRED = "This field is required."


def maystro_spelling(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).upper()


def ons_spellings() -> Dict[str, str]:
    """ONS 2021 French spellings (commune code -> name) from the packaged alias list."""
    from chalicelib.geo.data import DATA_DIR
    with open(DATA_DIR / "aliases.csv", encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)
                if row["kind"] == "commune" and row["lang"] == "fr" and row["texts"] == "ons-2021"}


class FakeMaystro(FakeCourier):
    code = "maystro"
    api_root = "/api"
    SANDBOX_CREDENTIALS = {"token": "9c1185a5c5e9fc54612808977ee8f548b2258d31"}
    DELIVERED_PATH = ("5", "6", "9", "22", "31", "41")
    REFUSED_PATH = ("6", "9", "31", "32", "50", "51", "10", "52")

    def __init__(self, credentials: Optional[Dict[str, str]] = None, port: int = 0) -> None:
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)
        self.wilayas, communes = courier_geography()
        spellings = ons_spellings()
        self.communes: Dict[int, Dict[str, Any]] = {}
        for number, commune in enumerate(sorted(communes, key=lambda c: c["code"]), start=1):
            self.communes[number] = {
                "id": number, "wilaya": commune["wilaya"],
                "name": maystro_spelling(spellings.get(commune["code"], commune["name"])),
                "ons_code": commune["code"]}
        self.desk_ids = {w: 500 + w for w in self.wilayas if w not in NO_DESK}
        self.list_wrapper = False        # True: lists under {"list": {...}} (one client's view)
        self.hooks: Dict[int, Dict[str, Any]] = {}
        self.products: Dict[str, Dict[str, Any]] = {}
        self._display_ids = itertools.count(300001)
        self._hook_ids = itertools.count(1)

    # --- what tests ask of every fake ---------------------------------------------------------
    def collected_amount(self, parcel: Parcel) -> int:
        return int(parcel.data["product_price"])

    def wilaya_of(self, parcel: Parcel) -> int:
        return int(parcel.data["wilaya"])

    def stop_desk_for(self, wilaya: int) -> Optional[str]:
        return None     # no stop-desk list endpoint: the adapter's stop_desks() is empty

    def commune_id(self, ons_code: str) -> int:
        return next(c["id"] for c in self.communes.values() if c["ons_code"] == ons_code)

    # --- auth and limits --------------------------------------------------------------------------
    def authorized(self, request: Request) -> Optional[Response]:
        header = request.headers.get("authorization", "")
        challenge = {"WWW-Authenticate": "Token"}
        if not header.startswith("Token "):
            return Response(401, {"detail": "Authentication credentials were not provided."},
                            challenge)
        if header[len("Token "):] != self.credentials.get("token"):
            return Response(401, {"detail": "Invalid token."}, challenge)
        return None

    def rate_limited(self) -> Response:
        return Response(429, {"detail": "Request was throttled. Expected available in 1 second."},
                        {"Retry-After": "1"})

    # --- routes --------------------------------------------------------------------------------------
    def routes(self) -> None:
        self.route("GET", "/base/wilayas", self.list_wilayas)
        self.route("GET", "/shared/wilayas", self.list_wilayas)
        self.route("GET", "/shared/communes", self.list_communes)
        self.route("GET", "/stores/delivery_price", self.delivery_price)
        self.route("POST", "/stores/product", self.create_product)
        self.route("GET", "/stores/product", self.list_products)
        self.route("POST", "/stores/orders", self.create_order)
        self.route("GET", "/stores/orders", self.list_orders)
        self.route("GET", "/stores/orders/{order_id}", self.get_order)
        self.route("GET", "/stores/history_order/{order_id}", self.history)
        self.route("PATCH", "/shared/status/{order_id}", self.cancel)
        self.route("PATCH", "/stores/orders/{order_id}/status", self.cancel)
        self.route("POST", "/delivery/starter/starter_bordureau", self.label_v1)
        self.route("POST", "/delivery/starter/v2/starter_bordureau", self.label_v2)
        self.route("GET", "/stores/hooks/types", self.hook_types)
        self.route("GET", "/stores/hooks/costume", self.list_hooks)
        self.route("POST", "/stores/hooks/costume", self.create_hook)
        self.route("DELETE", "/stores/hooks/costume/{hook_id}", self.delete_hook)
        self.route("POST", "/stores/hooks/test/request", self.test_hook)

    def list_wilayas(self, request: Request) -> Response:
        if request.query.get("country", "1") != "1":
            return Response(200, [])
        return Response(200, [[code, name] for code, name in sorted(self.wilayas.items())])

    def list_communes(self, request: Request) -> Response:
        wanted = request.query.get("wilaya")
        if wanted is not None and not (wanted.isdigit() and int(wanted) in self.wilayas):
            return Response(400, {"wilaya": ["Select a valid choice. That choice is not one of "
                                             "the available choices."]})
        return Response(200, [{k: c[k] for k in ("id", "name", "wilaya")}
                              for c in self.communes.values()
                              if wanted is None or c["wilaya"] == int(wanted)])

    def delivery_price(self, request: Request) -> Response:
        commune = self.communes.get(_int(request.query.get("commune")))
        kind = request.query.get("delivery_type", "1")
        price = self.price(commune["wilaya"], kind) if commune else None
        if price is None:
            return Response(404, {"detail": "Not found."})
        express = request.query.get("express", "false").lower() == "true"
        return Response(200, {"delivery_price": price + (200 if express else 0)})

    def price(self, wilaya: int, delivery_type: str) -> Optional[int]:
        home = 400 if wilaya == 16 else 600 if wilaya <= 48 else 1000
        if delivery_type == "1":
            return home
        if delivery_type == "2" and wilaya not in NO_DESK:
            return home - 150
        return None

    def create_product(self, request: Request) -> Response:
        body = request.json() or {}
        if not body.get("logistical_description"):
            return Response(400, {"logistical_description": [REQUIRED]})
        return Response(201, self._new_product(body))

    def list_products(self, request: Request) -> Response:
        search = (request.query.get("search") or "").casefold()
        found = [p for p in self.products.values()
                 if search in p["logistical_description"].casefold()]
        return Response(200, self._page(request, found))

    # --- orders ---------------------------------------------------------------------------------------
    def create_order(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            return Response(400, {"non_field_errors": ["Invalid data. Expected a dictionary, "
                                                       "but got list."]})
        errors = self.order_errors(body)
        if errors:
            return Response(400, errors)
        order = self._new_order(body)
        parcel = self.new_parcel(str(order["display_id"]), order["external_order_id"], "4", order)
        return Response(201, self.order_json(parcel))

    def order_errors(self, body: Dict[str, Any]) -> Dict[str, List[Any]]:
        errors: Dict[str, List[Any]] = {}
        for name in ("source", "wilaya", "commune", "customer_name", "customer_phone",
                     "product_price", "delivery_type", "express", "products"):
            if body.get(name) in (None, ""):
                errors[name] = [REQUIRED]
        if "source" not in errors and str(body["source"]) != "4":
            errors["source"] = [f'"{body["source"]}" is not a valid choice.']
        wilaya = _int(body.get("wilaya"))
        if "wilaya" not in errors and wilaya not in self.wilayas:
            errors["wilaya"] = [f'Invalid pk "{body["wilaya"]}" - object does not exist.']
        commune = self.communes.get(_int(body.get("commune")))
        if "commune" not in errors and commune is None:
            errors["commune"] = [f'Invalid pk "{body["commune"]}" - object does not exist.']
        elif commune and wilaya in self.wilayas and commune["wilaya"] != wilaya:
            errors["commune"] = ["This commune does not belong to the selected wilaya."]
        phone = str(body.get("customer_phone") or "")
        if "customer_phone" not in errors and not (phone.isdigit() and 9 <= len(phone) <= 10):
            errors["customer_phone"] = ["Enter a valid phone number."]
        if "product_price" not in errors and not (isinstance(body["product_price"], int)
                                                  and body["product_price"] >= 0):
            errors["product_price"] = ["A valid integer is required."]
        if "express" not in errors and not isinstance(body["express"], bool):
            errors["express"] = ["Must be a valid boolean."]
        errors.update(self.delivery_errors(body, wilaya))
        products = self.product_errors(body.get("products"))
        if products and "products" not in errors:
            errors["products"] = products
        return errors

    def delivery_errors(self, body: Dict[str, Any], wilaya: Optional[int]) -> Dict[str, List[str]]:
        kind = str(body.get("delivery_type"))
        if body.get("delivery_type") is None:
            return {}
        if kind not in ("1", "2"):
            return {"delivery_type": [f'"{kind}" is not a valid choice.']}
        desk = body.get("stop_desk_id")
        if kind == "2" and wilaya in NO_DESK:
            return {"delivery_type": ["Stop desk delivery is not available in this wilaya."]}
        if kind == "2" and desk is not None and _int(desk) != self.desk_ids.get(wilaya):
            return {"stop_desk_id": [f'Invalid pk "{desk}" - object does not exist.']}
        return {}

    def product_errors(self, products: Any) -> List[Any]:
        if products is None:
            return []
        if not isinstance(products, list) or not products:
            return ["This list may not be empty."] if products == [] else \
                ['Expected a list of items but got type "dict".']
        errors: List[Any] = []
        for item in products:
            item = item if isinstance(item, dict) else {}
            known = item.get("product_id") in self.products
            if not known and not item.get("logistical_description"):
                errors.append({"logistical_description": [REQUIRED]})
            elif item.get("product_id") is not None and not known:
                errors.append({"product_id": [f'Invalid pk "{item["product_id"]}" - '
                                              f'object does not exist.']})
            else:
                errors.append({})
        return errors if any(errors) else []

    def _new_order(self, body: Dict[str, Any]) -> Dict[str, Any]:
        wilaya = int(body["wilaya"])
        lines = []
        for item in body["products"]:
            product = self.products.get(item.get("product_id")) or self._new_product(item)
            lines.append({"product_id": product["id"], "quantity": int(item.get("quantity") or 1),
                          "logistical_description": product["logistical_description"]})
        kind = str(body["delivery_type"])
        return {"id": str(uuid.uuid4()), "display_id": next(self._display_ids),
                "external_order_id": body.get("external_order_id"), "wilaya": wilaya,
                "commune": int(body["commune"]),
                "commune_name": self.communes[int(body["commune"])]["name"],
                "destination_text": body.get("destination_text", ""),
                "customer_name": body["customer_name"], "customer_phone": body["customer_phone"],
                "product_price": body["product_price"], "delivery_type": int(kind),
                "stop_desk_id": body.get("stop_desk_id"), "express": body["express"],
                "note_to_driver": body.get("note_to_driver", ""), "source": 4,
                "products": lines, "delivery_fee": self.price(wilaya, kind),
                "alerted_at": None, "alert_reason": None, "abort_reason": None,
                "postponed_to": None, "delivered_at": None}

    def _new_product(self, body: Dict[str, Any]) -> Dict[str, Any]:
        product = {"id": str(uuid.uuid4()), "display_id": len(self.products) + 1,
                   "logistical_description": body["logistical_description"],
                   "price": body.get("price")}
        with self.lock:
            self.products[product["id"]] = product
        return product

    def order_json(self, parcel: Parcel) -> Dict[str, Any]:
        return dict(parcel.data, instance_uuid=parcel.data["id"], status=_code(parcel.status),
                    created_at=_iso(parcel.created_at), updated_at=_iso(parcel.history[-1]["at"]))

    def _by_uuid(self, order_id: str) -> Optional[Parcel]:
        with self.lock:
            return next((p for p in self.parcels.values() if p.data["id"] == order_id), None)

    def list_orders(self, request: Request) -> Response:
        reference, display_id = request.query.get("external_order_id"), request.query.get("display_id")
        with self.lock:
            parcels = sorted(self.parcels.values(), key=lambda p: p.data["display_id"], reverse=True)
        found = [self.order_json(p) for p in parcels
                 if (reference is None or p.reference == reference)
                 and (display_id is None or p.tracking == display_id)]
        return Response(200, self._page(request, found))

    def get_order(self, request: Request) -> Response:
        parcel = self._by_uuid(request.params["order_id"])
        return Response(200, self.order_json(parcel)) if parcel else \
            Response(404, {"detail": "Not found."})

    def history(self, request: Request) -> Response:
        parcel = self._by_uuid(request.params["order_id"])
        if parcel is None:
            return Response(404, {"detail": "Not found."})
        return Response(200, [{"status": _code(h["status"]), "created_at": _iso(h["at"]),
                               "comment": h.get("reason") or ""} for h in parcel.history])

    def cancel(self, request: Request) -> Response:
        parcel = self._by_uuid(request.params["order_id"])
        if parcel is None:
            return Response(404, {"detail": "Not found."})
        body = request.json() or {}
        if str(body.get("status")) != "50":
            return Response(400, {"status": [f'"{body.get("status")}" is not a valid choice.']})
        if parcel.status not in CANCELLABLE:
            return Response(400, {"detail": "This order can no longer be cancelled."})
        parcel.data["abort_reason"] = body.get("abort_reason")
        self.advance(parcel.tracking, "50", str(body.get("abort_reason") or ""))
        return Response(200, self.order_json(parcel))

    # --- labels ------------------------------------------------------------------------------------------
    def label_v1(self, request: Request) -> Response:
        """v1 is keyed by display_id; given UUIDs it answers a blank PDF with 200."""
        ids = [str(i) for i in (request.json() or {}).get("orders_ids") or []]
        known = [self.parcels[i] for i in ids if i in self.parcels]
        return Response(200, minimal_pdf(" ".join(self.label_text(p) for p in known)),
                        content_type="application/pdf")

    def label_v2(self, request: Request) -> Response:
        ids = [str(i) for i in (request.json() or {}).get("orders_ids") or []]
        parcels = [self._by_uuid(i) for i in ids]
        if not ids or None in parcels:
            return Response(400, {"orders_ids": ["Some orders do not exist."]})
        return Response(200, minimal_pdf(" ".join(self.label_text(p) for p in parcels)),
                        content_type="application/pdf")

    def label_text(self, parcel: Parcel) -> str:
        data = parcel.data
        return f"MAYSTRO {parcel.tracking} {data['customer_name']} {data['commune_name']}"

    # --- webhooks -------------------------------------------------------------------------------------
    def hook_types(self, request: Request) -> Response:
        return Response(200, self._page(request, [{"id": i, "name": n} for i, n in TRIGGERS]))

    def list_hooks(self, request: Request) -> Response:
        return Response(200, self._page(request, list(self.hooks.values())))

    def create_hook(self, request: Request) -> Response:
        body = request.json() or {}
        errors = {name: [REQUIRED] for name in ("endpoint", "trigger_type_id") if not body.get(name)}
        if not errors and _int(body["trigger_type_id"]) not in dict(TRIGGERS):
            errors["trigger_type_id"] = [f'Invalid pk "{body["trigger_type_id"]}" - '
                                         f'object does not exist.']
        if errors:
            return Response(400, errors)
        hook = {"id": next(self._hook_ids), "endpoint": body["endpoint"],
                "trigger_type_id": int(body["trigger_type_id"])}
        self.hooks[hook["id"]] = hook
        self.webhook_url = hook["endpoint"]    # the latest registration is where we push
        return Response(201, hook)

    def delete_hook(self, request: Request) -> Response:
        hook = self.hooks.pop(_int(request.params["hook_id"]) or 0, None)
        if hook is None:
            return Response(404, {"detail": "Not found."})
        if self.webhook_url == hook["endpoint"]:
            self.webhook_url = None
        return Response(204, b"")

    def test_hook(self, request: Request) -> Response:
        self.post_webhook(envelope({"event": "TestRequest", "payload": {}, "instance_uuid": None}),
                          {})
        return Response(200, {"detail": "Test request sent."})

    def pushes_status_changes(self) -> bool:
        """Registered through the API, only "all" and "OrderStatusChanged" hooks get
        status changes; a URL set through /_control/webhook gets everything."""
        hook = next((h for h in self.hooks.values() if h["endpoint"] == self.webhook_url), None)
        return hook is None or hook["trigger_type_id"] in (1, 2)

    def on_status(self, parcel: Parcel, entry: Dict[str, Any], duplicate: bool) -> None:
        if parcel.history and entry is parcel.history[-1]:
            self._stamp(parcel, entry)      # a real move, not a replay
        if not self.webhook_url or not self.pushes_status_changes():
            return
        data = parcel.data
        payload = {"id": data["id"], "status": _code(entry["status"]),
                   "display_id_order": data["display_id"],
                   "external_order_id": data["external_order_id"],
                   **{k: data[k] for k in ("alerted_at", "alert_reason", "abort_reason",
                                           "delivered_at")}}
        body = envelope({"event": "OrderStatusChanged", "payload": payload,
                         "instance_uuid": data["id"]})
        for _ in range(2 if duplicate else 1):
            self.post_webhook(body, {})

    def _stamp(self, parcel: Parcel, entry: Dict[str, Any]) -> None:
        at, data = _iso(entry["at"]), parcel.data
        if entry["status"] == "41":
            data["delivered_at"] = at
        elif entry["status"] == "32":
            data["alerted_at"], data["alert_reason"] = at, entry.get("reason") or "injoignable"
        elif entry["status"] == "50" and data.get("abort_reason") is None:
            data["abort_reason"] = entry.get("reason") or "refused"

    # --- DRF pagination -----------------------------------------------------------------------------
    def _page(self, request: Request, items: List[Any]) -> Dict[str, Any]:
        page = max(1, _int(request.query.get("page")) or 1)
        chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        link = f"{self.base_url}{request.path.rstrip('/')}/?page="
        body = {"count": len(items),
                "next": link + str(page + 1) if page * PAGE_SIZE < len(items) else None,
                "previous": link + str(page - 1) if page > 1 else None, "results": chunk}
        return {"list": body} if self.list_wrapper else body


def envelope(document: Dict[str, Any]) -> bytes:
    data = base64.b64encode(json.dumps(document).encode("utf-8")).decode("ascii")
    return json.dumps({"message": {"data": data}}).encode("utf-8")


def _int(value: Any) -> Optional[int]:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def _code(status: str) -> Any:
    return int(status) if str(status).isdigit() else status


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
