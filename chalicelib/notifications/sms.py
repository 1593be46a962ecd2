"""Text messages to customers, as plain values. No I/O here.

French or Arabic, by the store's first language (an English-speaking store
writes to its customers in French, the common language of Algerian SMS).
Kept short: one SMS segment when the store name is short.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from chalicelib.notifications.messages import money


@dataclass(frozen=True)
class Sms:
    phone: str          # E.164, +213…
    text: str


TEMPLATES: Dict[str, Dict[str, str]] = {
    "fr": {
        "order.confirmed": "{store} : votre commande n° {number} est confirmée. "
                           "{total} à payer à la livraison. Merci !",
        "shipment.created": "{store} : votre commande n° {number} est partie avec {courier}. "
                            "Suivi : {tracking}",
    },
    "ar": {
        "order.confirmed": "{store}: تم تأكيد طلبك رقم {number}. المبلغ {total} يدفع عند الاستلام. شكرا!",
        "shipment.created": "{store}: طلبك رقم {number} في الطريق مع {courier}. رقم التتبع: {tracking}",
    },
}
SMS_EVENTS = tuple(TEMPLATES["fr"])


def sms_language(languages: Any) -> str:
    for language in languages or ():
        if language in TEMPLATES:
            return language
    return "fr"


def customer_sms(message: Mapping[str, Any], store_name: str, language: str) -> Optional[Sms]:
    """The customer's SMS for an event, or None when the event has none or no phone.

    `shipment.created` data is the order plus `shipment: {courier, tracking_number}`."""
    event_type = message.get("type")
    templates = TEMPLATES.get(language, TEMPLATES["fr"])
    if event_type not in templates:
        return None
    data = message.get("data") or {}
    phone = (data.get("customer") or {}).get("phone")
    if not phone:
        return None
    shipment = data.get("shipment") or {}
    text = templates[event_type].format(
        store=store_name, number=data.get("number", ""),
        total=money((data.get("totals") or {}).get("total"), "ar" if language == "ar" else "fr"),
        courier=shipment.get("courier_name") or shipment.get("courier") or "",
        tracking=shipment.get("tracking_number") or "")
    return Sms(phone=phone, text=text)
