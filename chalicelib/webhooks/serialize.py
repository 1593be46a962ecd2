"""Endpoints and deliveries as the API shows them (never a secret)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict

from chalicelib.clock import iso
from chalicelib.webhooks.model import Attempt, Delivery, Endpoint


def endpoint_view(endpoint: Endpoint, now: datetime) -> Dict[str, Any]:
    in_grace = len(endpoint.signing_secrets(now)) > 1
    return {"id": endpoint.id, "url": endpoint.url, "events": list(endpoint.events),
            "description": endpoint.description, "enabled": endpoint.enabled,
            "disabled_reason": endpoint.disabled_reason,
            "disabled_at": iso(endpoint.disabled_at),
            "consecutive_dead": endpoint.consecutive_dead,
            "previous_secret_expires_at": iso(endpoint.previous_secret_expires_at) if in_grace else None,
            "created_at": iso(endpoint.created_at), "updated_at": iso(endpoint.updated_at)}


def attempt_view(attempt: Attempt) -> Dict[str, Any]:
    return {"number": attempt.number, "at": iso(attempt.at), "status_code": attempt.status_code,
            "duration_ms": attempt.duration_ms, "error": attempt.error,
            "response_excerpt": attempt.response_excerpt}


def delivery_view(delivery: Delivery) -> Dict[str, Any]:
    return {"id": delivery.id, "webhook_id": delivery.endpoint_id, "event_id": delivery.event_id,
            "event_type": delivery.event_type, "event_at": delivery.event_at,
            "state": delivery.state, "created_at": iso(delivery.created_at),
            "next_attempt_at": iso(delivery.next_attempt_at),
            "attempts": [attempt_view(a) for a in delivery.attempts]}
