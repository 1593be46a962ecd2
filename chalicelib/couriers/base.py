"""One interface for every courier: the protocol, values in our vocabulary, one error family.

Plain Python. Each courier module (`yalidine.py`, `ecotrack.py`, ...) implements
`CourierClient` over HTTP and owns its URL, authentication, payload mapping,
error classification and its status map (`STATUS_MAP`, courier string ->
`TrackingStatus`, spellings kept verbatim). The registry (`registry.py`) is the
only list of couriers; the shipment service never names one.

Errors:
  CourierRejected     the courier refused this parcel or request (4xx, a
                      validation message): retrying the same thing cannot help;
                      its `message` is the courier's own words, shown to the merchant.
  CourierUnavailable  5xx, timeouts, connection errors, 429: retry with backoff
                      (`retry_after` seconds when the courier said), then give up.
  CourierAuthFailed   the courier refused the credentials: tell the merchant.
  CourierUnsupported  the courier has no such feature (e.g. Procolis labels).
  CallbackRejected    a callback that is not from the courier (bad signature).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional, Protocol, Sequence, Tuple


# --- errors ---------------------------------------------------------------------------
class CourierError(Exception):
    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class CourierRejected(CourierError):
    """The courier said no to this request; its own words are in `message`."""


class CourierUnavailable(CourierError):
    def __init__(self, message: str, retry_after: Optional[float] = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.retry_after = retry_after


class CourierAuthFailed(CourierError):
    """The credentials were refused."""


class CourierUnsupported(CourierError):
    """This courier's API has no such feature."""


class CallbackRejected(CourierError):
    """A callback whose signature (or shape) shows it is not from the courier."""


# --- tracking vocabulary ------------------------------------------------------------------
class TrackingStatus(str, Enum):
    """Our normalised parcel status; every courier status string maps to one."""
    CREATED = "created"                    # known to the courier, not picked up yet
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    ON_HOLD = "on_hold"                    # blocked, alert, incident
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_ATTEMPT = "failed_attempt"      # not delivered this time; will try again
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"    # refused or undeliverable: it goes back
    RETURNING = "returning"                # on its way back to the merchant
    RETURNED = "returned"                  # back with the merchant
    CANCELLED = "cancelled"                # the parcel was cancelled at the courier
    UNKNOWN = "unknown"                    # a string no map knows: kept for review


# Statuses after which nothing moves the parcel forward any more.
FINAL_STATUSES = (TrackingStatus.DELIVERED, TrackingStatus.RETURNED, TrackingStatus.CANCELLED)


def normalise(status_map: Mapping[str, TrackingStatus], raw: Optional[str]) -> TrackingStatus:
    """The courier's string through its map, verbatim first, then ignoring case and
    surrounding blanks (couriers are not consistent about either)."""
    if raw is None:
        return TrackingStatus.UNKNOWN
    text = str(raw)
    if text in status_map:
        return status_map[text]
    folded = text.strip().casefold()
    for key, value in status_map.items():
        if key.strip().casefold() == folded:
            return value
    return TrackingStatus.UNKNOWN


# --- values in our vocabulary --------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str              # E.164: +213XXXXXXXXX

    @property
    def national_phone(self) -> str:
        """0XXXXXXXXX, the form most couriers validate."""
        return "0" + self.phone[4:] if self.phone.startswith("+213") else self.phone

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def last_name(self) -> str:
        parts = self.name.split()
        return " ".join(parts[1:]) if len(parts) > 1 else parts[0] if parts else self.name


@dataclass(frozen=True)
class Destination:
    """Where the parcel goes, with the official codes and names (dz-geo data).

    `courier_wilaya` is the wilaya a courier still on the 58 numbering files the
    commune under: for the 108 communes moved by Law 26-06 into wilayas 59-69 it
    is their former wilaya; for every other commune it equals `wilaya`.
    """
    wilaya: int
    courier_wilaya: int
    wilaya_name: str            # French name of `courier_wilaya`
    commune_code: str           # official ONS code, 4 digits
    commune_name: str           # French
    commune_name_ar: str
    address: str
    delivery_type: str          # "home" | "stop_desk"
    stop_desk: Optional[str] = None   # the courier's own stop-desk id/code, when stop_desk

    @property
    def is_stop_desk(self) -> bool:
        return self.delivery_type == "stop_desk"


@dataclass(frozen=True)
class ParcelLine:
    name: str
    quantity: int
    unit_price: int


@dataclass(frozen=True)
class ParcelRequest:
    """One parcel to create. `reference` is our order number: the courier keeps it as
    its external reference, so a retried job can find the parcel it already made."""
    reference: str
    order_id: str
    recipient: Recipient
    destination: Destination
    lines: Tuple[ParcelLine, ...]
    cod_amount: int             # DZD the courier collects: exactly the order's total
    delivery_fee: int           # included in cod_amount
    sender_wilaya: int          # where parcels leave from (store setting)
    sender_wilaya_name: str = ""
    weight_kg: int = 1
    note: str = ""

    @property
    def description(self) -> str:
        return ", ".join(f"{line.name} x{line.quantity}" for line in self.lines)[:250]

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines) or 1


@dataclass(frozen=True)
class Parcel:
    """What the courier answered about a parcel it holds."""
    tracking: str
    reference: Optional[str] = None      # our order number, as the courier echoes it
    courier_id: Optional[str] = None     # the courier's own internal id, where it differs
    label_url: Optional[str] = None      # where the courier serves the label, if it says
    raw_status: Optional[str] = None
    status: TrackingStatus = TrackingStatus.CREATED


@dataclass(frozen=True)
class TrackingUpdate:
    """One status the courier reported for one parcel."""
    tracking: str
    raw_status: str
    status: TrackingStatus
    at: Optional[datetime] = None        # when it happened at the courier (aware UTC)
    reason: Optional[str] = None
    event_id: Optional[str] = None       # the courier's id for this event, when it has one


@dataclass(frozen=True)
class Label:
    content: bytes
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class StopDesk:
    id: str
    name: str
    wilaya: int                 # official code
    commune: Optional[str] = None
    address: Optional[str] = None


@dataclass(frozen=True)
class Rate:
    wilaya: int                 # official code of the destination
    home: Optional[int]         # DZD, None where not offered
    stop_desk: Optional[int]


@dataclass(frozen=True)
class CallbackAnswer:
    """What to answer a courier's callback: a challenge echo, or the verified updates."""
    status: int = 200
    body: str = ""
    content_type: str = "text/plain"
    updates: Tuple[TrackingUpdate, ...] = ()


@dataclass(frozen=True)
class CourierAccount:
    """A store's account at one courier: what an adapter is built with.
    Credentials are decrypted only to build the client; never logged or returned."""
    code: str
    credentials: Mapping[str, str]
    settings: Mapping[str, Any] = field(default_factory=dict)


# --- the protocol ---------------------------------------------------------------------
class CourierClient(Protocol):
    code: str

    def check_credentials(self) -> None:
        """Raise CourierAuthFailed if the courier refuses the credentials."""

    def create_parcel(self, request: ParcelRequest) -> Parcel:
        """Create one parcel; raise CourierRejected with the courier's words if refused."""

    def find_parcel(self, reference: str) -> Optional[Parcel]:
        """The parcel already created with this reference, or None. Couriers without a
        lookup by reference raise CourierUnsupported."""

    def get_tracking(self, trackings: Sequence[str]) -> Dict[str, List[TrackingUpdate]]:
        """Each parcel's known updates, oldest first, batched as the courier allows."""

    def get_label(self, parcel: Parcel) -> Label:
        """The label as a document (PDF); CourierUnsupported where there is none."""

    def parse_callback(self, method: str, headers: Mapping[str, str], query: Mapping[str, str],
                       body: bytes) -> CallbackAnswer:
        """Verify and read a callback; CallbackRejected if it is not the courier's.
        Couriers that never call back raise CourierUnsupported."""

    def stop_desks(self) -> List[StopDesk]:
        """The courier's stop desks (pick-up points), all wilayas."""

    def rates(self, sender_wilaya: int) -> List[Rate]:
        """Delivery fees from `sender_wilaya` to each served wilaya."""
