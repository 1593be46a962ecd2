"""What a merchant is told about an event, in the store's language. Plain Python.

The bell item, the push notification and the email subject all come from
`summarize`, so the three channels say the same thing. Languages: French,
Arabic and English (the store's first language; French when unknown).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional

LANGUAGES = ("fr", "ar", "en")

# The dashboard's page for an order (the notification click opens it).
ORDER_PAGE = "orders/{order_id}"


@dataclass(frozen=True)
class Summary:
    title: str
    body: str
    url: str
    order_id: Optional[str] = None


STATUS_WORDS: Dict[str, Dict[str, str]] = {
    "fr": {"pending": "en attente", "confirmed": "confirmée", "processing": "en préparation",
           "shipped": "expédiée", "delivered": "livrée", "cancelled": "annulée",
           "returned": "retournée"},
    "ar": {"pending": "قيد الانتظار", "confirmed": "مؤكدة", "processing": "قيد التحضير",
           "shipped": "تم الشحن", "delivered": "تم التسليم", "cancelled": "ملغاة",
           "returned": "مرتجعة"},
    "en": {"pending": "pending", "confirmed": "confirmed", "processing": "processing",
           "shipped": "shipped", "delivered": "delivered", "cancelled": "cancelled",
           "returned": "returned"},
}

TEXTS: Dict[str, Dict[str, str]] = {
    "fr": {
        "new_order": "Nouvelle commande n° {number}",
        "new_order_body": "{customer} · {wilaya} · {total}",
        "status": "Commande n° {number} {status}",
        "status_body": "{customer} · {wilaya}",
        "call": "Appel sur la commande n° {number}",
        "shipment_created": "Commande n° {number} remise au transporteur",
        "shipment_failed": "Échec d'envoi de la commande n° {number}",
        "tracking": "Suivi de la commande n° {number} : {tracking}",
        "webhook_disabled": "Webhook désactivé",
        "webhook_disabled_body": "{url} a échoué {count} fois de suite ; réactivez-le une fois réparé.",
        "other": "Événement {type}",
    },
    "ar": {
        "new_order": "طلب جديد رقم {number}",
        "new_order_body": "{customer} · {wilaya} · {total}",
        "status": "الطلب رقم {number} {status}",
        "status_body": "{customer} · {wilaya}",
        "call": "مكالمة بخصوص الطلب رقم {number}",
        "shipment_created": "تم تسليم الطلب رقم {number} لشركة التوصيل",
        "shipment_failed": "تعذر إرسال الطلب رقم {number}",
        "tracking": "تتبع الطلب رقم {number}: {tracking}",
        "webhook_disabled": "تم تعطيل الويب هوك",
        "webhook_disabled_body": "فشل {url} {count} مرات متتالية؛ أعد تفعيله بعد إصلاحه.",
        "other": "حدث {type}",
    },
    "en": {
        "new_order": "New order #{number}",
        "new_order_body": "{customer} · {wilaya} · {total}",
        "status": "Order #{number} {status}",
        "status_body": "{customer} · {wilaya}",
        "call": "Call logged on order #{number}",
        "shipment_created": "Order #{number} handed to the courier",
        "shipment_failed": "Order #{number} could not be sent to the courier",
        "tracking": "Order #{number} tracking: {tracking}",
        "webhook_disabled": "Webhook disabled",
        "webhook_disabled_body": "{url} failed {count} times in a row; enable it again once fixed.",
        "other": "Event {type}",
    },
}


def language_of(languages: Any) -> str:
    """A store's notification language: its first language we write in."""
    for language in languages or ():
        if language in LANGUAGES:
            return language
    return "fr"


def money(amount: Any, language: str) -> str:
    """DZD as people write it: 4 500 DA / 4 500 د.ج / DZD 4,500."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    if language == "en":
        return f"DZD {value:,}"
    grouped = f"{value:,}".replace(",", "\u202f")
    return f"{grouped} د.ج" if language == "ar" else f"{grouped} DA"


def wilaya_label(order: Mapping[str, Any], language: str = "fr") -> str:
    shipping = order.get("shipping") or {}
    code = shipping.get("wilaya")
    name = (shipping.get("wilaya_name_ar") if language == "ar" else None) or shipping.get("wilaya_name")
    if code and name:
        return f"{int(code):02d} {name}"
    return str(code or "")


def order_url(dashboard_url: str, order_id: Optional[str]) -> str:
    return dashboard_url.rstrip("/") + "/" + ORDER_PAGE.format(order_id=order_id or "")


def _order_fields(data: Mapping[str, Any], language: str) -> Dict[str, str]:
    customer = (data.get("customer") or {}).get("name") or ""
    status = str(data.get("status") or "")
    return {"number": str(data.get("number") or ""), "customer": customer,
            "wilaya": wilaya_label(data, language),
            "total": money((data.get("totals") or {}).get("total"), language),
            "status": STATUS_WORDS[language].get(status, status),
            "tracking": str(data.get("tracking_status") or data.get("status") or "")}


def _order_summary(key: str, body_key: Optional[str]) -> Callable[..., Summary]:
    def render(data: Mapping[str, Any], texts: Mapping[str, str], language: str,
               dashboard_url: str) -> Summary:
        fields = _order_fields(data, language)
        order_id = data.get("id") or data.get("order_id")
        return Summary(title=texts[key].format(**fields),
                       body=texts[body_key].format(**fields) if body_key else fields["customer"],
                       url=order_url(dashboard_url, order_id), order_id=order_id)
    return render


def _webhook_disabled(data: Mapping[str, Any], texts: Mapping[str, str], language: str,
                      dashboard_url: str) -> Summary:
    return Summary(title=texts["webhook_disabled"],
                   body=texts["webhook_disabled_body"].format(
                       url=data.get("url", ""), count=data.get("consecutive_dead", 5)),
                   url=dashboard_url.rstrip("/") + "/settings/webhooks")


RENDERERS: Dict[str, Callable[..., Summary]] = {
    "order.created": _order_summary("new_order", "new_order_body"),
    "order.call_logged": _order_summary("call", "status_body"),
    "shipment.created": _order_summary("shipment_created", "status_body"),
    "shipment.failed": _order_summary("shipment_failed", "status_body"),
    "tracking.updated": _order_summary("tracking", "status_body"),
    "webhook.disabled": _webhook_disabled,
}
_STATUS_SUMMARY = _order_summary("status", "status_body")


def summarize(message: Mapping[str, Any], language: str, dashboard_url: str) -> Summary:
    """Title, body and dashboard link for an event message ({id, type, data, ...})."""
    language = language if language in LANGUAGES else "fr"
    texts = TEXTS[language]
    event_type = str(message.get("type") or "")
    data = message.get("data") or {}
    render = RENDERERS.get(event_type)
    if render is None and event_type.startswith("order."):
        render = _STATUS_SUMMARY
    if render is None:
        return Summary(title=texts["other"].format(type=event_type), body="",
                       url=dashboard_url)
    return render(data, texts, language, dashboard_url)
