"""Webhook consumers: fan events out to endpoints, and make delivery attempts. Thin."""
from __future__ import annotations

from typing import Any, Dict

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
EVENTS_QUEUE = "dzorders-webhooks"
DELIVERIES_QUEUE = "dzorders-webhook-deliveries"


@bp.on_sqs_message(queue=EVENTS_QUEUE, batch_size=10, name="webhook_events")
def webhook_events(event: Any) -> Dict[str, Any]:
    return each_message(event, services().webhooks.handle_event, worker="webhook_events")


@bp.on_sqs_message(queue=DELIVERIES_QUEUE, batch_size=10, name="webhook_deliveries")
def webhook_deliveries(event: Any) -> Dict[str, Any]:
    return each_message(event, services().webhooks.handle_attempt, worker="webhook_deliveries")
