"""Noest Express ("Nord et Ouest"): an EcoTrack-derived API at `app.noest-dz.com/api/public`.

Authentication is the `api_token` + `user_guid` pair sent as parameters of every
request (in the JSON body of POSTs); the label is a GET that takes `api_token`
and `tracking` in the query. Facts: couriers.md §6. Noest pushes nothing, so
parcels are polled through the batched get/trackings/info.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

import requests

from chalicelib.couriers.base import (CallbackAnswer, CourierAccount, CourierAuthFailed,
                                      CourierRejected, CourierUnavailable, CourierUnsupported,
                                      Destination, Label, Parcel, ParcelRequest, Rate, StopDesk,
                                      TrackingStatus, TrackingUpdate, normalise)
# Noest's API derives from EcoTrack's: the same error bags, times, fee rows and commune lists.
from chalicelib.couriers.ecotrack import (courier_time, courier_words, match_commune,
                                          official_wilaya, rates_from_rows, rows_of)
from chalicelib.couriers.http import CourierHttp, json_or_none

S = TrackingStatus
TRACKING_BATCH = 100        # not documented; EcoTrack's own bulk limit
ACCEPT_JSON = {"Accept": "application/json"}   # Laravel answers errors as JSON, not redirects

# Every `activity[].event_key` of the official list (couriers.md §6.4), verbatim.
STATUS_MAP: Dict[str, TrackingStatus] = {
    "upload": S.CREATED, "customer_validation": S.CREATED,
    "validation_collect_colis": S.PICKED_UP,
    "validation_reception_admin": S.IN_TRANSIT, "validation_reception": S.IN_TRANSIT,
    "fdr_activated": S.OUT_FOR_DELIVERY, "sent_to_redispatch": S.OUT_FOR_DELIVERY,
    "mise_a_jour": S.FAILED_ATTEMPT,
    # The merchant asked for another attempt after a failed one.
    "nouvel_tentative_asked_by_customer": S.FAILED_ATTEMPT,
    "colis_suspendu": S.ON_HOLD,
    "livre": S.DELIVERED, "livred": S.DELIVERED,
    # Cash stages (and their cancellations) come after the delivery: the parcel stays delivered.
    "verssement_admin_cust": S.DELIVERED, "validation_reception_cash_by_partener": S.DELIVERED,
    "verssement_admin_cust_canceled": S.DELIVERED, "verssement_hub_cust_canceled": S.DELIVERED,
    # "Retour demandé": the delivery failed and the parcel will go back.
    "return_asked_by_customer": S.DELIVERY_FAILED,
    "return_asked_by_hub": S.RETURNING,
    "retour_dispatched_to_partenaires": S.RETURNING, "return_dispatched_to_partenaire": S.RETURNING,
    "colis_retour_transmit_to_partner": S.RETURNING, "return_dispatched_to_warehouse": S.RETURNING,
    # The hand-over of the return was called off: it is still on its way back.
    "annulation_dispatch_retour": S.RETURNING,
    "cancel_return_dispatched_to_partenaire": S.RETURNING,
    "livraison_echoue_recu": S.RETURNED, "return_validated_by_partener": S.RETURNED,
    "return_redispatched_to_livraison": S.OUT_FOR_DELIVERY,
    # Pick-up orders (type 3, collected from the end customer); we create deliveries only.
    "pickedup": S.PICKED_UP, "valid_return_pickup": S.PICKED_UP,
    "pickup_picked_recu": S.IN_TRANSIT, "colis_pickup_transmit_to_partner": S.IN_TRANSIT,
    # An exchange (type 2) validated at the door: the parcel was handed over.
    "echange_valide": S.DELIVERED, "echange_valid_by_hub": S.DELIVERED,
    # Deletion asked, not done: the parcel is held meanwhile.
    "ask_to_delete_by_admin": S.ON_HOLD, "ask_to_delete_by_hub": S.ON_HOLD,
    # Edits say nothing about where the parcel is (see INFORMATIONAL).
    "edited_informations": S.UNKNOWN, "edit_price": S.UNKNOWN, "edit_wilaya": S.UNKNOWN,
    "extra_fee": S.UNKNOWN,
}
# Events that record an edit, not a movement: left out of tracking, so an edit made after
# delivery does not hide the delivered status behind an "unknown" one.
INFORMATIONAL = frozenset({"edited_informations", "edit_price", "edit_wilaya", "extra_fee"})
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)   # sorts undated events first


# --- pure mapping ------------------------------------------------------------------------------
def order_body(request: ParcelRequest, commune: str) -> Dict[str, Any]:
    """create/order's fields (NOEST-PDF §3). `commune` is Noest's own spelling."""
    where = request.destination
    body: Dict[str, Any] = {
        "reference": request.reference,             # our order number
        "client": request.recipient.name,
        "phone": request.recipient.national_phone,  # digits_between:9,10
        "adresse": where.address,
        "wilaya_id": where.courier_wilaya,          # moved communes go under their former wilaya
        "commune": commune,
        "montant": request.cod_amount,              # what the courier collects, delivery included
        "produit": request.description or f"Commande {request.reference}",
        "type_id": 1,                               # 1 = Livraison
        "poids": max(1, int(request.weight_kg)),
        "stop_desk": 1 if where.is_stop_desk else 0,
        "stock": 0,
    }
    if where.is_stop_desk:
        body["station_code"] = where.stop_desk      # the desk `code`, e.g. "16A"
    if request.note:
        body["remarque"] = request.note[:255]
    return body


def updates_from_info(tracking: str, info: Mapping[str, Any]) -> List[TrackingUpdate]:
    """One parcel of get/trackings/info: its activity, oldest first, edits left out.
    The event key is kept verbatim (the doc's own example has a stray leading space);
    `normalise` ignores surrounding blanks."""
    activity = [entry for entry in info.get("activity") or []
                if isinstance(entry, dict) and str(entry.get("event_key") or "").strip()
                and str(entry["event_key"]).strip() not in INFORMATIONAL]
    # Stable sort: events stamped in the same second keep the courier's order.
    activity.sort(key=lambda entry: courier_time(entry.get("date")) or _EPOCH)
    return [TrackingUpdate(tracking=tracking, raw_status=str(entry["event_key"]),
                           status=normalise(STATUS_MAP, str(entry["event_key"])),
                           at=courier_time(entry.get("date")))
            for entry in activity]


def rates_from_fees(body: Any) -> List[Rate]:
    """fees: `tarifs.delivery` is an object of `{wilaya_id, tarif, tarif_stopdesk}`."""
    tarifs = body.get("tarifs") if isinstance(body, dict) else None
    return rates_from_rows(rows_of(tarifs.get("delivery")) if isinstance(tarifs, dict) else [])


def desk_from(row: Mapping[str, Any]) -> Optional[StopDesk]:
    """A desk's wilaya is the number its station code starts with ("16A" -> 16)."""
    code = str(row.get("code") or "")
    digits = code[:len(code) - len(code.lstrip("0123456789"))]
    if not digits:
        return None
    commune = str(row.get("commune") or "") or None
    return StopDesk(id=code, name=str(row.get("name") or code),
                    wilaya=official_wilaya(int(digits), commune or ""), commune=commune,
                    address=str(row.get("address") or "") or None)


# --- the adapter ------------------------------------------------------------------------------
class NoestClient:
    code = "noest"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self._token = account.credentials["api_token"]
        self._guid = account.credentials["user_guid"]
        self._http = http
        self._communes: Dict[int, Optional[List[Dict[str, Any]]]] = {}   # per wilaya

    # --- HTTP ----------------------------------------------------------------------------------
    def _post(self, path: str, fields: Optional[Mapping[str, Any]] = None) -> Any:
        body = dict(fields or {}, api_token=self._token, user_guid=self._guid)
        return self._read(self._send("POST", path, json=body, headers=ACCEPT_JSON), path)

    def _get(self, path: str, params: Optional[Mapping[str, Any]] = None) -> Any:
        headers = dict(ACCEPT_JSON, Authorization=f"Bearer {self._token}")
        response = self._send("GET", path, params=dict(params or {}, user_guid=self._guid),
                              headers=headers)
        return self._read(response, path)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self._http.request(method, path, **kwargs)
        if response.status_code == 403:
            raise CourierAuthFailed("Noest refused this token and user GUID", status=403)
        if response.status_code >= 400:
            raise CourierRejected(courier_words(json_or_none(response),
                                                f"Noest answered {response.status_code}"),
                                  status=response.status_code)
        return response

    @staticmethod
    def _read(response: requests.Response, path: str) -> Any:
        body = json_or_none(response)
        if body is None:
            raise CourierUnavailable(f"Noest answered {path} with something that is not JSON")
        if isinstance(body, dict) and body.get("success") is False:
            raise CourierRejected(courier_words(body, f"Noest refused {path}"))
        return body

    # --- the protocol ----------------------------------------------------------------------
    def check_credentials(self) -> None:
        # Noest has no token check: the fee grid is the cheapest call that needs the pair.
        self._post("fees")

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        commune = self._commune_name(request.destination)
        created = self._post("create/order", order_body(request, commune))
        tracking = str(created.get("tracking") or "") if isinstance(created, dict) else ""
        if not tracking:
            raise CourierUnavailable("Noest accepted the order but gave no tracking")
        # A created order stays invisible to Noest until it is validated: validate it now
        # so the parcel actually ships. If this fails, the error makes the job retry the
        # whole create; the unvalidated draft left behind never ships.
        self._post("valid/order", {"tracking": tracking})
        return Parcel(tracking=tracking, reference=request.reference,
                      raw_status="customer_validation", status=S.CREATED)

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        raise CourierUnsupported("Noest has no lookup by reference: its tracking endpoints "
                                 "need the tracking number and it has no order list")

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        wanted = list(dict.fromkeys(trackings))
        found: Dict[str, List[TrackingUpdate]] = {tracking: [] for tracking in wanted}
        for start in range(0, len(wanted), TRACKING_BATCH):
            body = self._post("get/trackings/info",
                              {"trackings": wanted[start:start + TRACKING_BATCH]})
            # Keyed by tracking; PHP sends an empty map as [] when none is known.
            for tracking, info in (body.items() if isinstance(body, dict) else ()):
                if tracking in found and isinstance(info, dict):
                    found[tracking] = updates_from_info(tracking, info)
        return found

    def get_label(self, parcel: Parcel) -> Label:
        # The documented label call takes the token in the query (the URL is printable).
        response = self._send("GET", "get/order/label",
                              params={"api_token": self._token, "tracking": parcel.tracking})
        if not response.content.startswith(b"%PDF"):
            raise CourierRejected(courier_words(json_or_none(response), "Noest sent no PDF label"))
        return Label(response.content, "application/pdf")

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        raise CourierUnsupported("Noest sends no callbacks: its parcels are polled")

    def stop_desks(self) -> List[StopDesk]:
        desks = (desk_from(row) for row in rows_of(self._post("desks")))
        return [desk for desk in desks if desk is not None]

    def rates(self, sender_wilaya: int) -> List[Rate]:
        # Noest's grid depends on the destination only.
        return rates_from_fees(self._post("fees"))

    # --- communes ---------------------------------------------------------------------------
    def _commune_name(self, where: Destination) -> str:
        """Noest's spelling of the commune from its own list; our name when the list is not
        there or does not know it, so a refusal comes in Noest's own words."""
        rows = self._commune_rows(where.courier_wilaya)
        row = match_commune(rows or [], where)
        return str(row["nom"]) if row else where.commune_name

    def _commune_rows(self, wilaya: int) -> Optional[List[Dict[str, Any]]]:
        if wilaya not in self._communes:
            try:
                self._communes[wilaya] = rows_of(self._get("get/communes", {"wilaya_id": wilaya}))
            except CourierRejected:   # get/communes is not in the official PDF: do without
                self._communes[wilaya] = None
        return self._communes[wilaya]
