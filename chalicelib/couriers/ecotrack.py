"""EcoTrack: a white-label platform, one host per courier company (`https://<tenant>.ecotrack.dz`).

The account's `base_url` is the tenant host; every path lives under `/api/v1/`.
Facts: couriers.md §2. EcoTrack pushes nothing, so parcels are polled.

The helpers above the adapter that do not name EcoTrack (error words, times,
amounts, commune matching, fee rows, wilayas 59-69) are shared with the Noest
adapter, whose API is derived from EcoTrack's.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

import requests

from chalicelib.couriers.base import (CallbackAnswer, CourierAccount, CourierAuthFailed,
                                      CourierRejected, CourierUnavailable, CourierUnsupported,
                                      Destination, Label, Parcel, ParcelRequest, Rate, StopDesk,
                                      TrackingStatus, TrackingUpdate, normalise)
from chalicelib.couriers.http import CourierHttp, json_or_none
from chalicelib.geo.names import normalize_name

S = TrackingStatus
API = "api/v1/"
TRACKING_BATCH = 100        # get/orders/status takes at most 100 trackings
MAX_PAGES = 250             # get/orders: 40 a page; a guard against a looping paginator

# Every status string couriers.md §2.4 lists, spelled as EcoTrack spells it.
STATUS_MAP: Dict[str, TrackingStatus] = {
    # (a) order status enum: get/orders rows, get/orders/status ("all" is a filter, not a status)
    "prete_a_expedier": S.CREATED, "en_ramassage": S.CREATED, "en_preparation_stock": S.CREATED,
    "vers_hub": S.IN_TRANSIT, "en_hub": S.IN_TRANSIT, "vers_wilaya": S.IN_TRANSIT,
    "en_preparation": S.IN_TRANSIT,
    "en_livraison": S.OUT_FOR_DELIVERY,
    "suspendu": S.ON_HOLD,
    "livre_non_encaisse": S.DELIVERED, "encaisse_non_paye": S.DELIVERED,
    "paiements_prets": S.DELIVERED, "paye_et_archive": S.DELIVERED,
    # Back with the driver after a refusal: the delivery failed and the parcel will return.
    "retour_chez_livreur": S.DELIVERY_FAILED,
    "retour_transit_entrepot": S.RETURNING, "retour_en_traitement": S.RETURNING,
    "retour_recu": S.RETURNED, "retour_archive": S.RETURNED,
    "annule": S.CANCELLED,
    # the same, in the French display wording of bulk tracking and dashboards
    "Prêt à expédier": S.CREATED, "Prêt à préparer": S.CREATED, "En ramassage": S.CREATED,
    "Stock en préparation": S.CREATED,
    "Vers hub": S.IN_TRANSIT, "En hub": S.IN_TRANSIT, "Vers wilaya": S.IN_TRANSIT,
    "En préparation": S.IN_TRANSIT,
    "En livraison": S.OUT_FOR_DELIVERY,
    "Suspendus": S.ON_HOLD,
    "Retours chez livreur": S.DELIVERY_FAILED,
    "Retours en traitement": S.RETURNING, "Retours prêts": S.RETURNING,
    "Retours à dispatcher vers stock": S.RETURNING, "Retours en transit stock": S.RETURNING,
    "Retours reçu": S.RETURNED, "Retours en stock": S.RETURNED, "Retours archivé": S.RETURNED,
    "Livre non encaissé": S.DELIVERED, "Livre encaissé non payé": S.DELIVERED,
    "Paiement prêt": S.DELIVERED, "Paiement archivé": S.DELIVERED,
    # (b) tracking activity event keys: get/tracking/info `activity[].status`
    "order_information_received_by_carrier": S.CREATED,
    # A note was added: it says nothing about where the parcel is.
    "notification_on_order": S.UNKNOWN,
    "picked": S.PICKED_UP,
    "accepted_by_carrier": S.IN_TRANSIT,
    "dispatched_to_driver": S.OUT_FOR_DELIVERY,
    "attempt_delivery": S.FAILED_ATTEMPT,
    "return_asked": S.DELIVERY_FAILED,
    "return_in_transit": S.RETURNING,
    "Return_received": S.RETURNED,
    "livred": S.DELIVERED, "encaissed": S.DELIVERED, "payed": S.DELIVERED,
}

# Couriers give local wall-clock times; Algeria is UTC+1 all year (no summer time).
ALGERIA = timezone(timedelta(hours=1))


# --- helpers shared with the Noest adapter ---------------------------------------------------
def courier_words(body: Any, fallback: str) -> str:
    """The courier's own words from a Laravel error bag or a `{success:false, message}`."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict):
            words = [str(text) for texts in errors.values()
                     for text in (texts if isinstance(texts, list) else [texts])]
            if words:
                return " ".join(words)
        if body.get("message"):
            return str(body["message"])
    return fallback


def courier_time(text: Optional[str]) -> Optional[datetime]:
    """"YYYY-MM-DD HH:MM:SS" in Algerian time (or ISO-8601 with an offset) as aware UTC."""
    if not text:
        return None
    value = str(text).strip()
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=ALGERIA).astimezone(timezone.utc)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=ALGERIA)).astimezone(timezone.utc)


def amount(value: Any) -> Optional[int]:
    """A DZD amount the courier sends as a string ("1300", "1300.00") or a number."""
    try:
        return int(round(float(str(value).replace(",", ".")))) if value not in (None, "") else None
    except ValueError:
        return None


def match_commune(rows: Iterable[Mapping[str, Any]], where: Destination,
                  key: str = "nom") -> Optional[Mapping[str, Any]]:
    """The courier's commune row that names `where`'s commune, ignoring case and accents."""
    wanted = {normalize_name(where.commune_name), normalize_name(where.commune_name_ar)}
    return next((row for row in rows if normalize_name(str(row.get(key) or "")) in wanted), None)


@lru_cache(maxsize=1)
def _geography_index() -> Tuple[Dict[Tuple[int, str], int], Dict[int, int]]:
    """(former wilaya, commune name) -> official wilaya for the 108 moved communes, and
    each new wilaya (59-69) -> the wilaya it was carved from."""
    from chalicelib.geo.data import Geography   # loaded on first use, never at import
    geography = Geography.load()
    moved: Dict[Tuple[int, str], int] = {}
    parents: Dict[int, Set[int]] = {}
    for wilaya in geography.wilayas():
        for commune in geography.communes(wilaya.code):
            if commune.former_wilaya:
                moved[(commune.former_wilaya, normalize_name(commune.name_fr))] = wilaya.code
                parents.setdefault(wilaya.code, set()).add(commune.former_wilaya)
    return moved, {new: min(old) for new, old in parents.items() if len(old) == 1}


def official_wilaya(courier_wilaya: int, commune_name: str) -> int:
    """The official wilaya of a commune the courier files under its pre-2026 wilaya."""
    moved, _ = _geography_index()
    return moved.get((courier_wilaya, normalize_name(commune_name or "")), courier_wilaya)


def spread_over_new_wilayas(rates: List[Rate]) -> List[Rate]:
    """Couriers price wilayas 1-58; wilayas 59-69 are served as part of their former
    wilaya, so they get its fees."""
    _, parents = _geography_index()
    known = {rate.wilaya: rate for rate in rates}
    return rates + [Rate(new, known[old].home, known[old].stop_desk)
                    for new, old in sorted(parents.items()) if old in known and new not in known]


# --- pure mapping ------------------------------------------------------------------------------
def order_params(request: ParcelRequest, commune: str) -> Dict[str, Any]:
    """create/order's parameters (query string). `commune` is the tenant's own spelling."""
    where = request.destination
    params: Dict[str, Any] = {
        "reference": request.reference,             # a retried job finds its parcel by it
        "nom_client": request.recipient.name,
        "telephone": request.recipient.national_phone,
        "adresse": where.address,
        "commune": commune,
        "code_wilaya": where.courier_wilaya,        # 1-58: moved communes go under their former one
        "montant": request.cod_amount,              # what the courier collects, delivery included
        "produit": request.description,
        "type": 1,                                  # 1 = Livraison
        "stop_desk": 1 if where.is_stop_desk else 0,
        "weight": request.weight_kg,
    }
    if where.is_stop_desk:
        params["code_postal"] = where.stop_desk     # the station code from get/communes
    if request.note:
        params["remarque"] = request.note[:255]
    return params


def update_from_status(tracking: str, row: Mapping[str, Any]) -> TrackingUpdate:
    """get/orders/status gives the current status key and an activity list without status
    keys: the update is the current status, dated by the latest activity."""
    raw = str(row.get("status") or "")
    activity = [entry for entry in row.get("activity") or [] if isinstance(entry, dict)]
    latest = max(activity, default=None,
                 key=lambda entry: (str(entry.get("date") or ""), str(entry.get("time") or "")))
    at = reason = None
    if latest is not None:
        at = courier_time(f"{latest.get('date') or ''} {latest.get('time') or '00:00:00'}".strip())
        reason = latest.get("reason") or None
    return TrackingUpdate(tracking=tracking, raw_status=raw, status=normalise(STATUS_MAP, raw),
                          at=at, reason=reason)


def rates_from_fees(body: Any) -> List[Rate]:
    """get/fees: one array per service; `livraison` holds the delivery fees."""
    return rates_from_rows(rows_of(body.get("livraison")) if isinstance(body, dict) else [])


def rates_from_rows(rows: Iterable[Mapping[str, Any]]) -> List[Rate]:
    """Fee rows `{wilaya_id, tarif, tarif_stopdesk}` as rates, wilayas 59-69 included."""
    rates = [Rate(int(row["wilaya_id"]), amount(row.get("tarif")),
                  amount(row.get("tarif_stopdesk")))
             for row in rows if str(row.get("wilaya_id")).isdigit()]
    return spread_over_new_wilayas(sorted(rates, key=lambda rate: rate.wilaya))


def rows_of(body: Any) -> List[Dict[str, Any]]:
    """EcoTrack lists come as arrays or as objects keyed by index strings."""
    values = body.values() if isinstance(body, dict) else body if isinstance(body, list) else []
    return [row for row in values if isinstance(row, dict)]


# --- the adapter ------------------------------------------------------------------------------
class EcotrackClient:
    code = "ecotrack"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self._token = account.credentials["api_token"]
        self._http = http
        self._communes: Dict[Optional[int], List[Dict[str, Any]]] = {}   # per courier wilaya

    # --- HTTP ----------------------------------------------------------------------------------
    def _call(self, method: str, path: str, params: Optional[Dict[str, Any]] = None,
              token_in_query: bool = False) -> requests.Response:
        # `Accept: application/json` makes Laravel answer 401/422 as JSON, not a redirect.
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if token_in_query:   # validate/token and get/orders/status read the token there only
            params = dict(params or {}, api_token=self._token)
        response = self._http.request(method, API + path, params=params, headers=headers)
        if response.status_code == 403:
            raise CourierAuthFailed("EcoTrack refused this token for that request", status=403)
        if response.status_code >= 400:
            raise CourierRejected(courier_words(json_or_none(response),
                                                f"EcoTrack answered {response.status_code}"),
                                  status=response.status_code)
        return response

    def _json(self, method: str, path: str, params: Optional[Dict[str, Any]] = None,
              token_in_query: bool = False) -> Any:
        body = json_or_none(self._call(method, path, params, token_in_query))
        if body is None:
            raise CourierUnavailable(f"EcoTrack answered {path} with something that is not JSON")
        # EcoTrack's business errors come as HTTP 200 {success:false, error:<code>, message}.
        if isinstance(body, dict) and body.get("success") is False:
            raise CourierRejected(courier_words(body, "EcoTrack refused the request"),
                                  error=body.get("error"))
        return body

    # --- the protocol ----------------------------------------------------------------------
    def check_credentials(self) -> None:
        response = self._call("GET", "validate/token", token_in_query=True)
        body = json_or_none(response)
        if not isinstance(body, dict) or body.get("success") is not True:
            said = body.get("message") if isinstance(body, dict) else None
            raise CourierAuthFailed(f"EcoTrack refused the token ({said or 'no answer'})")

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        commune = self._commune_name(request.destination)
        body = self._json("POST", "create/order", order_params(request, commune))
        tracking = body.get("tracking") if isinstance(body, dict) else None
        if not tracking:
            raise CourierUnavailable("EcoTrack accepted the order but gave no tracking")
        return Parcel(tracking=str(tracking), reference=request.reference)

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        # get/orders filters by tracking and dates only, not by reference: page through its
        # default window (the last 90 days, 40 a page) until the reference shows up.
        page, last_page = 1, 1
        while page <= last_page:
            if page > MAX_PAGES:
                raise CourierUnavailable("EcoTrack's order list is too long to search")
            body = self._json("GET", "get/orders", {"page": page})
            for row in rows_of(body.get("data") if isinstance(body, dict) else None):
                if str(row.get("reference") or "") == reference and row.get("tracking"):
                    raw = str(row.get("status") or "") or None
                    return Parcel(tracking=str(row["tracking"]), reference=reference,
                                  raw_status=raw, status=normalise(STATUS_MAP, raw))
            last_page = int(body.get("last_page") or 1) if isinstance(body, dict) else 1
            page += 1
        return None

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        # Batched get/orders/status (100 a call) rather than get/tracking/info per parcel:
        # at 50 requests a minute, one call per parcel would starve every other request.
        wanted = list(dict.fromkeys(trackings))
        found: Dict[str, List[TrackingUpdate]] = {tracking: [] for tracking in wanted}
        for start in range(0, len(wanted), TRACKING_BATCH):
            batch = wanted[start:start + TRACKING_BATCH]
            body = self._json("GET", "get/orders/status",
                              {"trackings": ",".join(batch), "status": "all"}, token_in_query=True)
            data = body.get("data") if isinstance(body, dict) else None
            # PHP sends an empty map as [], so `data` is a list when nothing matched.
            for tracking, row in (data.items() if isinstance(data, dict) else ()):
                if tracking in found and isinstance(row, dict) and row.get("status"):
                    found[tracking] = [update_from_status(tracking, row)]
        return found

    def get_label(self, parcel: Parcel) -> Label:
        response = self._call("GET", "get/order/label", {"tracking": parcel.tracking})
        if not response.content.startswith(b"%PDF"):
            raise CourierRejected(courier_words(json_or_none(response),
                                                "EcoTrack sent no PDF label"))
        return Label(response.content, "application/pdf")

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        raise CourierUnsupported("EcoTrack sends no callbacks: its parcels are polled")

    def stop_desks(self) -> List[StopDesk]:
        # Desks are addressed on create by the station code (`code_postal`) of a commune
        # that has one; get/desks adds the desk's own name and address.
        desks = self._json("GET", "get/desks")
        others = rows_of(desks.get("other_desks")) if isinstance(desks, dict) else []
        by_place = {(str(desk.get("code_wilaya")), normalize_name(str(desk.get("commune") or ""))):
                    desk for desk in others}
        found = []
        for row in self._commune_rows(None):
            has_desk = str(row.get("has_stop_desk")) in ("1", "True", "true")
            if not has_desk or not row.get("code_postal"):
                continue
            wilaya, name = int(row["wilaya_id"]), str(row.get("nom") or "")
            desk = by_place.get((str(wilaya), normalize_name(name))) or {}
            found.append(StopDesk(id=str(row["code_postal"]), name=str(desk.get("name") or name),
                                  wilaya=official_wilaya(wilaya, name), commune=name,
                                  address=desk.get("adresse") or None))
        return found

    def rates(self, sender_wilaya: int) -> List[Rate]:
        # A tenant's fee grid depends on the destination only, not on where parcels leave from.
        return rates_from_fees(self._json("GET", "get/fees"))

    # --- the tenant's communes ---------------------------------------------------------------
    def _commune_rows(self, wilaya: Optional[int]) -> List[Dict[str, Any]]:
        if wilaya not in self._communes:
            params = {"wilaya_id": wilaya} if wilaya is not None else None
            rows = rows_of(self._json("GET", "get/communes", params))
            self._communes[wilaya] = [row for row in rows if wilaya is None
                                      or str(row.get("wilaya_id")) in ("", "None", str(wilaya))]
        return self._communes[wilaya]

    def _commune_name(self, where: Destination) -> str:
        """The commune as this tenant spells it. A stop-desk parcel goes to the desk's
        commune. A name the tenant does not know is sent as we have it, so the refusal
        comes in EcoTrack's own words."""
        rows = self._commune_rows(where.courier_wilaya)
        if where.is_stop_desk:
            desk = next((row for row in rows
                         if str(row.get("code_postal")) == str(where.stop_desk)), None)
            if desk is not None:
                return str(desk["nom"])
        row = match_commune(rows, where)
        return str(row["nom"]) if row else where.commune_name
