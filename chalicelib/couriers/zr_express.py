"""ZR Express, new platform (`api.zrexpress.app/api/v1`): facts in couriers.md §4.

What is particular to this courier:
- two headers on every call, `X-Api-Key` and `X-Tenant`; a refused key is a 401, a key
  without the right (role, tenant) a 403 — both are the merchant's to fix;
- places are territory UUIDs: we read the tenant's territories once per client and
  match the wilaya by code and the commune under it by code or name;
- a parcel needs a customer first (`customers/individual`), and `POST parcels` answers
  only `{id}`: the tracking number (`16-XXXXXX-ZR`) is read back with `GET parcels/{id}`;
- errors are problem details (`title`, `detail`, `errors[]`);
- labels are a JSON list of time-limited file URLs, downloaded without our headers;
- updates are pushed by Svix: signed headers, and a body whose key casing is disputed
  (PascalCase and camelCase both seen), so keys are read case-insensitively.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import requests

from chalicelib.couriers.base import (
    CallbackAnswer, CallbackRejected, CourierAccount, CourierAuthFailed, CourierRejected,
    CourierUnavailable, Destination, Label, Parcel, ParcelRequest, Rate, Recipient, StopDesk,
    TrackingStatus, TrackingUpdate, normalise)
from chalicelib.couriers.http import CourierHttp, json_or_none
from chalicelib.geo.names import normalize_name

S = TrackingStatus
# State slugs of ZR's default workflow (couriers.md §4.5), spelled as the API sends them.
STATUS_MAP: Dict[str, TrackingStatus] = {
    "commande_recue": S.CREATED, "en_traitement": S.CREATED, "appel_confirmation": S.CREATED,
    "commande_confirmee": S.CREATED, "en_preparation": S.CREATED, "pret_a_expedier": S.CREATED,
    "confirme_au_bureau": S.IN_TRANSIT, "confirme_chez_partenaire": S.IN_TRANSIT,
    "dispatch": S.IN_TRANSIT, "vers_wilaya": S.IN_TRANSIT,
    "sortie_en_livraison": S.OUT_FOR_DELIVERY, "en_livraison": S.OUT_FOR_DELIVERY,
    "livre": S.DELIVERED, "livre au client": S.DELIVERED,
    # Cash collected / handed over: delivered parcels whose money moved on.
    "encaisse": S.DELIVERED, "recouvert": S.DELIVERED,
    "retour_sous_traitant": S.RETURNING, "attente_recuperation_fournisseur": S.RETURNING,
    "colis_recupere": S.RETURNING,
    # Put back into the merchant's stock held at ZR: the goods are the merchant's again.
    "reinjecte_dans_stock": S.RETURNED, "remboursement_reinjecte": S.RETURNED,
    "recupere_par_fournisseur": S.RETURNED,
}

PAGE_SIZE = 1000            # clients page territories and hubs by 1000-5000
PARCEL_PAGE_SIZE = 100      # and parcel searches by 100
MAX_PAGES = 20              # a guard against a paging answer that never ends
SIGNATURE_TOLERANCE = 300   # seconds; Svix's customary window against replays
TRACKING_READS = 3          # a new parcel may have no tracking number for a moment
EPOCH = datetime.fromtimestamp(0, timezone.utc)


# --- pure helpers (tested without a server) ------------------------------------------------
def pick(data: Any, *names: str) -> Any:
    """The first of `names` present in `data`, whatever the key's casing (ZR's webhook
    bodies come in PascalCase or camelCase)."""
    if not isinstance(data, Mapping):
        return None
    folded = {str(key).lower(): value for key, value in data.items()}
    for name in names:
        if folded.get(name.lower()) is not None:
            return folded[name.lower()]
    return None


def problem_message(body: Any, status: int) -> str:
    """The courier's own words from a problem-details body: each error's description,
    else `detail`, else `title`."""
    words: List[str] = []
    errors = pick(body, "errors")
    if isinstance(errors, Mapping):      # ASP.NET's {"field": ["message", ...]} form
        errors = [text for texts in errors.values()
                  for text in (texts if isinstance(texts, list) else [texts])]
    for error in errors if isinstance(errors, list) else []:
        text = error if isinstance(error, str) else pick(
            error, "description", "errorMessage", "message", "detail", "code")
        if text and str(text) not in words:
            words.append(str(text))
    if not words:
        words = [str(pick(body, "detail") or pick(body, "title") or f"HTTP {status}")]
    return "; ".join(words)


def international_phone(recipient: Recipient) -> str:
    """+213XXXXXXXXX: ZR validates the international form."""
    phone = recipient.phone.replace(" ", "")
    return "+213" + phone[1:] if phone.startswith("0") else phone


def match_commune(communes: Sequence[Mapping[str, Any]],
                  destination: Destination) -> Optional[Mapping[str, Any]]:
    """Among one wilaya's commune territories: the one with the official ONS code, else
    the one whose name matches ignoring accents, case and punctuation."""
    for commune in communes:
        if str(pick(commune, "code") or "").zfill(4) == destination.commune_code:
            return commune
    wanted = normalize_name(destination.commune_name)
    return next((c for c in communes if normalize_name(str(pick(c, "name") or "")) == wanted),
                None)


def territory_ids(territories: Sequence[Mapping[str, Any]],
                  destination: Destination) -> Tuple[str, str]:
    """(wilaya UUID, commune UUID) for the courier-facing wilaya and the commune."""
    wilaya = next((t for t in territories if pick(t, "level") == "wilaya"
                   and pick(t, "code") == destination.courier_wilaya), None)
    if wilaya is None:
        raise CourierRejected(
            f"ZR Express has no territory for wilaya {destination.courier_wilaya}")
    communes = [t for t in territories if pick(t, "level") == "commune"
                and pick(t, "parentId") == pick(wilaya, "id")]
    commune = match_commune(communes, destination)
    if commune is None:
        raise CourierRejected(f"ZR Express has no territory for commune {destination.commune_name}"
                              f" in wilaya {destination.courier_wilaya}")
    return str(pick(wilaya, "id")), str(pick(commune, "id"))


def parcel_body(request: ParcelRequest, customer_id: str, wilaya_id: str,
                commune_id: str) -> Dict[str, Any]:
    destination = request.destination
    body: Dict[str, Any] = {
        "customer": {"customerId": customer_id, "name": request.recipient.name,
                     "phone": {"number1": international_phone(request.recipient)}},
        "deliveryAddress": {"cityTerritoryId": wilaya_id, "districtTerritoryId": commune_id,
                            "street": destination.address, "city": destination.wilaya_name,
                            "district": destination.commune_name, "country": "algeria"},
        "orderedProducts": [{"productName": line.name, "unitPrice": line.unit_price,
                             "quantity": line.quantity, "stockType": "none"}
                            for line in request.lines],
        "deliveryType": "pickup-point" if destination.is_stop_desk else "home",
        "description": request.description or f"Commande {request.reference}",
        # What the courier collects: the order's total, delivery included.
        "amount": request.cod_amount,
        # Our order number: how a retried job finds the parcel it already made.
        "externalId": request.reference,
    }
    if destination.is_stop_desk:
        body["hubId"] = destination.stop_desk
    return body


def parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at.astimezone(timezone.utc) if at.tzinfo else at.replace(tzinfo=timezone.utc)


def verify_svix(secret: Optional[str], headers: Mapping[str, str], body: bytes,
                now: float) -> Tuple[str, int]:
    """Check a Svix signature; returns (message id, timestamp) or raises CallbackRejected."""
    lower = {str(key).lower(): value for key, value in headers.items()}
    msg_id = lower.get("svix-id") or lower.get("webhook-id")
    stamp = lower.get("svix-timestamp") or lower.get("webhook-timestamp")
    signatures = lower.get("svix-signature") or lower.get("webhook-signature")
    if not (msg_id and stamp and signatures):
        raise CallbackRejected("missing Svix signature headers")
    if not secret or not secret.startswith("whsec_"):
        raise CallbackRejected("no whsec_ webhook secret is set for this account")
    try:
        key = base64.b64decode(secret[len("whsec_"):], validate=True)
        timestamp = int(stamp)
    except (binascii.Error, ValueError) as error:
        raise CallbackRejected("unreadable webhook secret or timestamp") from error
    if abs(now - timestamp) > SIGNATURE_TOLERANCE:
        raise CallbackRejected("the Svix timestamp is too far from now")
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return msg_id, timestamp
    raise CallbackRejected("bad Svix signature")


def read_event(event: Any, msg_id: str, timestamp: int) -> List[TrackingUpdate]:
    """The update one verified webhook event carries (none for events we do not use)."""
    kind = pick(event, "eventType", "type")
    data = pick(event, "data") or {}
    tracking = pick(data, "trackingNumber")
    if not tracking or kind not in ("parcel.state.updated", "parcel.state.situation.created",
                                    "parcel.isReturn.updated"):
        return []
    state = pick(data, "state") or {}
    state_name = pick(state, "name", "slug") or pick(data, "newStateName")
    situation = pick(data, "situation") or {}
    reason = (pick(situation, "description", "name", "slug")
              or pick(data, "situationDescription", "situationName"))
    raw = str(state_name or pick(situation, "name", "slug") or pick(data, "situationName")
              or kind)
    status = normalise(STATUS_MAP, raw)
    if kind == "parcel.isReturn.updated" and pick(data, "isReturn") is True \
            and status not in (S.RETURNING, S.RETURNED):
        status = S.RETURNING     # the flag marks the return leg before the state says so
    at = parse_time(pick(event, "occurredAt")) \
        or datetime.fromtimestamp(timestamp, timezone.utc)
    # Svix keeps the message id across its retries: it is the event's identity.
    return [TrackingUpdate(str(tracking), raw, status, at, reason and str(reason), msg_id)]


# --- the adapter ------------------------------------------------------------------------------
class ZrExpressClient:
    code = "zr_express"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self._account = account
        self._http = http
        self._headers = {"X-Api-Key": account.credentials.get("api_key", ""),
                         "X-Tenant": account.credentials.get("tenant_id", ""),
                         "Accept": "application/json"}
        self._territories: Optional[List[Mapping[str, Any]]] = None
        self.clock = time.time       # replaced in tests to check the signature window

    # --- HTTP -------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> Any:
        response = self._checked(method, path, body, missing_ok)
        return None if response is None else json_or_none(response)

    def _checked(self, method: str, path: str, body: Any = None,
                 missing_ok: bool = False) -> Optional[requests.Response]:
        """The answer, or the courier's refusal as our error (None for an allowed 404)."""
        response = self._http.request(method, path, json=body, headers=self._headers)
        status = response.status_code
        if status == 404 and missing_ok:
            return None
        if status >= 400:
            data = json_or_none(response)
            # 403: the key lacks a role or the tenant; only the merchant can fix that.
            error = CourierAuthFailed if status == 403 else CourierRejected
            raise error(problem_message(data, status), status=status, title=pick(data, "title"))
        return response

    def _pages(self, path: str, body: Mapping[str, Any],
               size: int = PAGE_SIZE) -> List[Mapping[str, Any]]:
        items: List[Mapping[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            data = self._call("POST", path, dict(body, pageNumber=page, pageSize=size))
            items.extend(pick(data, "items") or [])
            if page >= int(pick(data, "totalPages") or 1):
                break
        return items

    # --- territories --------------------------------------------------------------------------
    def _all_territories(self) -> List[Mapping[str, Any]]:
        if self._territories is None:
            self._territories = self._pages("territories/search", {})
        return self._territories

    # --- the protocol ---------------------------------------------------------------------------
    def check_credentials(self) -> None:
        self._call("GET", "users/profile")

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        wilaya_id, commune_id = territory_ids(self._all_territories(), request.destination)
        customer = self._call("POST", "customers/individual", {
            "name": request.recipient.name,
            "phone": {"number1": international_phone(request.recipient)}})
        created = self._call("POST", "parcels",
                             parcel_body(request, str(pick(customer, "id")), wilaya_id, commune_id))
        parcel_id = str(pick(created, "id") or "")
        if not parcel_id:
            raise CourierUnavailable("ZR Express answered a create without a parcel id")
        for attempt in range(TRACKING_READS):
            time.sleep(0.2 * attempt)      # nothing the first time; then a short wait
            record = self._call("GET", f"parcels/{parcel_id}")
            if pick(record, "trackingNumber"):
                return self._parcel(record, request.reference)
        # The parcel exists: a retried job finds it by our reference once it is numbered.
        raise CourierUnavailable("ZR Express has not numbered the new parcel yet",
                                 retry_after=60, parcel_id=parcel_id)

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        items = self._pages("parcels/search", {"keyword": reference}, PARCEL_PAGE_SIZE)
        # The keyword also matches other fields and parts of references: keep exact ones.
        mine = sorted((i for i in items if pick(i, "externalId") == reference),
                      key=lambda i: str(pick(i, "createdAt") or ""))
        if not mine:
            return None
        if not pick(mine[0], "trackingNumber"):
            raise CourierUnavailable("ZR Express has not numbered this parcel yet", retry_after=60)
        return self._parcel(mine[0], reference)

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        """ZR has no batch read: one parcel lookup and one history read per tracking."""
        result: Dict[str, List[TrackingUpdate]] = {}
        for tracking in trackings:
            record = self._call("GET", f"parcels/{tracking}", missing_ok=True)
            if record is None:
                result[tracking] = []
                continue
            history = self._call("GET", f"parcels/{pick(record, 'id')}/state-history") or []
            entries = pick(history, "items") if isinstance(history, Mapping) else history
            updates = [self._history_update(tracking, entry) for entry in entries or []]
            result[tracking] = sorted(updates, key=lambda u: u.at or EPOCH)
        return result

    def get_label(self, parcel: Parcel) -> Label:
        response = self._checked("POST", "parcels/labels/individual/pdf",
                                 {"trackingNumbers": [parcel.tracking], "format": "A6"})
        if response.content.startswith(b"%PDF"):     # one client saw raw PDF bytes here
            return Label(response.content)
        data = json_or_none(response)
        files = pick(data, "parcelLabelFiles") or []
        url = pick(files[0], "fileUrl") if files else None
        if not url:
            failed = pick(data, "failedTrackingNumbers") or []
            words = [str(pick(f, "errorMessage") or f) for f in failed] or ["no label file"]
            raise CourierRejected("ZR Express made no label: " + "; ".join(words))
        return Label(self._download(str(url)))

    def _download(self, url: str) -> bytes:
        """The label file: a time-limited link on another host, fetched without our headers."""
        try:
            answer = self._http.session.get(url, timeout=self._http.timeout, allow_redirects=False)
        except requests.RequestException as error:
            raise CourierUnavailable("the label file could not be fetched") from error
        if answer.status_code != 200 or not answer.content.startswith(b"%PDF"):
            # An expired link included: asking again gives a fresh one.
            raise CourierUnavailable(f"the label file answered {answer.status_code}")
        return answer.content

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        if method.upper() != "POST":
            raise CallbackRejected("ZR Express only POSTs its webhooks")
        msg_id, timestamp = verify_svix(self._account.credentials.get("webhook_secret"),
                                        headers, body, self.clock())
        try:
            event = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise CallbackRejected("the webhook body is not JSON") from error
        if not isinstance(event, Mapping):
            raise CallbackRejected("the webhook body is not an event")
        return CallbackAnswer(updates=tuple(read_event(event, msg_id, timestamp)))

    def stop_desks(self) -> List[StopDesk]:
        codes = {pick(t, "id"): pick(t, "code") for t in self._all_territories()}
        names = {pick(t, "id"): pick(t, "name") for t in self._all_territories()}
        desks = []
        for hub in self._pages("hubs/search", {}):
            address = pick(hub, "address") or {}
            wilaya = codes.get(pick(address, "cityTerritoryId"))
            if pick(hub, "isPickupPoint") and wilaya:
                desks.append(StopDesk(str(pick(hub, "id")), str(pick(hub, "name") or ""),
                                      int(wilaya), names.get(pick(address, "districtTerritoryId")),
                                      pick(address, "street")))
        return desks

    def rates(self, sender_wilaya: int) -> List[Rate]:
        """ZR prices from the tenant's own hub, so `sender_wilaya` does not change them."""
        data = self._call("GET", "delivery-pricing/rates")
        rates = []
        for rate in pick(data, "rates") or []:
            prices = {pick(p, "deliveryType"): pick(p, "price")
                      for p in pick(rate, "deliveryPrices") or []}
            home, desk = prices.get("home"), prices.get("pickup-point")
            rates.append(Rate(int(pick(rate, "toTerritoryCode")),
                              None if home is None else int(home),
                              None if desk is None else int(desk)))
        return rates

    # --- reading answers ----------------------------------------------------------------------
    def _parcel(self, record: Mapping[str, Any], reference: str) -> Parcel:
        raw = pick(pick(record, "state") or {}, "name")
        return Parcel(tracking=str(pick(record, "trackingNumber")),
                      reference=pick(record, "externalId") or reference,
                      courier_id=str(pick(record, "id")), raw_status=raw,
                      status=normalise(STATUS_MAP, raw) if raw else S.CREATED)

    @staticmethod
    def _history_update(tracking: str, entry: Mapping[str, Any]) -> TrackingUpdate:
        state = pick(entry, "newState", "state") or {}
        raw = str(pick(state, "name") or pick(entry, "stateName") or "")
        return TrackingUpdate(tracking, raw, normalise(STATUS_MAP, raw),
                              parse_time(pick(entry, "createdAt", "occurredAt")),
                              pick(pick(entry, "situation") or {}, "description"),
                              pick(entry, "id") and str(pick(entry, "id")))
