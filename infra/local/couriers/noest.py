"""A fake Noest Express (couriers.md §6 and §11 "Noest"), under /api/public.

It reproduces: the `api_token` + `user_guid` pair read from a JSON or form body,
the query, or `Authorization: Bearer` + `user_guid`; create/order with the
NOEST-PDF rules (a Laravel 422 bag in French) and `{success:false, errors}` for
a commune, wilaya or desk Noest does not serve; valid/order, after which the
order can no longer be updated or deleted; get/trackings/info keyed by tracking
with `activity[].event_key` (and the stray leading space the doc's own example
shows on " return_dispatched_to_partenaire"); the label as a PDF from a GET with
`api_token` and `tracking` in the query; fees as `tarifs.delivery`; desks with
station codes such as "16A". Noest serves 56 wilayas: 54 and 56 are left out.

Noest spells communes without accents here and compares names exactly.
Assumed (not documented): the 401/403 bodies and the wording of refusals.
"""
from __future__ import annotations

import random
import re
import string
import unicodedata
from datetime import timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import parse_qs

from infra.local.couriers.common import (FakeCourier, Parcel, Request, Response,
                                         courier_geography, minimal_pdf)

ALGERIA = timezone(timedelta(hours=1))
INVALID = "The given data was invalid."
# The French label Noest shows beside each event key (NOEST-PDF §7).
EVENTS = {"upload": "Uploadé sur le système", "customer_validation": "Validé",
          "validation_collect_colis": "Colis Ramassé",
          "validation_reception_admin": "Reception validé",
          "validation_reception": "Enlevé par le livreur", "fdr_activated": "En livraison",
          "sent_to_redispatch": "En livraison", "mise_a_jour": "Tentative de livraison",
          "colis_suspendu": "Suspendu", "livre": "Livré", "livred": "Livré",
          "verssement_admin_cust": "Montant transmis au partenaire",
          "return_asked_by_customer": "Retour demandé par le partenaire",
          "return_asked_by_hub": "Retour En transit",
          "return_dispatched_to_partenaire": "Retour transmis au partenaire",
          "livraison_echoue_recu": "Retour reçu par le partenaire",
          "return_validated_by_partener": "Retour validé par le partenaire",
          "edit_price": "Prix modifié"}
# update/order names its fields differently from create/order.
UPDATE_NAMES = {"reference": "reference", "client": "client", "tel": "phone", "tel2": "phone_2",
                "adresse": "adresse", "wilaya": "wilaya_id", "commune": "commune",
                "montant": "montant", "remarque": "remarque", "product": "produit",
                "poids": "poids", "type": "type_id", "stop_desk": "stop_desk"}


def _plain(name: str) -> str:
    """The name without accents: how this fake spells Noest's communes."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_int(value: Any, low: int, high: int) -> bool:
    text = str(value)
    return text.lstrip("-").isdigit() and low <= int(text) <= high


class FakeNoest(FakeCourier):
    code = "noest"
    api_root = "/api/public"
    SANDBOX_CREDENTIALS = {"api_token": "noest-sandbox-9c2e7d41a8b3f650", "user_guid": "2QG0JDFP"}
    DELIVERED_PATH = ("validation_collect_colis", "validation_reception_admin", "fdr_activated",
                      "livre")
    REFUSED_PATH = ("validation_collect_colis", "fdr_activated", "mise_a_jour",
                    "return_asked_by_customer", "return_asked_by_hub",
                    "return_dispatched_to_partenaire", "livraison_echoue_recu")
    UNSERVED = (54, 56)          # In Guezzam, Djanet: "56 wilayas served"

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0) -> None:
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)
        wilayas, communes = courier_geography()
        self.served = {code: name for code, name in wilayas.items() if code not in self.UNSERVED}
        self.communes = [{"nom": _plain(c["name"]), "wilaya_id": c["wilaya"],
                          "code_postal": str(int(c["code"]))}
                         for c in communes if c["wilaya"] <= 58]
        # A desk in each chef-lieu ("16A") and a second one in Algiers, at Bordj El Kiffan.
        self.desks = {f"{w:02d}A": self._chef_lieu(w) for w in sorted(self.served)}
        self.desks["16B"] = "Bordj El Kiffan"
        self.notes: List[Tuple[str, str]] = []

    def _chef_lieu(self, wilaya: int) -> str:
        return next(c["nom"] for c in self.communes if c["code_postal"] == f"{wilaya}01")

    # --- auth ---------------------------------------------------------------------------------
    @staticmethod
    def _fields(request: Request) -> Dict[str, Any]:
        """The request's parameters: query, then a JSON or form body."""
        fields: Dict[str, Any] = dict(request.query)
        body = request.json()
        if isinstance(body, dict):
            fields.update(body)
        elif request.body:
            parsed = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in parsed.items():
                if key.endswith("[]"):          # trackings[]=A&trackings[]=B
                    fields[key[:-2]] = values
                else:
                    fields[key] = values[-1]
        return fields

    def authorized(self, request: Request) -> Optional[Response]:
        fields = self._fields(request)
        bearer = request.headers.get("authorization", "")
        token = fields.get("api_token") or (bearer[7:] if bearer.startswith("Bearer ") else None)
        if token != self.credentials["api_token"]:
            return Response(401, {"message": "Unauthenticated."})
        if request.path == "/get/order/label":
            return None                   # the label link carries the token only
        if fields.get("user_guid") != self.credentials["user_guid"]:
            return Response(403, {"success": False, "message": "user_guid invalide."})
        return None

    # --- routes -------------------------------------------------------------------------------
    def routes(self) -> None:
        for method, path, handler in (
                ("POST", "/create/order", self.create_order),
                ("POST", "/valid/order", self.valid_order),
                ("POST", "/delete/order", self.delete_order),
                ("POST", "/update/order", self.update_order),
                ("POST", "/add/maj", self.add_note),
                ("POST", "/get/trackings/info", self.trackings_info),
                ("GET", "/get/order/label", self.label),
                ("GET", "/get/wilayas", self.get_wilayas),
                ("GET", "/get/communes", self.get_communes)):
            self.route(method, path, handler)
        for method in ("GET", "POST"):
            self.route(method, "/fees", self.fees)
            self.route(method, "/desks", self.get_desks)
            self.route(method, "/get/desks", self.get_desks)      # the older name

    def get_wilayas(self, request: Request) -> Response:
        return Response(200, [{"wilaya_id": code, "wilaya_name": name}
                              for code, name in sorted(self.served.items())])

    def get_communes(self, request: Request) -> Response:
        wilaya = str(self._fields(request).get("wilaya_id") or "")
        places = {(int(code[:2]), name) for code, name in self.desks.items()}
        rows = [dict(c, has_stop_desk=int((c["wilaya_id"], c["nom"]) in places))
                for c in self.communes if not wilaya or str(c["wilaya_id"]) == wilaya]
        return Response(200, {str(index): row for index, row in enumerate(rows)})

    def get_desks(self, request: Request) -> Response:
        return Response(200, {f"desk_{index}": {"code": code, "name": f"Noest {commune}",
                                                "commune": commune,
                                                "address": f"Centre ville, {commune}",
                                                "phones": {"0": "0770000000"}}
                              for index, (code, commune) in enumerate(sorted(self.desks.items()))})

    def fees(self, request: Request) -> Response:
        def grid(base: int) -> Dict[str, Dict[str, Any]]:
            return {str(index): {"wilaya_id": code, "tarif": str(self.fee(code) + base),
                                 "tarif_stopdesk": str(self.fee(code) - 250 + base)}
                    for index, code in enumerate(sorted(self.served))}
        return Response(200, {"tarifs": {"delivery": grid(0), "return": grid(-300)}})

    @staticmethod
    def fee(wilaya: int) -> int:
        return 450 if wilaya == 16 else 700 + (wilaya % 4) * 100

    # --- orders -------------------------------------------------------------------------------
    def validate(self, fields: Mapping[str, Any]) -> Dict[str, List[str]]:
        """The NOEST-PDF rules (wilaya_id 1-58 as live servers take it, not the PDF's 1-48)."""
        errors: Dict[str, List[str]] = {}

        def check(ok: bool, field: str, message: str) -> None:
            if not ok:
                errors.setdefault(field, []).append(message)

        for field in ("client", "phone", "adresse", "wilaya_id", "commune", "montant", "produit",
                      "type_id", "poids", "stop_desk"):
            check(str(fields.get(field) if fields.get(field) is not None else "").strip() != "",
                  field, f"Le champ {field.replace('_', ' ')} est obligatoire.")
        for field in ("reference", "client", "adresse", "commune", "remarque"):
            check(len(str(fields.get(field) or "")) <= 255, field,
                  f"Le texte {field} ne peut contenir plus de 255 caractères.")
        for field in ("phone", "phone_2"):
            value = str(fields.get(field) or "")
            check(not value or bool(re.fullmatch(r"\d{9,10}", value)), field,
                  f"Le champ {field.replace('_', ' ')} doit avoir entre 9 et 10 chiffres.")
        present = {k for k, v in fields.items() if v not in (None, "")}
        check("wilaya_id" not in present or _is_int(fields["wilaya_id"], 1, 58), "wilaya_id",
              "La valeur du champ wilaya id doit être comprise entre 1 et 58.")
        check("montant" not in present
              or bool(re.fullmatch(r"\d+(\.\d+)?", str(fields["montant"]))),
              "montant", "Le champ montant doit contenir un nombre.")
        check("type_id" not in present or _is_int(fields["type_id"], 1, 3), "type_id",
              "La valeur du champ type id doit être comprise entre 1 et 3.")
        check("poids" not in present or _is_int(fields["poids"], 0, 10**6), "poids",
              "Le champ poids doit être un entier.")
        check("stop_desk" not in present or _is_int(fields["stop_desk"], 0, 1), "stop_desk",
              "La valeur du champ stop desk doit être comprise entre 0 et 1.")
        check(str(fields.get("stop_desk")) != "1" or "station_code" in present, "station_code",
              "Le champ station code est obligatoire quand stop desk est 1.")
        check(str(fields.get("stock")) != "1" or "quantite" in present, "quantite",
              "Le champ quantite est obligatoire quand stock est 1.")
        return errors

    def not_served(self, fields: Mapping[str, Any]) -> Dict[str, List[str]]:
        wilaya = int(fields["wilaya_id"])
        if wilaya not in self.served:
            return {"wilaya_id": ["Cette wilaya n'est pas desservie."]}
        commune = str(fields["commune"]).casefold()      # exact but for case
        if not any(c["wilaya_id"] == wilaya and c["nom"].casefold() == commune
                   for c in self.communes):
            return {"commune": ["Commune introuvable dans cette wilaya."]}
        station = str(fields.get("station_code") or "")
        if str(fields.get("stop_desk")) == "1" and (station not in self.desks
                                                    or not station.startswith(f"{wilaya:02d}")):
            return {"station_code": ["Station introuvable."]}
        return {}

    def create_order(self, request: Request) -> Response:
        fields = {k: v for k, v in self._fields(request).items()
                  if k not in ("api_token", "user_guid")}
        errors = self.validate(fields)
        if errors:
            return Response(422, {"message": INVALID, "errors": errors})
        refused = self.not_served(fields)
        if refused:
            return Response(200, {"success": False, "errors": refused})
        wilaya = int(fields["wilaya_id"])
        tracking = "".join(random.choices(string.ascii_uppercase + string.digits, k=3)) \
            + f"-{wilaya:02d}{random.choice('ABCD')}-{random.randint(10**7, 10**8 - 1)}"
        self.new_parcel(tracking, str(fields.get("reference") or "") or None, "upload",
                        dict(fields, validated=False))
        return Response(200, {"success": True, "tracking": tracking})

    def _order(self, request: Request) -> Optional[Parcel]:
        return self.parcels.get(str(self._fields(request).get("tracking") or ""))

    def valid_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None or parcel.data["validated"]:
            return Response(200, {"success": False,
                                  "message": "Commande introuvable ou déjà validée."})
        with self.lock:
            parcel.data["validated"] = True
        self.advance(parcel.tracking, "customer_validation")
        return Response(200, {"success": True})

    def delete_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None or parcel.data["validated"]:
            return Response(200, {"success": False})
        with self.lock:
            del self.parcels[parcel.tracking]
        return Response(200, {"success": True})

    def update_order(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None or parcel.data["validated"]:
            return Response(200, {"success": False,
                                  "message": "Commande non trouvée dans l'étape de modification"})
        fields = self._fields(request)
        changes = {UPDATE_NAMES[k]: v for k, v in fields.items() if k in UPDATE_NAMES}
        errors = self.validate(dict(parcel.data, **changes))
        if errors:
            return Response(422, {"message": INVALID, "errors": errors})
        with self.lock:
            parcel.data.update(changes)
            parcel.reference = str(parcel.data.get("reference") or "") or None
        return Response(200, {"success": True})

    def add_note(self, request: Request) -> Response:
        fields = self._fields(request)
        if self._order(request) is None:
            return Response(200, {"success": False})
        self.notes.append((str(fields["tracking"]), str(fields.get("content") or "")[:255]))
        return Response(200, {"success": True})

    def label(self, request: Request) -> Response:
        parcel = self._order(request)
        if parcel is None:
            return Response(404, {"success": False, "message": "Commande introuvable."})
        return Response(200, minimal_pdf(f"Noest {parcel.tracking}"),
                        content_type="application/pdf")

    # --- tracking -----------------------------------------------------------------------------
    def trackings_info(self, request: Request) -> Response:
        trackings = self._fields(request).get("trackings")
        if not isinstance(trackings, list) or not trackings:
            return Response(422, {"message": INVALID,
                                  "errors": {"trackings": ["Le champ trackings est obligatoire."]}})
        answer = {str(t): self._info(self.parcels[str(t)])
                  for t in trackings if str(t) in self.parcels}
        return Response(200, answer or [])            # PHP encodes an empty array as []

    def _info(self, parcel: Parcel) -> Dict[str, Any]:
        data = parcel.data
        order = {"tracking": parcel.tracking, "reference": parcel.reference,
                 "client": data["client"], "phone": data["phone"],
                 "phone_2": data.get("phone_2"), "adresse": data["adresse"],
                 "wilaya_id": int(data["wilaya_id"]), "commune": data["commune"],
                 "montant": f"{float(data['montant']):.2f}", "remarque": data.get("remarque"),
                 "produit": data["produit"], "type_id": int(data["type_id"]),
                 "created_at": parcel.created_at.isoformat().replace("+00:00", "Z")}
        activity = []
        for entry in parcel.history:           # oldest first
            key = entry["status"]
            # The doc's own example carries this key with a leading space.
            shown = " " + key if key == "return_dispatched_to_partenaire" else key
            activity.append({"event_key": shown, "event": EVENTS.get(key, key),
                             "causer": "NOEST" if key != "upload" else "PARTENAIRE",
                             "badge-class": "badge-info", "by": None, "name": None,
                             "driver": None, "fdr": None,
                             "date": entry["at"].astimezone(ALGERIA).strftime("%Y-%m-%d %H:%M:%S")})
        return {"OrderInfo": order, "recipientName": data["client"], "shippedBy": "Boutique",
                "originCity": 16, "destLocationCity": int(data["wilaya_id"]), "activity": activity}

    # --- for tests ----------------------------------------------------------------------------
    def collected_amount(self, parcel: Parcel) -> int:
        return int(float(parcel.data["montant"]))

    def wilaya_of(self, parcel: Parcel) -> int:
        return int(parcel.data["wilaya_id"])

    def stop_desk_for(self, wilaya: int) -> Optional[str]:
        return f"{wilaya:02d}A" if f"{wilaya:02d}A" in self.desks else None
