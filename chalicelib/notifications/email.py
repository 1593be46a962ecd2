"""Emails the platform sends, as plain values. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.notifications.messages import money, summarize, wilaya_label


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: Optional[str] = None


def welcome_email(event_data: Mapping[str, Any], dashboard_url: str,
                  api_url: str) -> Optional[Email]:
    owner = event_data.get("owner_email")
    if not owner:
        return None
    name = event_data.get("name") or ""
    slug = event_data.get("slug") or ""
    text = (f"Bienvenue sur dzorders !\n\n"
            f"Votre boutique « {name} » est prête.\n"
            f"Tableau de bord : {dashboard_url}\n"
            f"Votre vitrine (API) : {api_url}/v1/stores/{slug}\n\n"
            f"مرحبا بكم في dzorders!\n"
            f"متجركم « {name} » جاهز.\n")
    return Email(to=owner, subject=f"Bienvenue sur dzorders — {name}", text=text)


# Labels of the owner's notification email, per store language.
LABELS: Dict[str, Dict[str, str]] = {
    "fr": {"order": "Commande", "customer": "Client", "phone": "Téléphone", "wilaya": "Wilaya",
           "total": "Total", "open": "Ouvrir la commande", "why": (
               "Vous recevez cet e-mail car les notifications par e-mail de votre boutique "
               "sont activées pour cet événement.")},
    "ar": {"order": "الطلب", "customer": "الزبون", "phone": "الهاتف", "wilaya": "الولاية",
           "total": "المجموع", "open": "فتح الطلب", "why": (
               "تصلك هذه الرسالة لأن إشعارات البريد الإلكتروني مفعّلة لهذا الحدث في متجرك.")},
    "en": {"order": "Order", "customer": "Customer", "phone": "Phone", "wilaya": "Wilaya",
           "total": "Total", "open": "Open the order", "why": (
               "You get this email because your store's email notifications are on for "
               "this event.")},
}


def _rows(data: Mapping[str, Any], language: str) -> List[Tuple[str, str]]:
    labels = LABELS[language]
    customer = data.get("customer") or {}
    rows = [(labels["order"], f"#{data.get('number')}"),
            (labels["customer"], str(customer.get("name") or "")),
            (labels["phone"], str(customer.get("phone") or "")),
            (labels["wilaya"], wilaya_label(data, language)),
            (labels["total"], money((data.get("totals") or {}).get("total"), language))]
    return [(label, value) for label, value in rows if value and value != "#None"]


def event_email(message: Mapping[str, Any], to: str, store_name: str, language: str,
                dashboard_url: str) -> Email:
    """The owner's email about one event: the bell's summary, the order's key facts
    and a link, as text and as HTML (right to left for Arabic)."""
    language = language if language in LABELS else "fr"
    summary = summarize(message, language, dashboard_url)
    data = message.get("data") or {}
    rows = _rows(data, language) if str(message.get("type", "")).startswith(
        ("order.", "shipment.", "tracking.")) else []
    labels = LABELS[language]
    subject = f"{summary.title} — {store_name}"
    text_lines = [summary.title, summary.body, ""]
    text_lines += [f"{label} : {value}" if language == "fr" else f"{label}: {value}"
                   for label, value in rows]
    text_lines += ["", f"{labels['open']} : {summary.url}" if language == "fr"
                   else f"{labels['open']}: {summary.url}", "", f"— {store_name} · dzorders",
                   labels["why"]]
    direction = "rtl" if language == "ar" else "ltr"
    align = "right" if language == "ar" else "left"
    table = "".join(
        f'<tr><th style="text-align:{align};padding:4px 12px 4px 0;color:#555">{escape(label)}</th>'
        f'<td style="padding:4px 0">{escape(value)}</td></tr>' for label, value in rows)
    html = (
        f'<!DOCTYPE html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        f'<body dir="{direction}" style="font-family:Arial,Tahoma,sans-serif;text-align:{align}">'
        f"<h1 style=\"font-size:20px\">{escape(summary.title)}</h1>"
        f"<p>{escape(summary.body)}</p>"
        f"<table>{table}</table>"
        f'<p><a href="{escape(summary.url, quote=True)}" style="display:inline-block;'
        f'padding:10px 16px;background:#0b6e4f;color:#fff;text-decoration:none;border-radius:4px">'
        f"{escape(labels['open'])}</a></p>"
        f'<p style="color:#777;font-size:12px">{escape(store_name)} · dzorders<br>'
        f"{escape(labels['why'])}</p></body></html>")
    return Email(to=to, subject=subject, text="\n".join(text_lines), html=html)


# Roles as an invitation names them: the French phrase, the Arabic one.
ROLE_LABELS: Dict[str, Tuple[str, str]] = {
    "owner": ("en tant que propriétaire", "بصفة مالك"),
    "admin": ("en tant qu'administrateur", "بصفة مدير"),
    "manager": ("en tant que gérant", "بصفة مسيّر"),
    "operator": ("en tant qu'opérateur", "بصفة موظف تأكيد الطلبات"),
    "readonly": ("en lecture seule", "للاطلاع فقط"),
}


def invitation_email(to: str, store_name: str, inviter: str, role: str, accept_url: str,
                     expires_on: str) -> Email:
    """A member's invitation: who invites, to which store, with which role, and the
    link (valid until `expires_on`, a date) where they choose their password."""
    role_fr, role_ar = ROLE_LABELS.get(role, (role, role))
    text = (f"Bonjour,\n\n"
            f"{inviter} vous invite à rejoindre la boutique « {store_name} » sur dzorders "
            f"{role_fr}.\n"
            f"Choisissez votre mot de passe ici : {accept_url}\n"
            f"Ce lien est valable une seule fois, jusqu'au {expires_on}.\n\n"
            f"مرحبا،\n"
            f"يدعوكم {inviter} للانضمام إلى متجر « {store_name} » على dzorders {role_ar}.\n"
            f"اختاروا كلمة المرور من هنا: {accept_url}\n"
            f"هذا الرابط صالح لمرة واحدة حتى {expires_on}.\n\n"
            f"Si vous n'attendiez pas cette invitation, ignorez ce message.\n")
    return Email(to=to, subject=f"Invitation — {store_name} · dzorders", text=text)
