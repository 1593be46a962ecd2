"""A fake Procolis (also the legacy ZR Express API, couriers.md §3 and §11) on 127.0.0.1.

It answers as the WinDev-based API does: `token` + `key` headers (401 otherwise),
`GET token` -> {"Statut": "Accès activé"}, `add_colis` echoing each parcel with its
`MessageRetour` ("Good", "Double Tracking" or a refusal in French), `lire` with the
`Situation` strings verbatim (literal `null` when nothing matches) and `tarification`
with string amounts. There is no cancel, label or webhook route: those paths are 404,
as the real API has none. The refusal texts other than "Double Tracking" are the
fake's own (the real wording is not public).
"""
from __future__ import annotations

import itertools
import re
from datetime import timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional

from chalicelib.geo.names import normalize_name
from infra.local.couriers.common import FakeCourier, Parcel, Request, Response, courier_geography

ALGIERS = timezone(timedelta(hours=1))
PHONE = re.compile(r"^0[5-7]\d{8}$|^0[2-4]\d{7}$")
# §3.4 in the order a parcel meets them; IDSituation is the position (the real ids are
# not public).
SITUATIONS = (
    "En Préparation", "En Préparation - Confirmé", "En Préparation - Annuler",
    "En Préparation - Ne Réponde pas", "En Préparation - Reportée",
    "En Préparation - Message Envoyé", "En Traitement - Prêt à Expédie", "Dispatcher",
    "Au Bureau", "SD - En Attente du Client", "Sortir en livraison", "En livraison",
    "Appel sans Réponse 1", "Appel sans Réponse 2", "Appel sans Réponse 3",
    "SD - Appel sans Réponse 1", "SD - Appel sans Réponse 2", "SD - Appel sans Réponse 3",
    "Reporté", "SD - Reporté", "A Relancé", "Attente Information", "Annuler par le Client",
    "SD - Annuler par le Client", "SD - Annuler 3x", "Livrée", "Livrée [ Encaisser ]",
    "Livrée [ Recouvert ]", "Retour Livreur", "Retour Navette", "Retour Client",
    "Retour de Dispatche", "Retour Stock", "Supprimée", "Restaurée")
NO_DESK = (50, 54, 56)      # far-south wilayas priced without a stop desk in this fake


class FakeProcolis(FakeCourier):
    code = "procolis"
    api_root = "/api_v1"
    SANDBOX_CREDENTIALS = {"token": "5e3f" * 16, "key": "a1b2c3d4" * 4}
    DELIVERED_PATH = ("Dispatcher", "Sortir en livraison", "Livrée")
    REFUSED_PATH = ("Dispatcher", "Sortir en livraison", "Annuler par le Client",
                    "Retour Livreur", "Retour Stock")

    def __init__(self, credentials: Optional[Mapping[str, str]] = None, port: int = 0) -> None:
        wilayas, communes = courier_geography()
        self.wilayas = wilayas
        self.communes: Dict[int, Dict[str, str]] = {}
        for commune in communes:
            self.communes.setdefault(commune["wilaya"], {})[normalize_name(commune["name"])] = \
                commune["name"]
        self._ids = itertools.count(180001)
        super().__init__(credentials or self.SANDBOX_CREDENTIALS, port)

    def routes(self) -> None:
        self.route("GET", "/token", lambda r: Response(200, {"Statut": "Accès activé"}))
        self.route("POST", "/add_colis", self._add)
        self.route("POST", "/lire", self._read)
        self.route("POST", "/tarification", self._fees)

    def authorized(self, request: Request) -> Optional[Response]:
        if request.headers.get("token") == self.credentials.get("token") \
                and request.headers.get("key") == self.credentials.get("key"):
            return None
        return Response(401, {"Statut": "Accès refusé"})

    # --- add_colis ----------------------------------------------------------------------------
    def _refusal(self, colis: Mapping[str, Any]) -> Optional[str]:
        """The first reason to refuse one colis, in French, or None."""
        text = {k: str(colis.get(k) if colis.get(k) is not None else "").strip()
                for k in ("Tracking", "Client", "MobileA", "Adresse", "IDWilaya", "Commune",
                          "Total", "TProduit", "TypeLivraison")}
        wilaya = int(text["IDWilaya"]) if text["IDWilaya"].isdigit() else 0
        checks = (
            (not text["Tracking"], "Tracking obligatoire"),
            (text["Tracking"] in self.parcels, "Double Tracking"),
            (not text["Client"], "Le nom du client est obligatoire"),
            (not PHONE.match(text["MobileA"]), "Numéro de téléphone invalide"),
            (not text["Adresse"], "L'adresse est obligatoire"),
            # Procolis numbers wilayas 01-58 only.
            (wilaya not in self.wilayas, f"Wilaya invalide : {text['IDWilaya']}"),
            (normalize_name(text["Commune"]) not in self.communes.get(wilaya, {}),
             f"Commune introuvable : {text['Commune']}"),
            (not re.match(r"^\d+(\.\d+)?$", text["Total"]), "Montant invalide"),
            (not text["TProduit"], "Le produit est obligatoire"),
            (text["TypeLivraison"] not in ("0", "1"), "Type de livraison invalide"),
            (text["TypeLivraison"] == "1" and wilaya in NO_DESK,
             "Stop desk non disponible dans cette wilaya"))
        return next((message for failed, message in checks if failed), None)

    def _add(self, request: Request) -> Response:
        body = request.json()
        colis_list = body.get("Colis") if isinstance(body, dict) else None
        if not isinstance(colis_list, list):
            return Response(400, {"MessageRetour": "Format de requête invalide"})
        answers = []
        for colis in colis_list:
            colis = colis if isinstance(colis, dict) else {}
            refusal = self._refusal(colis)
            answers.append(dict(colis, MessageRetour=refusal or "Good"))
            if refusal is None:
                situation = "En Traitement - Prêt à Expédie" if str(colis.get("Confrimee")) == "1" \
                    else "En Préparation"
                self.new_parcel(str(colis["Tracking"]).strip(), colis.get("id_Externe"), situation,
                                dict(colis, IDColis=str(next(self._ids))))
        return Response(200, {"Colis": answers})

    # --- lire ---------------------------------------------------------------------------------
    def _record(self, parcel: Parcel) -> Dict[str, Any]:
        data, last = parcel.data, parcel.history[-1]
        local = last["at"].astimezone(ALGIERS)
        wilaya = int(str(data["IDWilaya"]))
        return {
            "IDColis": data["IDColis"], "Tracking": parcel.tracking,
            "Situation": parcel.status,
            "IDSituation": str(SITUATIONS.index(parcel.status) + 1)
            if parcel.status in SITUATIONS else "0",
            "Commentaire": last["reason"] or "",
            "DateA_Action": local.strftime("%Y-%m-%d"),
            "DateH_Action": local.strftime("%Y-%m-%d %H:%M:%S"),
            "Date_Creation": parcel.created_at.astimezone(ALGIERS).strftime("%Y-%m-%d %H:%M:%S"),
            "TypeLivraison": data.get("TypeLivraison"), "TypeColis": data.get("TypeColis", "0"),
            "NomTypeLivraison": "Stop Desk" if str(data.get("TypeLivraison")) == "1" else "Domicile",
            "Client": data.get("Client"), "MobileA": data.get("MobileA"),
            "MobileB": data.get("MobileB", ""), "Adresse": data.get("Adresse"),
            "IDWilaya": f"{wilaya:02d}", "Wilaya": self.wilayas.get(wilaya, ""),
            "Commune": data.get("Commune"), "Total": str(data.get("Total")),
            "Note": data.get("Note", ""), "TProduit": data.get("TProduit"),
            "id_Externe": data.get("id_Externe", ""),
        }

    def _read(self, request: Request) -> Response:
        body = request.json()
        wanted = body.get("Colis") if isinstance(body, dict) else None
        if not isinstance(wanted, list):
            return Response(400, {"MessageRetour": "Format de requête invalide"})
        with self.lock:
            found = [self._record(self.parcels[str(w.get("Tracking"))]) for w in wanted
                     if isinstance(w, dict) and str(w.get("Tracking")) in self.parcels]
        if not found:
            return Response(200, b"null", content_type="application/json")
        return Response(200, {"Colis": found})

    # --- tarification ---------------------------------------------------------------------------
    def _fees(self, request: Request) -> Response:
        rows: List[Dict[str, str]] = []
        for code, name in sorted(self.wilayas.items()):
            home = 400 if code == 16 else 600 + (code % 4) * 100
            rows.append({"IDWilaya": f"{code:02d}", "Wilaya": name, "Domicile": str(home),
                         "Stopdesk": "0" if code in NO_DESK else str(home - 200), "Annuler": "200"})
        return Response(200, rows)

    # --- what the shared tests read -----------------------------------------------------------
    def _parcel_of(self, parcel: Any) -> Parcel:
        return self.parcels[str(getattr(parcel, "tracking", parcel))]

    def collected_amount(self, parcel: Any) -> int:
        return int(float(self._parcel_of(parcel).data["Total"]))

    def wilaya_of(self, parcel: Any) -> int:
        return int(str(self._parcel_of(parcel).data["IDWilaya"]))

    def stop_desk_for(self, wilaya: int) -> Optional[str]:
        """None: Procolis names no desks (a stop-desk parcel goes to the courier's desk
        of its wilaya), as the adapter's empty `stop_desks()` says."""
        return None
