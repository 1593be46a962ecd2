"""A fake ZR Express (new platform, couriers.md §4 and §11) on 127.0.0.1.

It answers as the swagger-described API does: `X-Api-Key` + `X-Tenant` on every call
(401 for the key, 403 for the tenant), problem-details errors, territories and hubs as
UUIDs (stable across runs), customers before parcels, `POST parcels` answering only
`{id}`, a parcel state machine on the default workflow slugs (delete only before
pickup), labels as expiring file links it also serves, webhook endpoints (at most 5)
and Svix-signed deliveries in either body casing (`casing` = "pascal" or "camel").

Extra controls (no credentials, fake only):
  POST /_control/casing      {"casing": "pascal" | "camel"}
  POST /_control/situation   {"tracking", "name", "description"}: a
                             parcel.state.situation.created event
  POST /_control/is_return   {"tracking", "isReturn": bool}: a parcel.isReturn.updated event
  POST /_control/faults      {"tracking_pending": n}: the next n reads by id show no
                             tracking number yet (as one client saw right after a create)
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import string
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple

import requests

from chalicelib.geo.names import normalize_name
from infra.local.couriers.common import FakeCourier, Parcel, Request, Response, courier_geography, \
    minimal_pdf

NAMESPACE = uuid.UUID("0f6f1a52-6a8e-4c55-9a43-3b1c7e2f9d10")
UNSERVED = (33, 37, 50, 56)       # one client hard-codes these as not served by ZR
MAX_ENDPOINTS = 5
MAX_AMOUNT = 150000
EVENT_TYPES = ("parcel.state.updated", "parcel.state.situation.created", "parcel.isReturn.updated")
MOBILE = re.compile(r"^\+213[567]\d{8}$")
BLOBS = "/blob/labels/"           # stands for the Azure Blob host of the label files

# The default workflow (§4.5): slug -> French label.
STATES: Dict[str, str] = {
    "commande_recue": "Commande reçue", "en_traitement": "En traitement",
    "appel_confirmation": "Appel de confirmation", "commande_confirmee": "Commande confirmée",
    "en_preparation": "En préparation", "pret_a_expedier": "Prêt à expédier",
    "confirme_au_bureau": "Confirmé au bureau", "confirme_chez_partenaire": "Confirmé chez partenaire",
    "dispatch": "Dispatch", "vers_wilaya": "Vers wilaya",
    "sortie_en_livraison": "Sortie en livraison", "en_livraison": "En livraison",
    "livre": "Livré au client", "encaisse": "Encaissé", "recouvert": "Recouvert",
    "retour_sous_traitant": "Retour sous-traitant",
    "attente_recuperation_fournisseur": "En attente récupération fournisseur",
    "colis_recupere": "Colis récupéré", "reinjecte_dans_stock": "Réinjecté dans le stock",
    "remboursement_reinjecte": "Remboursement réinjecté",
    "recupere_par_fournisseur": "Récupéré par fournisseur",
}
# The merchant may still delete a parcel ZR has not picked up.
DELETABLE = ("commande_recue", "en_traitement", "appel_confirmation", "commande_confirmee",
             "en_preparation", "pret_a_expedier")
RETURN_LEG = ("retour_sous_traitant", "attente_recuperation_fournisseur", "colis_recupere",
              "reinjecte_dans_stock", "remboursement_reinjecte", "recupere_par_fournisseur")


def stable_id(kind: str, key: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def problem(status: int, title: str, detail: Optional[str] = None,
            errors: Tuple[Tuple[str, str], ...] = ()) -> Response:
    return Response(status, {"type": f"https://httpstatuses.io/{status}", "title": title,
                             "status": status, "detail": detail,
                             "errors": [{"code": code, "description": text} for code, text in errors]},
                    content_type="application/problem+json")


def page(items: List[Any], body: Mapping[str, Any]) -> Dict[str, Any]:
    number = max(1, int(body.get("pageNumber") or 1))
    size = max(1, min(5000, int(body.get("pageSize") or 10)))
    total_pages = max(1, -(-len(items) // size))
    return {"items": items[(number - 1) * size:number * size], "pageNumber": number,
            "pageSize": size, "totalCount": len(items), "totalPages": total_pages,
            "hasPreviousPage": number > 1, "hasNextPage": number < total_pages}


def pascal(value: Any) -> Any:
    if isinstance(value, dict):
        return {key[:1].upper() + key[1:]: pascal(item) for key, item in value.items()}
    return [pascal(item) for item in value] if isinstance(value, list) else value


def svix_signature(secret: str, msg_id: str, stamp: str, body: bytes) -> str:
    key = base64.b64decode(secret[len("whsec_"):])
    digest = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _geography() -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(territories, hubs) in ZR's shapes, built from the 58-wilaya courier geography."""
    wilayas, communes = courier_geography()
    territories, hubs = [], []
    for code, name in sorted(wilayas.items()):
        served = code not in UNSERVED
        territories.append({"id": stable_id("wilaya", code), "code": code, "name": name,
                            "postalCode": f"{code:02d}000", "level": "wilaya", "parentId": None,
                            "deliveryCapability": {"hasHomeDelivery": served, "hasPickupPoint": served}})
    for commune in sorted(communes, key=lambda c: c["code"]):
        served = commune["wilaya"] not in UNSERVED
        territories.append({"id": stable_id("commune", commune["code"]), "code": int(commune["code"]),
                            "name": commune["name"], "postalCode": commune["code"] + "0",
                            "level": "commune", "parentId": stable_id("wilaya", commune["wilaya"]),
                            "deliveryCapability": {"hasHomeDelivery": served, "hasPickupPoint": served}})
    for code, name in sorted(wilayas.items()):
        first = min((c for c in communes if c["wilaya"] == code), key=lambda c: c["code"])
        if code not in UNSERVED:
            hubs.append({"id": stable_id("hub", code), "name": f"Agence ZR {name}", "isPickupPoint": True,
                         "openingHours": "Sam-Jeu 08:00-17:00",
                         "address": {"street": f"Route nationale, {first['name']}",
                                     "cityTerritoryId": stable_id("wilaya", code),
                                     "districtTerritoryId": stable_id("commune", first["code"]),
                                     "district": first["name"]}})
    hubs.append({"id": stable_id("hub", "sorting-16"), "name": "Hub de tri Alger", "isPickupPoint": False,
                 "openingHours": None, "address": {"street": "Zone industrielle", "district": "Oued Smar",
                                                   "cityTerritoryId": stable_id("wilaya", 16),
                                                   "districtTerritoryId": stable_id("commune", "1629")}})
    return territories, hubs


class FakeZrExpress(FakeCourier):
    code = "zr_express"
    api_root = "/api/v1"
    SANDBOX_CREDENTIALS = {
        "api_key": "zr-sandbox-api-key-0123456789abcdef",
        "tenant_id": "7d3c6a9e-2b1f-4e8a-9c5d-1a2b3c4d5e6f",
        "webhook_secret": "whsec_" + base64.b64encode(b"zr-sandbox-webhook-signing-key!!").decode(),
    }
    DELIVERED_PATH = ("pret_a_expedier", "confirme_au_bureau", "vers_wilaya",
                      "sortie_en_livraison", "livre")
    REFUSED_PATH = ("pret_a_expedier", "confirme_au_bureau", "vers_wilaya", "sortie_en_livraison",
                    "attente_recuperation_fournisseur", "recupere_par_fournisseur")

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0) -> None:
        self.casing = "pascal"              # the form two live-run handlers read
        self.states = dict(STATES)          # a tenant may rename its workflow
        self.label_ttl = 300.0              # seconds a label link stays valid
        self.territories, self.hubs = _geography()
        self._territory = {t["id"]: t for t in self.territories}
        self.ids: Dict[str, str] = {}       # parcel id -> tracking number
        self.customers: Dict[str, Dict[str, Any]] = {}
        self.endpoints: Dict[str, Dict[str, Any]] = {}
        self.label_files: Dict[str, Tuple[bytes, str, float]] = {}
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)


    def routes(self) -> None:
        for method, pattern, handler in (
                ("GET", "/users/profile", self._profile),
                ("POST", "/territories/search", self._territories),
                ("POST", "/hubs/search", lambda r: Response(200, page(self.hubs, r.json() or {}))),
                ("GET", "/delivery-pricing/rates", self._rates),
                ("GET", "/delivery-pricing/rates/{territory}", self._rates),
                ("POST", "/workflows/search", self._workflow),
                ("POST", "/customers/individual", self._new_customer),
                ("POST", "/parcels", self._create),
                ("POST", "/parcels/search", self._search),
                ("DELETE", "/parcels/bulk/by-tracking-number", self._delete_many),
                ("GET", "/parcels/{ref}", self._read),
                ("DELETE", "/parcels/{ref}", self._delete),
                ("GET", "/parcels/{ref}/state-history", self._history),
                ("POST", "/parcels/labels/individual", self._labels),
                ("POST", "/parcels/labels/individual/pdf", self._labels),
                ("POST", "/webhooks/endpoints", self._new_endpoint),
                ("GET", "/webhooks/endpoints", self._endpoints),
                ("GET", "/webhooks/endpoints/{id}", self._endpoint),
                ("PUT", "/webhooks/endpoints/{id}", self._endpoint),
                ("DELETE", "/webhooks/endpoints/{id}", self._endpoint),
                ("GET", "/webhooks/endpoints/{id}/secret", self._endpoint_part),
                ("GET", "/webhooks/endpoints/{id}/headers", self._endpoint_part)):
            self.route(method, pattern, handler)

    def authorized(self, request: Request) -> Optional[Response]:
        if request.headers.get("x-api-key") != self.credentials.get("api_key"):
            return problem(401, "Unauthorized", "The API key is missing or invalid.")
        if request.headers.get("x-tenant") != self.credentials.get("tenant_id"):
            return problem(403, "Forbidden", "This API key has no access to the requested tenant.")
        return None

    def rate_limited(self) -> Response:
        refused = problem(429, "Too Many Requests", "Rate limit exceeded. Try again later.")
        refused.headers["Retry-After"] = "2"
        return refused

    # --- reference data ---------------------------------------------------------------------
    def _profile(self, request: Request) -> Response:
        return Response(200, {"id": stable_id("user", self.credentials.get("tenant_id")),
                              "email": "boutique@example.dz", "firstName": "Sandbox",
                              "lastName": "Boutique", "tenantId": self.credentials.get("tenant_id"),
                              "roles": ["supplier"]})

    def _territories(self, request: Request) -> Response:
        body = request.json() or {}
        keyword = normalize_name(str(body.get("keyword") or ""))
        found = [t for t in self.territories if not keyword or keyword in normalize_name(t["name"])
                 or keyword == str(t["code"])]
        return Response(200, page(found, body))

    def _served(self, wilaya: Mapping[str, Any]) -> bool:
        return wilaya["deliveryCapability"]["hasHomeDelivery"]

    def _rates(self, request: Request) -> Response:
        rates = []
        for wilaya in (t for t in self.territories if t["level"] == "wilaya" and self._served(t)):
            if request.params.get("territory") not in (None, wilaya["id"]):
                continue
            home = 400 if wilaya["code"] == 16 else 600 + (wilaya["code"] % 5) * 100
            rates.append({"toTerritoryId": wilaya["id"], "toTerritoryCode": wilaya["code"],
                          "toTerritoryName": wilaya["name"],
                          "deliveryPrices": [{"deliveryType": "home", "price": home},
                                             {"deliveryType": "pickup-point", "price": home - 150},
                                             {"deliveryType": "return", "price": 200}]})
        return Response(200, {"rates": rates})

    def _workflow(self, request: Request) -> Response:
        items = [{"id": stable_id("state", slug), "name": slug, "description": label, "order": n}
                 for n, (slug, label) in enumerate(self.states.items())]
        return Response(200, page(items, request.json() or {}))

    # --- customers and parcels ------------------------------------------------------------------
    def _new_customer(self, request: Request) -> Response:
        body = request.json() or {}
        number = str((body.get("phone") or {}).get("number1") or "")
        errors = tuple(e for e in (
            ("Customer.Name", "Name is required") if not str(body.get("name") or "").strip() else None,
            ("Customer.Phone", "Phone number must be a valid mobile number in international format "
                               "(+213XXXXXXXXX).") if not MOBILE.match(number) else None) if e)
        if errors:
            return problem(400, "Validation Error", "One or more validation errors occurred.", errors)
        customer_id = str(uuid.uuid4())
        self.customers[customer_id] = {"id": customer_id, "name": body["name"], "phone": body["phone"]}
        return Response(201, {"id": customer_id})

    def _parcel_errors(self, body: Mapping[str, Any]) -> Tuple[Tuple[str, str], ...]:
        customer, address = body.get("customer") or {}, body.get("deliveryAddress") or {}
        products = [p if isinstance(p, dict) else {} for p in body.get("orderedProducts") or []]
        amount, kind = body.get("amount"), body.get("deliveryType")
        checks = (
            (not customer.get("customerId"), "Customer.CustomerId", "Customer is required"),
            (not MOBILE.match(str((customer.get("phone") or {}).get("number1") or "")),
             "Customer.Phone", "Phone number must be a valid mobile number in international format."),
            (not address.get("cityTerritoryId"), "DeliveryAddress.CityTerritoryId", "City is required"),
            (not address.get("districtTerritoryId"), "DeliveryAddress.DistrictTerritoryId",
             "District is required"),
            (kind not in ("home", "pickup-point", "return"), "DeliveryType",
             f"'{kind}' is not a valid delivery type."),
            (kind == "pickup-point" and not body.get("hubId"), "HubId",
             "Hub is required for pickup-point delivery"),
            (not str(body.get("description") or "").strip(), "Description", "Description is required"),
            (not products, "OrderedProducts", "At least one product is required"),
            (any(not str(p.get("productName") or "").strip() for p in products),
             "OrderedProducts.Name", "Name is required"),
            (any(not isinstance(p.get("quantity"), int) or p["quantity"] < 1 for p in products),
             "OrderedProducts.Quantity", "Quantity must be greater than 0"),
            (not isinstance(amount, (int, float)) or not 0 <= amount <= MAX_AMOUNT, "Amount",
             f"Amount must be between 0 and {MAX_AMOUNT}."))
        return tuple((code, text) for failed, code, text in checks if failed)

    def _places(self, body: Mapping[str, Any]) -> Optional[Response]:
        """404 for ids ZR does not know, 400 for a place it does not deliver to."""
        address = body["deliveryAddress"]
        city = self._territory.get(address["cityTerritoryId"])
        district = self._territory.get(address["districtTerritoryId"])
        if body["customer"]["customerId"] not in self.customers:
            return problem(404, "Not Found", "Customer was not found.")
        if not city or city["level"] != "wilaya" or not district \
                or district["parentId"] != city["id"]:
            return problem(404, "Not Found", "Territory was not found.")
        if not self._served(city):
            return problem(400, "Validation Error", "One or more validation errors occurred.",
                           (("DeliveryAddress.Territory",
                             f"Delivery is not available to {city['name']}."),))
        hub = next((h for h in self.hubs if h["id"] == body.get("hubId")), None)
        if body["deliveryType"] == "pickup-point" and (
                not hub or not hub["isPickupPoint"] or hub["address"]["cityTerritoryId"] != city["id"]):
            return problem(404, "Not Found", "Pickup point was not found in this wilaya.")
        return None

    def _create(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, dict):
            return problem(400, "Bad Request", "The request body is not valid JSON.")
        errors = self._parcel_errors(body)
        if errors:
            return problem(400, "Validation Error", "One or more validation errors occurred.", errors)
        refused = self._places(body)
        if refused is not None:
            return refused
        code = self._territory[body["deliveryAddress"]["cityTerritoryId"]]["code"]
        with self.lock:
            tracking = f"{code:02d}-{self._suffix()}-ZR"
            while tracking in self.parcels:
                tracking = f"{code:02d}-{self._suffix()}-ZR"
            parcel_id = str(uuid.uuid4())
            data = dict(body, id=parcel_id, isReturn=False, situation=None,
                        customer=dict(body["customer"], id=body["customer"]["customerId"]))
            self.new_parcel(tracking, body.get("externalId"), "commande_recue", data)
            self.ids[parcel_id] = tracking
        return Response(201, {"id": parcel_id})

    @staticmethod
    def _suffix() -> str:
        return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6))

    def _record(self, parcel: Parcel, numbered: bool = True) -> Dict[str, Any]:
        return dict(parcel.data, trackingNumber=parcel.tracking if numbered else None,
                    state=self._state(parcel.status), createdAt=iso(parcel.created_at),
                    updatedAt=iso(parcel.history[-1]["at"]))

    def _state(self, slug: str) -> Dict[str, Any]:
        return {"id": stable_id("state", slug), "name": slug, "description": self.states.get(slug, slug)}

    def _lookup(self, ref: str) -> Optional[Parcel]:
        with self.lock:
            return self.parcels.get(self.ids.get(ref, ref))

    def _read(self, request: Request) -> Response:
        parcel = self._lookup(request.params["ref"])
        if parcel is None:
            return problem(404, "Not Found", f"Parcel '{request.params['ref']}' was not found.")
        by_id = request.params["ref"] in self.ids
        return Response(200, self._record(parcel, not (by_id and self.take_fault("tracking_pending"))))

    def _search(self, request: Request) -> Response:
        body = request.json() or {}
        keyword = str(body.get("keyword") or "").casefold()
        with self.lock:
            parcels = sorted(self.parcels.values(), key=lambda p: p.created_at, reverse=True)
        found = [self._record(p) for p in parcels if not keyword or any(
            keyword in str(value or "").casefold() for value in (
                p.tracking, p.data.get("externalId"), p.data["customer"].get("name"),
                p.data["customer"]["phone"].get("number1")))]
        return Response(200, page(found, body))

    def _history(self, request: Request) -> Response:
        parcel = self._lookup(request.params["ref"])
        if parcel is None:
            return problem(404, "Not Found", f"Parcel '{request.params['ref']}' was not found.")
        entries, previous = [], None
        for entry in parcel.history:
            entries.append({"id": entry["event_id"], "parcelId": parcel.data["id"],
                            "oldState": previous and self._state(previous),
                            "newState": self._state(entry["status"]),
                            "situation": entry["reason"] and {"name": entry["reason"],
                                                              "description": entry["reason"]},
                            "createdAt": iso(entry["at"])})
            previous = entry["status"]
        return Response(200, entries)

    def _remove(self, parcel: Optional[Parcel]) -> Optional[str]:
        """Delete a parcel ZR has not picked up; the refusal's words otherwise."""
        if parcel is None:
            return "Parcel was not found."
        if parcel.status not in DELETABLE:
            return f"Parcel in state '{parcel.status}' can no longer be deleted."
        with self.lock:
            self.parcels.pop(parcel.tracking, None)
            self.ids.pop(parcel.data["id"], None)
        return None

    def _delete(self, request: Request) -> Response:
        refusal = self._remove(self._lookup(request.params["ref"]))
        if refusal is None:
            return Response(204, b"")
        return problem(404 if "not found" in refusal else 400, "Parcel.CannotDelete", refusal)

    def _delete_many(self, request: Request) -> Response:
        failures, done = [], 0
        for tracking in (request.json() or {}).get("trackingNumbers") or []:
            refusal = self._remove(self._lookup(str(tracking)))
            if refusal is None:
                done += 1
            else:
                failures.append({"trackingNumber": tracking, "errorMessage": refusal})
        return Response(200, {"successCount": done, "failures": failures})

    # --- labels -----------------------------------------------------------------------------------
    def _labels(self, request: Request) -> Response:
        trackings = (request.json() or {}).get("trackingNumbers") or []
        if not trackings or len(trackings) > 100:
            return problem(400, "Validation Error", "One or more validation errors occurred.",
                           (("TrackingNumbers", "Between 1 and 100 tracking numbers are required"),))
        pdf = request.path.endswith("/pdf")
        files, failed = [], []
        for tracking in trackings:
            parcel = self._lookup(str(tracking))
            if parcel is None:
                failed.append(tracking)
                continue
            token = secrets.token_urlsafe(12)
            content = minimal_pdf(f"ZR Express {tracking}") if pdf else \
                f"<html><body><h1>{tracking}</h1></body></html>".encode()
            self.label_files[token] = (content, "application/pdf" if pdf else "text/html",
                                       time.time() + self.label_ttl)
            expiry = datetime.fromtimestamp(time.time() + self.label_ttl, timezone.utc)
            files.append({"trackingNumber": tracking, "fileUrl": f"{self.origin}{BLOBS}{token}"
                          f"{'.pdf' if pdf else '.html'}?se={iso(expiry)}&sp=r&sig={token[:8]}"})
        return Response(200, {"parcelLabelFiles": files, "failedTrackingNumbers": failed})

    def _blob(self, request: Request) -> Response:
        token = request.path[len(BLOBS):].rsplit(".", 1)[0]
        content, kind, expires = self.label_files.get(token, (b"", "", 0.0))
        if not content or time.time() > expires:
            return Response(403, "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"
                                 "AuthenticationFailed</Code><Message>Signed expiry time has "
                                 "passed.</Message></Error>", content_type="application/xml")
        return Response(200, content, content_type=kind)

    # --- webhook endpoints --------------------------------------------------------------------------
    def _endpoint_errors(self, body: Mapping[str, Any]) -> Tuple[Tuple[str, str], ...]:
        url = str(body.get("url") or "")
        # https only, as ZR asks; plain http on loopback so tests can receive.
        loopback = re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/", url)
        bad_types = [t for t in body.get("eventTypes") or [] if t not in EVENT_TYPES]
        return tuple(e for e in (
            ("Url", "Url must be a valid https URL") if not (url.startswith("https://") or loopback)
            else None,
            ("EventTypes", f"Unknown event types: {', '.join(bad_types)}") if bad_types else None) if e)

    def _new_endpoint(self, request: Request) -> Response:
        body = request.json() or {}
        errors = self._endpoint_errors(body)
        if errors:
            return problem(400, "Validation Error", "One or more validation errors occurred.", errors)
        if len(self.endpoints) >= MAX_ENDPOINTS:
            return problem(409, "Endpoints.LimitReached", "A tenant can have at most 5 webhook endpoints.",
                           (("Endpoints.LimitReached", "Webhook endpoints limit reached."),))
        endpoint_id = "ep_" + secrets.token_hex(12)
        self.endpoints[endpoint_id] = {
            "id": endpoint_id, "url": body["url"], "description": body.get("description") or "",
            "eventTypes": list(body.get("eventTypes") or []), "headers": dict(body.get("headers") or {}),
            "secret": "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()}
        return Response(201, {"id": endpoint_id})

    def _endpoints(self, request: Request) -> Response:
        return Response(200, {"items": [self._public(e) for e in self.endpoints.values()]})

    @staticmethod
    def _public(endpoint: Mapping[str, Any]) -> Dict[str, Any]:
        """An endpoint as listed: its secret only comes from `.../secret`."""
        return {key: value for key, value in endpoint.items() if key != "secret"}

    def _endpoint(self, request: Request) -> Response:
        endpoint = self.endpoints.get(request.params["id"])
        if endpoint is None:
            return problem(404, "Not Found", "Webhook endpoint was not found.")
        if request.method == "DELETE":
            del self.endpoints[endpoint["id"]]
            return Response(204, b"")
        if request.method == "PUT":
            body = request.json() or {}
            errors = self._endpoint_errors(dict(endpoint, **body))
            if errors:
                return problem(400, "Validation Error", "One or more validation errors occurred.", errors)
            endpoint.update({k: body[k] for k in ("url", "description", "eventTypes", "headers")
                             if k in body})
        return Response(200, self._public(endpoint))

    def _endpoint_part(self, request: Request) -> Response:
        endpoint = self.endpoints.get(request.params["id"])
        if endpoint is None:
            return problem(404, "Not Found", "Webhook endpoint was not found.")
        part = "secret" if request.path.endswith("/secret") else "headers"
        return Response(200, {part: endpoint[part]})

    # --- pushing ------------------------------------------------------------------------------------
    def advance(self, tracking: str, status: str, reason: Optional[str] = None,
                duplicate: bool = False) -> Dict[str, Any]:
        with self.lock:
            parcel = self.parcels.get(tracking)
            if parcel is not None and status in RETURN_LEG:
                parcel.data["isReturn"] = True
            if parcel is not None and reason:
                parcel.data["situation"] = {"name": reason, "description": reason}
        return super().advance(tracking, status, reason, duplicate)

    def on_status(self, parcel: Parcel, entry: Dict[str, Any], duplicate: bool) -> None:
        self.emit("parcel.state.updated", parcel, entry["status"], entry["at"], duplicate)

    def event(self, kind: str, parcel: Parcel, state: str, at: datetime) -> Dict[str, Any]:
        data = {"id": parcel.data["id"], "trackingNumber": parcel.tracking,
                "externalId": parcel.data.get("externalId"), "amount": parcel.data["amount"],
                "customer": {"name": parcel.data["customer"]["name"],
                             "phone": {"number1": parcel.data["customer"]["phone"]["number1"]}},
                "deliveryAddress": {"city": parcel.data["deliveryAddress"].get("city")},
                "state": {"name": state, "description": self.states.get(state, state)},
                "situation": parcel.data.get("situation"), "isReturn": parcel.data["isReturn"]}
        if self.casing == "camel":      # the documented ParcelWebhookDto
            return {"eventType": kind, "occurredAt": iso(at), "data": data}
        situation = parcel.data.get("situation") or {}
        data.update(newStateName=state, situationName=situation.get("name"),
                    situationDescription=situation.get("description"))
        return pascal({"eventType": kind, "data": data})    # as live handlers received it

    def emit(self, kind: str, parcel: Parcel, state: str, at: datetime, duplicate: bool = False) -> None:
        body = json.dumps(self.event(kind, parcel, state, at), ensure_ascii=False).encode("utf-8")
        msg_id = "msg_" + secrets.token_hex(12)
        targets = [(self.webhook_url, self.webhook_secret or self.credentials.get("webhook_secret"), {})]
        targets += [(e["url"], e["secret"], e["headers"]) for e in list(self.endpoints.values())
                    if not e["eventTypes"] or kind in e["eventTypes"]]
        for url, secret, extra in targets:
            if not url or not secret:
                continue
            for _ in range(2 if duplicate else 1):       # a retry keeps the svix-id
                stamp = str(int(time.time()))
                headers = dict(extra, **{"svix-id": msg_id, "svix-timestamp": stamp,
                                         "svix-signature": svix_signature(secret, msg_id, stamp, body)})
                self._deliver(url, body, headers)

    def _deliver(self, url: str, body: bytes, headers: Dict[str, str]) -> None:
        if url == self.webhook_url:
            self.post_webhook(body, headers)
            return
        try:
            status = requests.post(url, data=body, timeout=10,
                                   headers=dict(headers, **{"Content-Type": "application/json"})).status_code
        except requests.RequestException:
            status = 0
        self.webhook_deliveries.append({"status": status, "body": body.decode("utf-8"), "url": url})

    # --- dispatch and controls ---------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        if request.path.startswith(BLOBS):
            return self._blob(request)
        if request.method == "POST" and request.path.rstrip("/") in (
                "/_control/casing", "/_control/situation", "/_control/is_return"):
            return self._zr_control(request)
        return super().dispatch(request)

    def _zr_control(self, request: Request) -> Response:
        body = request.json() or {}
        name = request.path.rstrip("/").rsplit("/", 1)[-1]
        if name == "casing":
            if body.get("casing") not in ("pascal", "camel"):
                return Response(400, {"error": "casing is pascal or camel"})
            self.casing = body["casing"]
            return Response(200, {"casing": self.casing})
        parcel = self._lookup(str(body.get("tracking")))
        if parcel is None:
            return Response(404, {"error": "unknown tracking"})
        with self.lock:
            if name == "situation":
                parcel.data["situation"] = {"name": body.get("name"), "description": body.get("description")}
            else:
                parcel.data["isReturn"] = bool(body.get("isReturn"))
        kind = "parcel.state.situation.created" if name == "situation" else "parcel.isReturn.updated"
        self.emit(kind, parcel, parcel.status, datetime.now(timezone.utc))
        return Response(200, {"sent": kind})

    # --- what the shared tests read ------------------------------------------------------------------
    def _parcel_of(self, parcel: Any) -> Parcel:
        return self.parcels[self.ids.get(str(getattr(parcel, "tracking", parcel)),
                                         str(getattr(parcel, "tracking", parcel)))]

    def collected_amount(self, parcel: Any) -> int:
        return int(self._parcel_of(parcel).data["amount"])

    def wilaya_of(self, parcel: Any) -> int:
        return self._territory[self._parcel_of(parcel).data["deliveryAddress"]["cityTerritoryId"]]["code"]

    def stop_desk_for(self, wilaya: int) -> str:
        return next(h["id"] for h in self.hubs if h["isPickupPoint"]
                    and h["address"]["cityTerritoryId"] == stable_id("wilaya", wilaya))
