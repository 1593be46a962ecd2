"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`."""
from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Dict, Iterable

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
USER_AGENT = "dzorders-webhooks/1.0"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def signature_header(secrets_in_use: Iterable[str], message_id: str, at: datetime,
                     body: str) -> str:
    """One signature per secret, space-separated (two while a rotation's grace lasts)."""
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_in_use)


def headers(secrets_in_use: Iterable[str], message_id: str, at: datetime,
            body: str) -> Dict[str, str]:
    return {"webhook-id": message_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": signature_header(secrets_in_use, message_id, at, body),
            "content-type": "application/json",
            "user-agent": USER_AGENT}
