"""Maystro Delivery: orders over its Django REST API (couriers.md §5).

What is particular to Maystro:
- `Authorization: Token <token>` (a DRF token). DRF answers 401 for an invalid token
  even on views anyone may read, so the wilaya list is enough to check credentials.
- Communes are Maystro-internal integers (`shared/communes/?wilaya=`), matched here by
  name within the courier-facing wilaya and cached per client.
- An order has two ids: `display_id` (numeric, what customers and we call the
  tracking) and `id` (a UUID, which history, labels and cancels are keyed by). We
  keep the UUID as `Parcel.courier_id` and look it up by `?display_id=` when missing.
- Status is a numeric code (§5.4); `raw_status` is that code as a string ("41").
- Webhooks are an unsigned Pub/Sub-like envelope whose `message.data` is base64 of
  `{event, payload, instance_uuid}`; the secret token in our callback URL is what
  authenticates them, checked before this adapter is called.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional, Sequence

import requests

from chalicelib.couriers.base import (CallbackAnswer, CallbackRejected, CourierAccount,
                                      CourierAuthFailed, CourierError, CourierRejected,
                                      CourierUnavailable, Destination, Label, Parcel,
                                      ParcelRequest, Rate, StopDesk, TrackingStatus,
                                      TrackingUpdate, normalise)
from chalicelib.couriers.http import CourierHttp, json_or_none
from chalicelib.geo.data import Geography
from chalicelib.geo.names import normalize_name

S = TrackingStatus
# Numeric codes (§5.4), as strings. French label / English key in the comments.
STATUS_MAP: Dict[str, TrackingStatus] = {
    "4": S.CREATED,              # CRÉÉ / CREATED
    "5": S.CREATED,              # DEMANDE DE RAMASSAGE / PICK_UP_REQUESTED: not picked up yet
    "6": S.PICKED_UP,            # EN COURS / IN_PROCESS: in Maystro's hands, being processed
    "8": S.IN_TRANSIT,           # EN ATTENTE DE TRANSIT / WAITING_TRANSIT
    "9": S.IN_TRANSIT,           # EN TRANSIT POUR EXPÉDITION / IN_TRANSIT_TO_BE_SHIPPED
    "10": S.RETURNING,           # EN TRANSIT POUR RETOUR / IN_TRANSIT_TO_BE_RETURNED
    "11": S.ON_HOLD,             # EN ATTENTE / PENDING
    "12": S.ON_HOLD,             # EN RUPTURE DE STOCK / OUT_OF_STOCK (fulfilment stock)
    "15": S.IN_TRANSIT,          # PRÊT À EXPÉDIER / READY_TO_SHIP
    "22": S.OUT_FOR_DELIVERY,    # ASSIGNÉ / ASSIGNED to a driver
    "31": S.OUT_FOR_DELIVERY,    # EXPÉDIÉ / SHIPPED
    "32": S.FAILED_ATTEMPT,      # ALERTÉ / ALERTED: an incident, the driver tries again
    "41": S.DELIVERED,           # LIVRÉ / DELIVERED
    "42": S.FAILED_ATTEMPT,      # REPORTÉ / POSTPONED to a later day
    # ANNULÉ / ABORTED covers a refusal at the door as well as a cancellation. It is
    # read as a failed delivery, which is not final, so the return codes that follow a
    # refusal (51, 10, 52) still move the parcel; a cancellation we asked for is
    # already known to our service.
    "50": S.DELIVERY_FAILED,
    "51": S.RETURNING,           # PRÊT À RETOURNER / READY_TO_RETURN
    "52": S.RETURNED,            # PRIS PAR LE MAGASIN / TAKEN_BY_STORE
    "53": S.ON_HOLD,             # NON REÇU / NOT_RECEIVED: lost, for someone to look into
}

ALGERIA = 1                  # `country` of the wilaya list
SOURCE_API = 4               # `source` every API-created order must carry
HOME, STOP_DESK = 1, 2       # `delivery_type`, current docs (CDZ's older 0/1 is outdated)
STATUS_CHANGED = "OrderStatusChanged"
# Maystro's timestamps come with an offset; one without is taken as Algerian time.
ALGIERS = timezone(timedelta(hours=1))


class MaystroClient:
    code = "maystro"

    def __init__(self, account: CourierAccount, http: CourierHttp) -> None:
        self.http = http
        self._headers = {"Authorization": f"Token {account.credentials.get('token', '')}",
                         "Accept": "application/json"}
        self._communes: Dict[int, List[Dict[str, Any]]] = {}   # wilaya -> Maystro communes
        self._uuids: Dict[str, str] = {}                       # display_id -> order UUID

    # --- the protocol ---------------------------------------------------------------------
    def check_credentials(self) -> None:
        self._json("GET", "base/wilayas/", params={"country": ALGERIA})

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        body = order_payload(request, self._commune_id(request.destination))
        order = self._json("POST", "stores/orders/", json=body)
        if not isinstance(order, dict) or order.get("display_id") is None:
            raise CourierUnavailable("Maystro answered the order without its display_id")
        return self._remember(order)

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        # The filter is matched again here: a deployment that ignored it would list
        # every order, and the first one is not ours.
        for order in self._orders(external_order_id=reference):
            if str(order.get("external_order_id")) == reference:
                return self._remember(order)
        return None

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        # Maystro has no batch history: one history call per order (plus one lookup
        # of its UUID when this client did not create it).
        return {tracking: self._updates(str(tracking)) for tracking in trackings}

    def get_label(self, parcel: Parcel) -> Label:
        order_uuid = parcel.courier_id or self._uuid_of(parcel.tracking)
        if order_uuid is None:
            raise CourierRejected(f"Maystro has no order {parcel.tracking}")
        # v2 is keyed by UUID. v1 is keyed by display_id and answers a blank PDF
        # (HTTP 200) when given a UUID, so it is never used.
        response = self._call("POST", "delivery/starter/v2/starter_bordureau/",
                              json={"orders_ids": [order_uuid]})
        if not response.content.startswith(b"%PDF"):
            raise CourierUnavailable("Maystro's label answer is not a PDF")
        return Label(response.content, "application/pdf")

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        if method.upper() != "POST":
            raise CallbackRejected("Maystro posts its webhooks")
        envelope = _loads(body)
        message = envelope.get("message") if isinstance(envelope, dict) else None
        if not isinstance(message, dict) or not message.get("data"):
            raise CallbackRejected("not a Maystro webhook envelope (no message.data)")
        document = decode_document(message["data"])
        if document.get("event") != STATUS_CHANGED:
            return CallbackAnswer()     # orderCreated, InventoryMovement: nothing to track
        update = update_from_webhook(document, message, datetime.now(timezone.utc))
        payload = document["payload"]
        if payload.get("id"):
            self._uuids[update.tracking] = str(payload["id"])
        return CallbackAnswer(updates=(update,))

    def stop_desks(self) -> List[StopDesk]:
        # The facts give no stop-desk list endpoint: a stop-desk order may name a desk
        # by `stop_desk_id` (the merchant's own setting) or leave Maystro to choose.
        return []

    def rates(self, sender_wilaya: int) -> List[Rate]:
        # Maystro prices by destination commune only (no origin parameter), so
        # `sender_wilaya` changes nothing. Prices were found uniform within a wilaya,
        # so one sample commune per wilaya gives that wilaya's rate.
        rates = []
        for wilaya in self._wilaya_ids():
            communes = self._communes_of(wilaya)
            if not communes:
                continue
            sample = communes[0]["id"]
            home, desk = self._price(sample, HOME), self._price(sample, STOP_DESK)
            if home is not None or desk is not None:
                rates.append(Rate(wilaya=wilaya, home=home, stop_desk=desk))
        return rates

    # --- lookups ------------------------------------------------------------------------------
    def _commune_id(self, destination: Destination) -> int:
        communes = self._communes_of(destination.courier_wilaya)
        found = match_commune(communes, destination)
        if found is None:
            raise CourierRejected(
                f"Maystro lists no commune {destination.commune_name!r} in wilaya "
                f"{destination.courier_wilaya} ({destination.wilaya_name})")
        return found

    def _communes_of(self, wilaya: int) -> List[Dict[str, Any]]:
        if wilaya not in self._communes:
            answer = self._json("GET", "shared/communes/", params={"wilaya": wilaya})
            self._communes[wilaya] = [item for item in page_results(answer)
                                      if isinstance(item, dict) and item.get("id") is not None]
        return self._communes[wilaya]

    def _wilaya_ids(self) -> List[int]:
        answer = self._json("GET", "shared/wilayas/", params={"country": ALGERIA})
        # Documented as [id, name] tuples; an object form is read as well.
        raw = [item[0] if isinstance(item, list) and item else
               item.get("id") if isinstance(item, dict) else None for item in page_results(answer)]
        return sorted({int(r) for r in raw if str(r).isdigit() and 1 <= int(r) <= 58})

    def _price(self, commune_id: int, delivery_type: int) -> Optional[int]:
        response = self._call("GET", "stores/delivery_price/", missing_ok=True,
                              params={"commune": commune_id, "delivery_type": delivery_type,
                                      "express": "false"})
        if response is None:
            return None   # 404: no tariff for this commune and delivery type
        price = (json_or_none(response) or {}).get("delivery_price")
        try:
            return int(float(price))
        except (TypeError, ValueError):
            return None

    def _orders(self, **filters: str) -> List[Dict[str, Any]]:
        answer = self._json("GET", "stores/orders/", params=filters)
        return [order for order in page_results(answer) if isinstance(order, dict)]

    def _order_by_display_id(self, tracking: str) -> Optional[Dict[str, Any]]:
        for order in self._orders(display_id=tracking):
            if str(order.get("display_id")) == tracking:
                self._remember(order)
                return order
        return None

    def _uuid_of(self, tracking: str) -> Optional[str]:
        if tracking not in self._uuids:
            self._order_by_display_id(tracking)
        return self._uuids.get(tracking)

    def _updates(self, tracking: str) -> List[TrackingUpdate]:
        order_uuid = self._uuid_of(tracking)
        if order_uuid is None:
            return []     # Maystro does not know this tracking
        # Documented without the trailing slash.
        entries = page_results(self._json("GET", f"stores/history_order/{order_uuid}"))
        return updates_from_history(tracking, entries)

    def _remember(self, order: Dict[str, Any]) -> Parcel:
        parcel = parcel_from_order(order)
        if parcel.courier_id:
            self._uuids[parcel.tracking] = parcel.courier_id
        return parcel

    # --- HTTP ------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, missing_ok: bool = False,
              **kwargs: Any) -> Optional[requests.Response]:
        response = self.http.request(method, path, headers=self._headers, **kwargs)
        if response.status_code < 300:
            return response
        if response.status_code == 404 and missing_ok:
            return None
        raise refusal(response)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        body = json_or_none(response)
        if body is None:
            raise CourierUnavailable(f"Maystro's answer to {method} {path} is not JSON")
        return body


# --- payloads and answers (pure) ------------------------------------------------------------------
def order_payload(request: ParcelRequest, commune_id: int) -> Dict[str, Any]:
    destination = request.destination
    body: Dict[str, Any] = {
        "source": SOURCE_API,
        "external_order_id": request.reference,   # how a retried job finds this order
        "wilaya": destination.courier_wilaya,      # Maystro numbers wilayas 1-58
        "commune": commune_id,
        "destination_text": destination.address,
        "customer_name": request.recipient.name,
        "customer_phone": request.recipient.national_phone,
        # What the driver collects. Per the facts it is the whole amount (one client
        # notes it includes delivery) and Maystro adds nothing on top, so it is the
        # order total: our delivery fee is inside it and the customer pays exactly that.
        "product_price": request.cod_amount,
        "delivery_type": STOP_DESK if destination.is_stop_desk else HOME,
        "express": False,
        # Without product_id Maystro creates the catalogue product from its description.
        "products": [{"logistical_description": line.name[:250], "quantity": line.quantity}
                     for line in request.lines] or
                    [{"logistical_description": request.description or request.reference,
                      "quantity": 1}],
    }
    if destination.is_stop_desk and destination.stop_desk:
        # Naming per one client (MJS); without it Maystro picks the commune's desk.
        body["stop_desk_id"] = int(destination.stop_desk) \
            if str(destination.stop_desk).isdigit() else destination.stop_desk
    if request.note:
        body["note_to_driver"] = request.note
    return body


def match_commune(communes: Sequence[Mapping[str, Any]], destination: Destination) -> Optional[int]:
    """The Maystro id of the destination's commune: same name ignoring case, accents and
    punctuation (French or Arabic), else a Maystro spelling our data knows as an alias."""
    wanted = {normalize_name(destination.commune_name), normalize_name(destination.commune_name_ar)}
    wanted.discard("")
    for item in communes:
        names = (item.get("name"), item.get("name_fr"), item.get("name_ar"))
        if any(isinstance(n, str) and normalize_name(n) in wanted for n in names):
            return int(item["id"])
    geography = Geography.load()
    for item in communes:
        name = item.get("name")
        known = geography.find_commune(destination.wilaya, name) if isinstance(name, str) else None
        if known is not None and known.code == destination.commune_code:
            return int(item["id"])
    return None


def page_results(answer: Any) -> List[Any]:
    """The items of a list answer: a bare array, DRF's `{count, next, previous, results}`,
    or the same under `list` (one client reads `data.list.results`)."""
    for shape in (answer, answer.get("list") if isinstance(answer, dict) else None):
        if isinstance(shape, list):
            return shape
        if isinstance(shape, dict) and isinstance(shape.get("results"), list):
            return shape["results"]
    return []


def parcel_from_order(order: Mapping[str, Any]) -> Parcel:
    raw, reference = order.get("status"), order.get("external_order_id")
    order_uuid = order.get("id") or order.get("instance_uuid")
    return Parcel(tracking=str(order["display_id"]),
                  reference=str(reference) if reference is not None else None,
                  courier_id=str(order_uuid) if order_uuid else None,
                  raw_status=str(raw) if raw is not None else None,
                  status=normalise(STATUS_MAP, str(raw)) if raw is not None else S.CREATED)


def updates_from_history(tracking: str, entries: Sequence[Any]) -> List[TrackingUpdate]:
    """History entries `{status, created_at, comment}` as updates, oldest first (the
    answer's order is kept for equal or missing times)."""
    updates = [TrackingUpdate(tracking=tracking, raw_status=str(entry["status"]),
                              status=normalise(STATUS_MAP, str(entry["status"])),
                              at=parse_time(entry.get("created_at")),
                              reason=str(entry.get("comment") or "") or None)
               for entry in entries if isinstance(entry, dict) and entry.get("status") is not None]
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(updates, key=lambda update: update.at or oldest)


def decode_document(data: Any) -> Dict[str, Any]:
    """`message.data`: base64 of the JSON document. One integrator's guide says to decode
    twice, its code decodes once: both are read."""
    text = data
    for _ in range(2):
        try:
            text = base64.b64decode(str(text), validate=True).decode("utf-8")
        except (binascii.Error, ValueError) as error:
            raise CallbackRejected("Maystro webhook data is not base64") from error
        try:
            document = json.loads(text)
        except ValueError:
            continue      # perhaps base64 once more
        if isinstance(document, dict):
            return document
        if not isinstance(document, str):
            break
        text = document   # a JSON string holding the base64 once more
    raise CallbackRejected("Maystro webhook data is not a JSON document")


def update_from_webhook(document: Mapping[str, Any], message: Mapping[str, Any],
                        received: datetime) -> TrackingUpdate:
    payload = document.get("payload")
    if not isinstance(payload, dict) or payload.get("display_id_order") is None \
            or payload.get("status") is None:
        raise CallbackRejected("OrderStatusChanged without display_id_order or status")
    raw = str(payload["status"])
    return TrackingUpdate(tracking=str(payload["display_id_order"]), raw_status=raw,
                          status=normalise(STATUS_MAP, raw), at=_event_time(payload, raw, message, received),
                          reason=_reason(payload), event_id=webhook_event_id(document, message))


def webhook_event_id(document: Mapping[str, Any], message: Mapping[str, Any]) -> Optional[str]:
    """Pub/Sub's message id when the envelope has one (kept on redelivery); otherwise a
    digest of the decoded document, which a repeated delivery repeats byte for byte."""
    given = message.get("messageId") or message.get("message_id")
    if given:
        return str(given)
    if not document.get("instance_uuid") and not document.get("payload"):
        return None
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return "maystro-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _event_time(payload: Mapping[str, Any], raw: str, message: Mapping[str, Any],
                received: datetime) -> datetime:
    """The payload's own time where it has one (delivered_at, alerted_at), else when the
    message was published, else when we read it: Maystro sends the event as the status
    changes. Never none: an update without a time would be taken as newer than any."""
    stamp = payload.get("updated_at") or (payload.get("delivered_at") if raw == "41" else None) \
        or (payload.get("alerted_at") if raw == "32" else None) or message.get("publishTime")
    return parse_time(stamp) or received


def _reason(source: Mapping[str, Any]) -> Optional[str]:
    for key in ("abort_reason", "alert_reason"):
        if source.get(key) not in (None, ""):
            return str(source[key])
    return None


def parse_time(value: Any) -> Optional[datetime]:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ALGIERS)
    return parsed.astimezone(timezone.utc)


def _loads(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise CallbackRejected("Maystro webhook body is not JSON") from error


# --- errors -------------------------------------------------------------------------------------------
def refusal(response: requests.Response) -> CourierError:
    """A 4xx (401 and the retryable ones are handled by CourierHttp) in our error family,
    with Maystro's own words."""
    words = drf_messages(json_or_none(response)) or f"Maystro answered {response.status_code}"
    if response.status_code == 403:
        # DRF: a valid token whose user may not do this (no store behind it).
        return CourierAuthFailed(words, status=403)
    return CourierRejected(words, status=response.status_code)


def drf_messages(body: Any, field: str = "") -> str:
    """DRF error bodies (`{"detail": ...}`, `{"field": ["..."]}`, nested per product)
    flattened into one line: "customer_phone: Enter a valid phone number."."""
    if isinstance(body, str):
        return f"{field}: {body}" if field else body
    if isinstance(body, list):    # messages, or one error object per list item
        parts = [drf_messages(item, _join(field, index) if isinstance(item, dict) else field)
                 for index, item in enumerate(body)]
    elif isinstance(body, dict):
        parts = [drf_messages(value, field if key in ("detail", "non_field_errors", "message")
                              else _join(field, key)) for key, value in body.items()]
    else:
        return ""
    return "; ".join(part for part in parts if part)


def _join(field: str, key: Any) -> str:
    return f"{field}.{key}" if field else str(key)
