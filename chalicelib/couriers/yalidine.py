"""Yalidine (and Guepex / Yalitec, the same API on other hosts): the adapter.

Facts: ../shared/couriers.md §1. What is particular to this courier:
- two headers authenticate every call (`X-API-ID`, `X-API-TOKEN`);
- a create is a JSON *array* answered by an object keyed by each `order_id`, all or
  nothing; our order number travels as `order_id`, and `GET parcels/?order_id=` finds
  it again;
- places go by *name*, spelled as the courier's own `/wilayas` and `/communes` lists
  spell them; its commune ids are the official ONS codes, which is how a commune
  whose spelling differs from ours is still found;
- the label is a public URL on the parcel, downloaded without our credentials;
- status changes are pushed as signed batches of events, and polled from `histories`;
- every time it gives is Algeria's local time (UTC+1 all year).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

import requests

from chalicelib.couriers.base import (CallbackAnswer, CallbackRejected, CourierAccount,
                                      CourierAuthFailed, CourierRejected, CourierUnavailable,
                                      Destination, Label, Parcel, ParcelRequest, Rate, StopDesk,
                                      TrackingStatus, TrackingUpdate, normalise)
from chalicelib.couriers.http import CourierHttp, json_or_none
from chalicelib.geo.data import Geography
from chalicelib.geo.names import normalize_name

ALGERIA = timezone(timedelta(hours=1))   # no daylight saving since 1981
PAGE_SIZE = 1000                         # the largest page the API serves
TRACKINGS_PER_CALL = 50                  # keeps the comma-separated filter's URL short
MAX_AMOUNT = 150_000                     # `price` and `declared_value` upper bound
SIGNATURE_HEADER = "x-yalidine-signature"
STATUS_EVENT = "parcel_status_updated"

P = TrackingStatus
# Every `last_status` / history `status` the docs list, spelled as Yalidine spells them.
STATUS_MAP: Dict[str, TrackingStatus] = {
    "Pas encore expédié": P.CREATED,
    "A vérifier": P.CREATED,
    "En préparation": P.CREATED,           # the only status that still allows edit/delete
    "Pas encore ramassé": P.CREATED,
    "Prêt à expédier": P.CREATED,
    "Ramassé": P.PICKED_UP,
    "Bloqué": P.ON_HOLD,
    "Débloqué": P.IN_TRANSIT,              # the hold was lifted: it moves again
    "Transfert": P.IN_TRANSIT,
    "Expédié": P.IN_TRANSIT,
    "Centre": P.IN_TRANSIT,
    "En localisation": P.IN_TRANSIT,
    "Vers Wilaya": P.IN_TRANSIT,
    "Reçu à Wilaya": P.IN_TRANSIT,
    "En attente du client": P.OUT_FOR_DELIVERY,
    "Prêt pour livreur": P.OUT_FOR_DELIVERY,
    "Sorti en livraison": P.OUT_FOR_DELIVERY,
    "En attente": P.OUT_FOR_DELIVERY,
    "En alerte": P.ON_HOLD,
    "Alerte résolue": P.IN_TRANSIT,
    "Tentative échouée": P.FAILED_ATTEMPT,  # another attempt follows
    "Livré": P.DELIVERED,
    "Echèc livraison": P.DELIVERY_FAILED,   # sic: refused or undeliverable, it goes back
    "Retour vers centre": P.RETURNING,
    "Retourné au centre": P.RETURNING,
    "Retour transfert": P.RETURNING,
    "Retour groupé": P.RETURNING,
    "Retour à retirer": P.RETURNING,
    "Retour vers vendeur": P.RETURNING,
    "Retourné au vendeur": P.RETURNED,
    "Echange échoué": P.DELIVERY_FAILED,    # the exchange did not happen: the parcel goes back
}


# --- pure helpers (unit-tested without a server) -------------------------------------------
def courier_commune_name(destination: Destination, communes: Mapping[int, str]) -> str:
    """The courier's spelling of the destination commune, from its `/communes` list of the
    courier wilaya ({id: name}). Same name (ignoring accents, case, hyphens) first, then
    the ONS code, which is the courier's id. When neither matches we send our own name
    and let the courier refuse it in its own words."""
    wanted = normalize_name(destination.commune_name)
    for name in communes.values():
        if normalize_name(name) == wanted:
            return name
    code = int(destination.commune_code) if destination.commune_code.isdigit() else None
    return communes.get(code, destination.commune_name) if code is not None \
        else destination.commune_name


def parcel_payload(request: ParcelRequest, wilayas: Mapping[int, str],
                   communes: Mapping[int, str]) -> Dict[str, Any]:
    """One element of the create array. `wilayas` is the courier's {id: name} list,
    `communes` its {id: name} list for the destination's courier wilaya."""
    where = request.destination
    goods = min(max(request.cod_amount - request.delivery_fee, 0), MAX_AMOUNT)
    payload: Dict[str, Any] = {
        "order_id": request.reference,
        "from_wilaya_name": wilayas.get(request.sender_wilaya) or request.sender_wilaya_name,
        "firstname": request.recipient.first_name,
        "familyname": request.recipient.last_name,
        "contact_phone": request.recipient.national_phone,
        "address": where.address or where.commune_name,
        # Couriers on the 58 numbering file moved communes under their former wilaya.
        "to_wilaya_name": wilayas.get(where.courier_wilaya) or where.wilaya_name,
        "to_commune_name": courier_commune_name(where, communes),
        "product_list": request.description or f"Commande {request.reference}",
        # The customer pays exactly the order's total (delivery included); the store
        # settles Yalidine's fee itself, hence freeshipping.
        "price": request.cod_amount,
        "freeshipping": True,
        "do_insurance": False,
        "declared_value": goods,
        "length": 0, "width": 0, "height": 0,
        "weight": max(int(request.weight_kg), 0),
        "is_stopdesk": where.is_stop_desk,
        "has_exchange": False,
    }
    if where.is_stop_desk:
        desk = where.stop_desk or ""
        payload["stopdesk_id"] = int(desk) if desk.isdigit() else desk
    return payload


def local_time(text: Any) -> Optional[datetime]:
    """"YYYY-MM-DD HH:MM:SS" in Algeria's time -> aware UTC; None if unreadable."""
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=ALGERIA).astimezone(timezone.utc)
    except ValueError:
        return None


def signature_is_valid(secret: str, body: bytes, header: Optional[str]) -> bool:
    """Lowercase hex HMAC-SHA256 of the raw body; an optional `sha256=` prefix is
    tolerated (one live-tested client saw fit to accept it)."""
    if not secret or not header:
        return False
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256="):]
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.lower())


def webhook_updates(body: bytes) -> List[TrackingUpdate]:
    """The status updates in a webhook batch, oldest first. Other event types (created,
    edited, deleted, payment) carry no tracking status and give none."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise CallbackRejected("the callback body is not JSON") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise CallbackRejected("the callback is not a Yalidine event batch")
    if payload.get("type") != STATUS_EVENT:
        return []
    updates = []
    for event in payload["events"]:
        data = event.get("data") if isinstance(event, dict) else None
        if not isinstance(data, dict) or not data.get("tracking") or not data.get("status"):
            # One unreadable event must not make Yalidine resend (and finally disable)
            # a batch whose other events are fine.
            continue
        raw = str(data["status"])
        updates.append(TrackingUpdate(
            tracking=str(data["tracking"]), raw_status=raw, status=normalise(STATUS_MAP, raw),
            at=local_time(event.get("occurred_at")), reason=data.get("reason") or None,
            event_id=str(event["event_id"]) if event.get("event_id") is not None else None))
    return _oldest_first(updates)


def history_updates(rows: Sequence[Mapping[str, Any]]) -> Dict[str, List[TrackingUpdate]]:
    """`histories` rows (newest first, as the API orders them) -> updates per parcel,
    oldest first."""
    updates: Dict[str, List[TrackingUpdate]] = {}
    for row in reversed(rows):
        raw = str(row.get("status") or "")
        updates.setdefault(str(row.get("tracking")), []).append(TrackingUpdate(
            tracking=str(row.get("tracking")), raw_status=raw, status=normalise(STATUS_MAP, raw),
            at=local_time(row.get("date_status")), reason=row.get("reason") or None))
    return {tracking: _oldest_first(items) for tracking, items in updates.items()}


def _oldest_first(updates: List[TrackingUpdate]) -> List[TrackingUpdate]:
    # Stable: updates of the same second keep the order the courier gave them in.
    floor = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(updates, key=lambda update: update.at or floor)


def rates_from_fees(fees: Mapping[str, Any], geography: Geography) -> List[Rate]:
    """One `fees` answer (one destination wilaya of the courier) -> a rate per official
    wilaya: its communes moved to wilayas 59-69 give those wilayas their own rate. The
    lowest express fee stands for the wilaya: the price Yalidine advertises 'from'."""
    by_wilaya: Dict[int, Dict[str, List[int]]] = {}
    for entry in (fees.get("per_commune") or {}).values():
        commune = geography.commune(str(entry.get("commune_id", "")).zfill(4))
        if commune is None:
            continue
        prices = by_wilaya.setdefault(commune.wilaya, {"home": [], "desk": []})
        for kind, field in (("home", "express_home"), ("desk", "express_desk")):
            if isinstance(entry.get(field), int):
                prices[kind].append(entry[field])
    return [Rate(wilaya=code, home=min(prices["home"], default=None),
                 stop_desk=min(prices["desk"], default=None))
            for code, prices in sorted(by_wilaya.items())]


def parcel_from(data: Mapping[str, Any]) -> Parcel:
    raw = data.get("last_status")
    return Parcel(tracking=str(data["tracking"]), reference=data.get("order_id"),
                  label_url=data.get("label"), raw_status=raw,
                  status=normalise(STATUS_MAP, raw) if raw else P.CREATED)


def error_message(body: Any, status: int) -> str:
    """The courier's own words from an error answer, whatever its shape."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        for value in (error, body.get("message")):
            if isinstance(value, str) and value:
                return value
    return f"Yalidine answered HTTP {status}"


# --- the adapter --------------------------------------------------------------------------------
class YalidineClient:
    code = "yalidine"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self._account = account
        self._http = http
        self._headers = {"X-API-ID": str(account.credentials.get("api_id", "")),
                         "X-API-TOKEN": str(account.credentials.get("api_token", ""))}
        self._wilayas: Optional[Dict[int, str]] = None
        self._deliverable: set = set()
        self._communes: Dict[int, Dict[int, str]] = {}

    def check_credentials(self) -> None:
        self._call("GET", "wilayas/", params={"page_size": 1})

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        wilayas = self._wilaya_names()
        communes = self._commune_names(request.destination.courier_wilaya)
        payload = parcel_payload(request, wilayas, communes)
        answer = self._call("POST", "parcels/", json=[payload])
        entry = answer.get(request.reference) if isinstance(answer, dict) else None
        if not isinstance(entry, dict):
            # We cannot tell whether it was made: a retry looks it up first.
            raise CourierUnavailable("Yalidine's answer to the create names no parcel of ours")
        if not entry.get("success") or not entry.get("tracking"):
            raise CourierRejected(str(entry.get("message") or "Yalidine refused the parcel"),
                                  reference=request.reference)
        return Parcel(tracking=str(entry["tracking"]), reference=request.reference,
                      label_url=entry.get("label"), raw_status="En préparation",
                      status=P.CREATED)

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        rows = self._all("parcels/", {"order_id": reference})
        mine = [row for row in rows if row.get("order_id") == reference and row.get("tracking")]
        # Newest first is the API's order: the latest parcel made for this order wins.
        return parcel_from(mine[0]) if mine else None

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        wanted = list(dict.fromkeys(trackings))
        found: Dict[str, List[TrackingUpdate]] = {tracking: [] for tracking in wanted}
        for start in range(0, len(wanted), TRACKINGS_PER_CALL):
            chunk = wanted[start:start + TRACKINGS_PER_CALL]
            rows = self._all("histories/", {"tracking": ",".join(chunk)})
            for tracking, updates in history_updates(rows).items():
                if tracking in found:
                    found[tracking] = updates
        return found

    def get_label(self, parcel: Parcel) -> Label:
        url = parcel.label_url or self._label_url(parcel.tracking)
        if not self._is_courier_host(url):
            raise CourierRejected("the label URL is not on Yalidine's host", url=url)
        return self._download(url)

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        if method.upper() == "GET":
            token = (query or {}).get("crc_token")
            if not token:
                raise CallbackRejected("a Yalidine challenge carries a crc_token")
            # The echo format is disputed (JSON or bare); the bare token satisfies both readings.
            return CallbackAnswer(status=200, body=str(token), content_type="text/plain")
        if method.upper() != "POST":
            raise CallbackRejected(f"Yalidine does not call back with {method}")
        secret = str(self._account.credentials.get("webhook_secret") or "")
        given = next((value for name, value in (headers or {}).items()
                      if name.lower() == SIGNATURE_HEADER), None)
        if not signature_is_valid(secret, body, given):
            raise CallbackRejected("the Yalidine signature is missing or wrong")
        return CallbackAnswer(updates=tuple(webhook_updates(body)))

    def stop_desks(self) -> List[StopDesk]:
        geography = Geography.load()
        desks = []
        for center in self._all("centers/", {}):
            commune = geography.commune(str(center.get("commune_id", "")).zfill(4))
            desks.append(StopDesk(
                id=str(center["center_id"]), name=str(center.get("name") or ""),
                # The courier files desks under the 58 wilayas; we speak official codes.
                wilaya=commune.wilaya if commune else int(center.get("wilaya_id") or 0),
                commune=center.get("commune_name"), address=center.get("address")))
        return desks

    def rates(self, sender_wilaya: int) -> List[Rate]:
        """One `fees` call per served wilaya (58): this uses more than the minute's quota
        of 50, so it belongs to a job that may wait, not to a request."""
        geography = Geography.load()
        rates: List[Rate] = []
        for wilaya in sorted(self._wilaya_names(deliverable_only=True)):
            fees = self._call("GET", "fees/", params={"from_wilaya_id": sender_wilaya,
                                                      "to_wilaya_id": wilaya})
            if isinstance(fees, dict):
                rates.extend(rates_from_fees(fees, geography))
        return sorted(rates, key=lambda rate: rate.wilaya)

    # --- lists, cached for this client's life (they change a few times a year) ------------
    def _wilaya_names(self, deliverable_only: bool = False) -> Dict[int, str]:
        if self._wilayas is None:
            rows = self._all("wilayas/", {})
            self._wilayas = {int(row["id"]): str(row["name"]) for row in rows}
            self._deliverable = {int(row["id"]) for row in rows if row.get("is_deliverable", 1)}
        if deliverable_only:
            return {code: name for code, name in self._wilayas.items() if code in self._deliverable}
        return self._wilayas

    def _commune_names(self, wilaya: int) -> Dict[int, str]:
        if wilaya not in self._communes:
            rows = self._all("communes/", {"wilaya_id": wilaya})
            self._communes[wilaya] = {int(row["id"]): str(row["name"]) for row in rows}
        return self._communes[wilaya]

    # --- HTTP ------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, headers=dict(self._headers), **kwargs)
        body = json_or_none(response)
        if response.status_code == 403:
            raise CourierAuthFailed(error_message(body, 403), status=403)
        if response.status_code >= 400:
            raise CourierRejected(error_message(body, response.status_code),
                                  status=response.status_code)
        if body is None:
            raise CourierUnavailable(f"Yalidine answered {method} {path} with no JSON")
        return body

    def _all(self, path: str, params: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """Every row of a paginated list."""
        rows: List[Dict[str, Any]] = []
        page = 1
        while True:
            answer = self._call("GET", path, params=dict(params, page=page, page_size=PAGE_SIZE))
            if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
                raise CourierUnavailable(f"Yalidine answered GET {path} without its list envelope")
            rows.extend(row for row in answer["data"] if isinstance(row, dict))
            if not answer.get("has_more"):
                return rows
            page += 1

    def _label_url(self, tracking: str) -> str:
        rows = self._all(f"parcels/{tracking}", {})
        if not rows or not rows[0].get("label"):
            raise CourierRejected(f"Yalidine has no parcel {tracking}", tracking=tracking)
        return str(rows[0]["label"])

    def _is_courier_host(self, url: str) -> bool:
        """The label link is followed without credentials, but only to the API's own host
        or the domain above it (api.yalidine.app -> yalidine.app), never elsewhere."""
        api, label = urlsplit(self._http.base_url), urlsplit(url)
        if label.scheme not in ("https", api.scheme) or not label.hostname:
            return False
        same_host = label.hostname == api.hostname and label.port == api.port
        parent = "." in label.hostname and (api.hostname or "").endswith("." + label.hostname)
        return same_host or parent

    def _download(self, url: str) -> Label:
        try:
            response = self._http.session.get(url, timeout=self._http.timeout,
                                              allow_redirects=False)
        except requests.RequestException as error:
            raise CourierUnavailable(f"the label could not be fetched ({type(error).__name__})") \
                from error
        if response.status_code >= 500 or 300 <= response.status_code < 400:
            raise CourierUnavailable(f"the label answered {response.status_code}",
                                     status=response.status_code)
        if response.status_code != 200:
            raise CourierRejected(f"Yalidine refused the label ({response.status_code})",
                                  status=response.status_code)
        content = response.content
        if content.startswith(b"%PDF"):
            return Label(content=content)
        # Yalidine documents the bordereau as HTML or PDF: hand back what it served.
        return Label(content=content,
                     content_type=response.headers.get("Content-Type", "text/html"))
