"""Emails the platform sends, as plain values. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str


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
