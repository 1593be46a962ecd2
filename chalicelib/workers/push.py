"""The push queue's consumer. Thin: decode, call, report failures per record."""
from __future__ import annotations

from typing import Any, Dict

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
PUSH_QUEUE = "dzorders-push"


@bp.on_sqs_message(queue=PUSH_QUEUE, batch_size=10, name="push_notifications")
def push_notifications(event: Any) -> Dict[str, Any]:
    return each_message(event, services().push.handle, worker="push_notifications")
