"""A fake EcoTrack tenant (couriers.md §2 and §11 "EcoTrack").

Everything lives under /api/v1/ on the tenant host, so `api_root` is "" and the
account's base_url is the fake's origin. It reproduces: Bearer auth (Laravel's
token guard also reads `api_token` from the query), the two endpoints that take
the token from the query only, the 50/min limit with X-RateLimit-* headers,
create/order reading the query string (and a JSON body, as CDZ sends), the
Laravel 422 bag in French, HTTP 200 `{success:false, error:10002}` for a wilaya
the tenant does not serve, orders that lock once validated (error 10001), PDF
labels, tracking, Laravel pagination and the odd `echnage` fee key.

The tenant spells communes without accents ("Ain Taya") and compares names
exactly, so an adapter must use the tenant's own spelling from get/communes.
Messages marked "assumed" are plausible Laravel French wording, not quoted.
"""
from __future__ import annotations

import random
import re
import string
import time
import unicodedata
from collections import deque
from datetime import timedelta, timezone
from typing import Any, Deque, Dict, List, Mapping, Optional

from infra.local.couriers.common import (FakeCourier, Parcel, Request, Response,
                                         courier_geography, minimal_pdf)

V1 = "/api/v1"
ALGERIA = timezone(timedelta(hours=1))
INVALID = "The given data was invalid."
# Activity event key (get/tracking/info) shown for each order status the parcel reaches.
ACTIVITY_OF = {"prete_a_expedier": "order_information_received_by_carrier",
               "en_ramassage": "picked", "en_hub": "accepted_by_carrier",
               "en_livraison": "dispatched_to_driver", "suspendu": "attempt_delivery",
               "retour_chez_livreur": "return_asked",
               "retour_transit_entrepot": "return_in_transit",
               "retour_recu": "Return_received", "livre_non_encaisse": "livred",
               "encaisse_non_paye": "encaissed", "paye_et_archive": "payed"}
# update/order names its parameters differently from create/order.
UPDATE_NAMES = {"client": "nom_client", "tel": "telephone", "tel2": "telephone_2",
                "adresse": "adresse", "code_postal": "code_postal", "commune": "commune",
                "wilaya": "code_wilaya", "montant": "montant", "remarque": "remarque",
                "product": "produit", "boutique": "boutique", "type": "type",
                "stop_desk": "stop_desk", "fragile": "fragile", "gps_link": "gps_link",
                "reference": "reference"}


def _plain(name: str) -> str:
    """The name without accents: how this tenant spells its communes."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _label(field: str) -> str:
    return field.replace("_", " ")


class FakeEcotrack(FakeCourier):
    code = "ecotrack"
    api_root = ""
    SANDBOX_CREDENTIALS = {"api_token": "ecotrack-sandbox-4f1c9a7e2b5d"}
    DELIVERED_PATH = ("en_ramassage", "vers_hub", "en_hub", "vers_wilaya", "en_livraison",
                      "livre_non_encaisse")
    REFUSED_PATH = ("en_ramassage", "vers_wilaya", "en_livraison", "suspendu",
                    "retour_chez_livreur", "retour_transit_entrepot", "retour_recu")
    UNSERVED = (50, 54)          # this tenant does not deliver to Bordj Badji Mokhtar, In Guezzam
    PER_PAGE = 40
    LIMITS = ((50, 60.0, ""), (1500, 3600.0, "-Hour"))

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0) -> None:
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)
        wilayas, communes = courier_geography()
        self.wilaya_names = wilayas
        self.served = {code: name for code, name in wilayas.items() if code not in self.UNSERVED}
        self.communes = [{"nom": _plain(c["name"]), "wilaya_id": c["wilaya"],
                          "code_postal": str(int(c["code"])),
                          "has_stop_desk": int(self._has_desk(c["code"], c["wilaya"]))}
                         for c in communes if c["wilaya"] <= 58]
        self._sent: Deque[float] = deque()

    def _has_desk(self, code: str, wilaya: int) -> bool:
        """A desk in each served chef-lieu, and a second one in Algiers at Bordj El Kiffan."""
        return wilaya in self.served and (code.endswith("01") or code == "1630")

    # --- auth and limits ----------------------------------------------------------------------
    def authorized(self, request: Request) -> Optional[Response]:
        if request.path == f"{V1}/validate/token":
            return None                                   # it answers INVALID_TOKEN itself
        token = request.query.get("api_token")
        bearer = request.headers.get("authorization", "")
        if request.path != f"{V1}/get/orders/status" and bearer.startswith("Bearer "):
            token = token or bearer[len("Bearer "):]
        if token != self.credentials["api_token"]:
            return Response(401, {"message": "Unauthenticated."})
        return None

    def dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return super().dispatch(request)
        now = time.monotonic()
        with self.lock:
            while self._sent and self._sent[0] <= now - self.LIMITS[-1][1]:
                self._sent.popleft()
            if any(sum(1 for at in self._sent if at > now - window) >= count
                   for count, window, _ in self.LIMITS):
                return self.rate_limited()
            self._sent.append(now)
        response = super().dispatch(request)
        response.headers.update(self._quota(now))
        return response

    def _quota(self, now: float) -> Dict[str, str]:
        headers = {}
        for count, window, suffix in self.LIMITS:
            with self.lock:
                used = sum(1 for at in self._sent if at > now - window)
            headers[f"X-RateLimit-Limit{suffix}"] = str(count)
            headers[f"X-RateLimit-Remaining{suffix}"] = str(max(0, count - used))
        return headers

    def rate_limited(self) -> Response:
        return Response(429, {"message": "Too Many Attempts."},
                        {"Retry-After": "60", "X-RateLimit-Limit": "50",
                         "X-RateLimit-Remaining": "0"})

    # --- routes -------------------------------------------------------------------------------
    def routes(self) -> None:
        for method, path, handler in (
                ("GET", "", self.limits),
                ("GET", "/validate/token", self.validate_token),
                ("GET", "/get/wilayas", self.get_wilayas),
                ("GET", "/get/communes", self.get_communes),
                ("GET", "/get/desks", self.get_desks),
                ("GET", "/get/fees", self.get_fees),
                ("POST", "/create/order", self.create_order),
                ("POST", "/create/orders", self.create_orders),
                ("POST", "/update/order", self.update_order),
                ("DELETE", "/delete/order", self.delete_order),
                ("POST", "/valid/order", self.valid_order),
                ("GET", "/get/order/label", self.label),
                ("GET", "/get/tracking/info", self.tracking_info),
                ("GET", "/get/orders/status", self.orders_status),
                ("GET", "/get/orders", self.orders)):
            self.route(method, V1 + path, handler)

    def limits(self, request: Request) -> Response:
        return Response(200, {"limits": self._quota(time.monotonic())})

    def validate_token(self, request: Request) -> Response:
        valid = request.query.get("api_token") == self.credentials["api_token"]
        return Response(200, {"success": valid,
                              "message": "VALID_TOKEN" if valid else "INVALID_TOKEN"})

    def get_wilayas(self, request: Request) -> Response:
        return Response(200, [{"wilaya_id": code, "wilaya_name": name}
                              for code, name in sorted(self.served.items())])

    def get_communes(self, request: Request) -> Response:
        wilaya = request.query.get("wilaya_id")
        rows = [c for c in self.communes if wilaya is None or str(c["wilaya_id"]) == wilaya]
        return Response(200, {str(index): row for index, row in enumerate(rows)})

    def get_desks(self, request: Request) -> Response:
        others = [{"name": f"Agence {c['nom']}", "phone": "0550000000", "phone2": "",
                   "code_wilaya": c["wilaya_id"], "wilaya": self.wilaya_names[c["wilaya_id"]],
                   "commune": c["nom"], "adresse": f"Cité des 100 logements, {c['nom']}",
                   "map": ""}
                  for c in self.communes if c["has_stop_desk"]]
        hub = {"hub_id": 1, "hub_name": "Hub Alger",
               "location": {"wilaya": "Alger", "commune": "Bordj El Kiffan",
                            "adresse": "Zone industrielle", "phone": "0550000000", "phone2": "",
                            "email": "hub@example.invalid", "map": ""}, "working_hours": []}
        return Response(200, {"my_desk": hub, "other_desks": others})

    def get_fees(self, request: Request) -> Response:
        def grid(extra: int) -> List[Dict[str, Any]]:
            return [{"wilaya_id": code, "tarif": str(self.fee(code) + extra),
                     "tarif_stopdesk": str(self.fee(code) - 200 + extra)}
                    for code in sorted(self.served)]
        # Keys as the official example spells them (`echnage`, sic); pickup/retour assumed.
        return Response(200, {"livraison": grid(0), "echnage": grid(100), "recouvrement": grid(0),
                               "pickup": grid(50), "retour": grid(-100)})

    @staticmethod
    def fee(wilaya: int) -> int:
        return 400 if wilaya == 16 else 600 + (wilaya % 5) * 100

    # --- orders -------------------------------------------------------------------------------
    def _fields(self, request: Request) -> Dict[str, str]:
        body = request.json()
        fields = {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        fields.update({k: v for k, v in request.query.items() if k != "api_token"})
        return fields

    def _invalid(self, errors: Dict[str, List[str]]) -> Response:
        return Response(422, {"message": INVALID, "errors": errors})

    def validate(self, fields: Mapping[str, str]) -> Dict[str, List[str]]:
        errors: Dict[str, List[str]] = {}

        def refuse(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        for field in ("nom_client", "telephone", "adresse", "commune", "code_wilaya", "montant",
                      "type"):
            if not str(fields.get(field) or "").strip():
                refuse(field, f"Le champ {_label(field)} est obligatoire.")
        for field in ("reference", "nom_client", "adresse", "remarque", "produit"):
            if len(fields.get(field) or "") > 255:
                refuse(field, f"Le texte {_label(field)} ne peut contenir plus de 255 caractères.")
        for field in ("telephone", "telephone_2"):
            if fields.get(field) and not re.fullmatch(r"\d{9,10}", fields[field]):
                refuse(field, f"Le champ {_label(field)} doit avoir entre 9 et 10 chiffres.")
        wilaya = fields.get("code_wilaya") or ""
        if wilaya and not (wilaya.isdigit() and 1 <= int(wilaya) <= 58):
            refuse("code_wilaya",
                   "La valeur du champ code wilaya doit être comprise entre 1 et 58.")
        if fields.get("montant") and not re.fullmatch(r"\d+(\.\d+)?", fields["montant"]):
            refuse("montant", "Le champ montant doit contenir un nombre.")
        if fields.get("type") and fields["type"] not in ("1", "2", "3", "4"):
            refuse("type", "Le champ type sélectionné est invalide.")
        if fields.get("stock") == "1" and not fields.get("quantite"):
            refuse("quantite", "Le champ quantite est obligatoire quand stock est 1.")
        if fields.get("commune") and wilaya.isdigit() and not self._knows(int(wilaya),
                                                                          fields["commune"]):
            refuse("commune", "Commune mal écrite, ou désactivée.")
        if fields.get("stop_desk") == "1" and not any(
                c["has_stop_desk"] and c["code_postal"] == fields.get("code_postal")
                for c in self.communes):
            refuse("code_postal", "Le champ code postal sélectionné est invalide.")   # assumed
        return errors

    def _knows(self, wilaya: int, commune: str) -> bool:
        """Names are compared exactly but for case: "Aïn Taya" is not "Ain Taya"."""
        return any(c["wilaya_id"] == wilaya and c["nom"].casefold() == commune.casefold()
                   for c in self.communes)

    def place_order(self, fields: Dict[str, str]) -> Dict[str, Any]:
        """One order: the answer create/order gives, and one element of create/orders'."""
        errors = self.validate(fields)
        if errors:
            return {"errors": errors}
        if int(fields["code_wilaya"]) not in self.served:
            return {"success": False, "error": 10002,
                    "message": "Pas de livraison pour la wilaya sélectionnée"}
        tracking = "EC" + "".join(random.choices(string.ascii_uppercase, k=4)) \
            + "".join(random.choices(string.digits, k=10))
        with self.lock:
            self.new_parcel(tracking, fields.get("reference") or None, "prete_a_expedier",
                            dict(fields, validated=False, id=len(self.parcels) + 1))
        return {"success": True, "tracking": tracking}

    def create_order(self, request: Request) -> Response:
        answer = self.place_order(self._fields(request))
        return self._invalid(answer["errors"]) if "errors" in answer else Response(200, answer)

    def create_orders(self, request: Request) -> Response:
        body = request.json()
        orders = body.get("orders") if isinstance(body, dict) else None
        if isinstance(orders, list):         # PHP reads a JSON array the same as {"0": ...}
            orders = {str(index): order for index, order in enumerate(orders)}
        if not isinstance(orders, dict) or not orders or len(orders) > 100:
            return self._invalid({"orders": ["Le champ orders doit contenir entre 1 et 100 "
                                             "éléments."]})
        results = {}
        for index, order in orders.items():
            fields = {k: str(v) for k, v in (order or {}).items()}
            answer = self.place_order(fields)
            results[fields.get("reference") or index] = answer.get("errors", answer)
        return Response(200, {"results": results})

    def _order(self, request: Request) -> Optional[Parcel]:
        return self.parcels.get(request.query.get("tracking") or "")

    def _unknown(self) -> Response:
        return self._invalid({"tracking": ["Le champ tracking sélectionné est invalide."]})

    def _locked(self) -> Response:
        return Response(200, {"success": False, "error": 10001,
                              "message": "Commande non modifiable"})

    def update_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return self._unknown()
        if parcel.data["validated"]:
            return self._locked()
        changes = {UPDATE_NAMES[k]: v for k, v in request.query.items() if k in UPDATE_NAMES}
        errors = self.validate(dict(parcel.data, **changes))
        if errors:
            return self._invalid(errors)
        with self.lock:
            parcel.data.update(changes)
            parcel.reference = parcel.data.get("reference") or None
        return Response(200, {"success": True, "message": "Commande modifiée avec succès"})

    def delete_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return self._unknown()
        if parcel.data["validated"]:
            return self._locked()
        with self.lock:
            del self.parcels[parcel.tracking]
        return Response(200, {"success": True, "message": "Commande supprimée"})

    def valid_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return self._unknown()
        with self.lock:
            parcel.data["validated"] = True
        if request.query.get("ask_collection") == "1" and parcel.status == "prete_a_expedier":
            self.advance(parcel.tracking, "en_ramassage")
        return Response(200, {"success": True, "message": "Commande expedier avec succès"})

    def label(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return self._unknown()
        return Response(200, minimal_pdf(f"EcoTrack {parcel.tracking}"),
                        content_type="application/pdf")

    # --- tracking -----------------------------------------------------------------------------
    @staticmethod
    def _local(entry: Mapping[str, Any]) -> Dict[str, str]:
        at = entry["at"].astimezone(ALGERIA)
        return {"date": at.strftime("%Y-%m-%d"), "time": at.strftime("%H:%M:%S")}

    def tracking_info(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return self._unknown()
        activity = [dict(self._local(h), status=ACTIVITY_OF[h["status"]], station="Alger")
                    for h in parcel.history if h["status"] in ACTIVITY_OF]
        return Response(200, {"recipientName": parcel.data.get("nom_client"),
                              "shippedBy": "Boutique", "originCity": 16,
                              "destLocationCity": int(parcel.data["code_wilaya"]),
                              "currentStation": "Alger", "activity": activity, "reasons": []})

    def orders_status(self, request: Request) -> Response:
        trackings = [t for t in (request.query.get("trackings") or "").split(",") if t]
        if not trackings or len(trackings) > 100:
            return self._invalid({"trackings": ["Le champ trackings doit contenir entre 1 et "
                                                "100 éléments."]})
        wanted = (request.query.get("status") or "all").split(",")
        data = {}
        for tracking in trackings:
            parcel = self.parcels.get(tracking)
            if parcel is None or ("all" not in wanted and parcel.status not in wanted):
                continue
            # Newest first: the order is not documented, so the adapter must not rely on it.
            activity = [dict(self._local(h), reason=h.get("reason"), details=None, station="Alger",
                             driver=None, postponed_to=None) for h in reversed(parcel.history)]
            data[tracking] = {"status": parcel.status, "order_id": parcel.data["id"],
                              "desk_phone": None, "desk_commune": None, "desk_map_link": None,
                              "desk_address": None, "driver_phone": None, "activity": activity}
        return Response(200, {"data": data or []})      # PHP encodes an empty array as []

    def orders(self, request: Request) -> Response:
        rows = sorted(self.parcels.values(), key=lambda p: p.created_at, reverse=True)
        if request.query.get("tracking"):
            rows = [p for p in rows if p.tracking == request.query["tracking"]]
        asked = request.query.get("page") or "1"
        page = max(1, int(asked)) if asked.isdigit() else 1
        last = max(1, -(-len(rows) // self.PER_PAGE))
        chunk = rows[(page - 1) * self.PER_PAGE:page * self.PER_PAGE]
        return Response(200, {"current_page": page, "data": [self._row(p) for p in chunk],
                              "from": (page - 1) * self.PER_PAGE + 1 if chunk else None,
                              "last_page": last, "per_page": self.PER_PAGE,
                              "to": (page - 1) * self.PER_PAGE + len(chunk) if chunk else None,
                              "total": len(rows),
                              "next_page_url": None if page >= last else f"?page={page + 1}",
                              "prev_page_url": None if page <= 1 else f"?page={page - 1}"})

    def _row(self, parcel: Parcel) -> Dict[str, Any]:
        data = parcel.data
        return {"tracking": parcel.tracking, "reference": parcel.reference,
                "client": data.get("nom_client"), "phone": data.get("telephone"),
                "phone_2": data.get("telephone_2"), "adresse": data.get("adresse"),
                "commune": data.get("commune"), "wilaya_id": int(data["code_wilaya"]),
                "montant": f"{float(data['montant']):.2f}",
                "tarif_prestation": str(self.fee(int(data["code_wilaya"]))),
                "tarif_retour": "200", "type_id": int(data.get("type") or 1),
                "created_at": parcel.created_at.isoformat(), "payment_id": None, "return_id": None,
                "status": parcel.status, "products": data.get("produit")}

    # --- for tests ----------------------------------------------------------------------------
    def collected_amount(self, parcel: Parcel) -> int:
        return int(float(parcel.data["montant"]))

    def wilaya_of(self, parcel: Parcel) -> int:
        return int(parcel.data["code_wilaya"])

    def stop_desk_for(self, wilaya: int) -> Optional[str]:
        return next((c["code_postal"] for c in self.communes
                     if c["wilaya_id"] == wilaya and c["has_stop_desk"]), None)
