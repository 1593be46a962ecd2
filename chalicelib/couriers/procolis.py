"""Procolis (`procolis.com/api_v1`), also the legacy ZR Express API: couriers.md §3.

What is particular to this courier:
- two headers, `token` and `key`; `GET token` answers `{"Statut": "Accès activé"}`;
- the merchant chooses each parcel's `Tracking`. Ours is made from our order number
  (`tracking_for`), so a retried job can read back the parcel it already made with
  `lire`; the order number also goes in `id_Externe`;
- `add_colis` answers HTTP 200 with a `MessageRetour` per parcel: "Good", or the
  refusal in the courier's own words. "Double Tracking" means a parcel with our
  tracking exists already, i.e. an earlier attempt of ours got through: create_parcel
  reads it back and returns it, so a retried create is harmless;
- `lire` gives each parcel's current `Situation` only (no history) and the literal
  body `null` when none of the trackings is known;
- no labels, no cancellation, no webhooks and no stop-desk list: stop-desk parcels
  (`TypeLivraison` 1) go to the courier's own desk of the wilaya.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping, Optional, Sequence

from chalicelib.couriers.base import (
    CallbackAnswer, CourierAccount, CourierAuthFailed, CourierRejected, CourierUnavailable,
    CourierUnsupported, Label, Parcel, ParcelRequest, Rate, StopDesk, TrackingStatus,
    TrackingUpdate, normalise)
from chalicelib.couriers.http import CourierHttp, json_or_none

S = TrackingStatus
# `Situation` strings seen in client code (couriers.md §3.4), spelled as the API sends them.
STATUS_MAP: Dict[str, TrackingStatus] = {
    # The merchant's preparation (call centre) stage, before the courier has the parcel.
    "En Préparation": S.CREATED, "En Préparation - Confirmé": S.CREATED,
    "En Préparation - Ne Réponde pas": S.CREATED, "En Préparation - Reportée": S.CREATED,
    "En Préparation - Message Envoyé": S.CREATED,
    "En Préparation - Annuler": S.CANCELLED,     # cancelled before it ever left
    "En Traitement - Prêt à Expédie": S.CREATED,
    "Dispatcher": S.IN_TRANSIT, "Au Bureau": S.IN_TRANSIT,
    "SD - En Attente du Client": S.OUT_FOR_DELIVERY,   # waiting at the desk for the customer
    "Sortir en livraison": S.OUT_FOR_DELIVERY, "En livraison": S.OUT_FOR_DELIVERY,
    "Appel sans Réponse 1": S.FAILED_ATTEMPT, "Appel sans Réponse 2": S.FAILED_ATTEMPT,
    "Appel sans Réponse 3": S.FAILED_ATTEMPT, "SD - Appel sans Réponse 1": S.FAILED_ATTEMPT,
    "SD - Appel sans Réponse 2": S.FAILED_ATTEMPT, "SD - Appel sans Réponse 3": S.FAILED_ATTEMPT,
    "Reporté": S.FAILED_ATTEMPT, "SD - Reporté": S.FAILED_ATTEMPT, "A Relancé": S.FAILED_ATTEMPT,
    "Attente Information": S.FAILED_ATTEMPT,
    # Refused at the door or at the desk: the return follows.
    "Annuler par le Client": S.DELIVERY_FAILED, "SD - Annuler par le Client": S.DELIVERY_FAILED,
    "SD - Annuler 3x": S.DELIVERY_FAILED,
    "Livrée": S.DELIVERED, "Livrée [ Encaisser ]": S.DELIVERED,
    "Livrée [ Recouvert ]": S.DELIVERED,
    "Retour Livreur": S.RETURNING, "Retour Navette": S.RETURNING, "Retour Client": S.RETURNING,
    "Retour de Dispatche": S.RETURNING,
    "Retour Stock": S.RETURNED,
    "Supprimée": S.CANCELLED, "Restaurée": S.CREATED,
}

TRACKING_PREFIX = "DZO-"    # keeps our trackings apart from those merchants type by hand
ACCESS_GRANTED = "Accès activé"
ACCEPTED = "Good"
ALREADY_THERE = "Double Tracking"
READ_BATCH = 50             # trackings per `lire` call
ALGIERS = timezone(timedelta(hours=1))   # Algeria keeps UTC+1 all year
# "En livraison ( 1528 )": one client saw a number appended to the situation.
_COUNTER = re.compile(r"\s*\(\s*\d+\s*\)\s*$")


# --- pure helpers (tested without a server) ------------------------------------------------
def tracking_for(reference: str) -> str:
    """The tracking we give a parcel: stable for an order, so a retry finds it."""
    return TRACKING_PREFIX + reference


def colis_for(request: ParcelRequest) -> Dict[str, str]:
    destination = request.destination
    return {
        "Tracking": tracking_for(request.reference),
        "TypeLivraison": "1" if destination.is_stop_desk else "0",
        "TypeColis": "0",                 # a plain parcel, not an exchange
        "Confrimee": "1",                 # (sic) created ready to ship, not as a draft
        "Client": request.recipient.name,
        "MobileA": request.recipient.national_phone,
        "MobileB": "",
        "Adresse": destination.address,
        # Procolis numbers wilayas 01-58: moved communes go under their former wilaya.
        "IDWilaya": f"{destination.courier_wilaya:02d}",
        "Commune": destination.commune_name,
        # What the courier collects: the order's total, delivery included.
        "Total": str(request.cod_amount),
        "Note": request.note,
        "TProduit": request.description or f"Commande {request.reference}",
        "id_Externe": request.reference,
        "Source": "dzorders",
    }


def status_of(raw: Optional[str]) -> TrackingStatus:
    status = normalise(STATUS_MAP, raw)
    if status is S.UNKNOWN and raw:
        status = normalise(STATUS_MAP, _COUNTER.sub("", raw))
    return status


def action_time(record: Mapping[str, Any]) -> Optional[datetime]:
    """When the current situation was set: `DateH_Action` in Algiers time, in the
    formats seen ("2026-09-12 14:32:10", ISO, WinDev's "20260912143210")."""
    text = str(record.get("DateH_Action") or "").strip()
    # (format, length of a value in it): longer values carry fractions we drop.
    for pattern, length in (("%Y-%m-%d %H:%M:%S", 19), ("%Y-%m-%dT%H:%M:%S", 19),
                            ("%Y%m%d%H%M%S", 14), ("%d/%m/%Y %H:%M:%S", 19)):
        try:
            local = datetime.strptime(text[:length], pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=ALGIERS).astimezone(timezone.utc)
    return None


def money(value: Any) -> Optional[int]:
    """A fee as Procolis writes it ("400", "400.00"); None where none is offered
    (empty or 0: a wilaya without that service)."""
    try:
        amount = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    return amount or None


# --- the adapter ------------------------------------------------------------------------------
class ProcolisClient:
    code = "procolis"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self._http = http
        self._headers = {"token": account.credentials.get("token", ""),
                         "key": account.credentials.get("key", ""),
                         "Accept": "application/json"}

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._http.request(method, path, json=body, headers=self._headers)
        data = json_or_none(response)
        words = str((data or {}).get("Statut") or (data or {}).get("MessageRetour") or "") \
            if isinstance(data, Mapping) else ""
        if response.status_code == 403:
            raise CourierAuthFailed(words or "Procolis refused the access", status=403)
        if response.status_code >= 400:
            raise CourierRejected(words or f"Procolis answered {response.status_code}",
                                  status=response.status_code)
        return data

    def check_credentials(self) -> None:
        data = self._call("GET", "token")
        statut = data.get("Statut") if isinstance(data, Mapping) else None
        if statut != ACCESS_GRANTED:
            raise CourierAuthFailed(str(statut or "Procolis did not grant access"))

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        data = self._call("POST", "add_colis", {"Colis": [colis_for(request)]})
        answers = data.get("Colis") if isinstance(data, Mapping) else None
        if not answers or not isinstance(answers[0], Mapping):
            raise CourierUnavailable("Procolis answered add_colis without a result")
        message = str(answers[0].get("MessageRetour") or "").strip()
        tracking = tracking_for(request.reference)
        if message == ACCEPTED:
            return Parcel(tracking=tracking, reference=request.reference)
        if message == ALREADY_THERE:
            # Our tracking is derived from our order number: an earlier try made it.
            existing = self.find_parcel(request.reference)
            if existing is not None:
                return existing
        raise CourierRejected(message or "Procolis refused the parcel")

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        record = self._read([tracking_for(reference)]).get(tracking_for(reference))
        if record is None:
            return None
        raw = record.get("Situation")
        return Parcel(tracking=str(record["Tracking"]),
                      reference=str(record.get("id_Externe") or reference),
                      courier_id=str(record["IDColis"]) if record.get("IDColis") else None,
                      raw_status=raw, status=status_of(raw) if raw else S.CREATED)

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        """Procolis keeps no history for us: each parcel's current situation, once."""
        result: Dict[str, List[TrackingUpdate]] = {}
        for start in range(0, len(trackings), READ_BATCH):
            records = self._read(trackings[start:start + READ_BATCH])
            for tracking in trackings[start:start + READ_BATCH]:
                record = records.get(tracking)
                raw = record and record.get("Situation")
                result[tracking] = [] if not raw else [
                    TrackingUpdate(tracking, str(raw), status_of(str(raw)), action_time(record),
                                   record.get("Commentaire") or None)]
        return result

    def _read(self, trackings: Sequence[str]) -> Dict[str, Mapping[str, Any]]:
        data = self._call("POST", "lire", {"Colis": [{"Tracking": t} for t in trackings]})
        records = data.get("Colis") if isinstance(data, Mapping) else None   # null: none known
        return {str(r.get("Tracking")): r for r in records or [] if isinstance(r, Mapping)}

    def get_label(self, parcel: Parcel) -> Label:
        raise CourierUnsupported("Procolis has no label in its API: print it from the dashboard")

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        raise CourierUnsupported("Procolis never calls back: its parcels are polled")

    def stop_desks(self) -> List[StopDesk]:
        """The API lists no desks (clients ship static tables): a stop-desk parcel goes
        to the courier's desk of the wilaya, so there is nothing to choose from."""
        return []

    def rates(self, sender_wilaya: int) -> List[Rate]:
        """Fees for the merchant's account (from its own hub): `sender_wilaya` does not
        change them."""
        data = self._call("POST", "tarification", {})
        rates = []
        for row in data if isinstance(data, list) else []:
            try:
                wilaya = int(str(row.get("IDWilaya")).strip())
            except ValueError:
                continue
            rates.append(Rate(wilaya, money(row.get("Domicile")), money(row.get("Stopdesk"))))
        return rates
