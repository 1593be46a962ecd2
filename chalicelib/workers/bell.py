"""The bell queue's consumer. Thin: decode, call, report per record."""
from __future__ import annotations

from typing import Any, Dict

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
BELL_QUEUE = "dzorders-bell"


@bp.on_sqs_message(queue=BELL_QUEUE, batch_size=10, name="bell")
def bell(event: Any) -> Dict[str, Any]:
    return each_message(event, services().bell.handle, worker="bell")
