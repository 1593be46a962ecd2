"""The analytics queue's consumer. Thin: decode, call, report per record."""
from __future__ import annotations

from typing import Any, Dict

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
ANALYTICS_QUEUE = "dzorders-analytics"


@bp.on_sqs_message(queue=ANALYTICS_QUEUE, batch_size=10, name="analytics")
def analytics(event: Any) -> Dict[str, Any]:
    return each_message(event, services().analytics.handle, worker="analytics")
