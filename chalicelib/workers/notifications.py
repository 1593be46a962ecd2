"""The customer SMS queue's consumer. Thin: decode, call, report per record."""
from __future__ import annotations

from typing import Any, Dict

from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
SMS_QUEUE = "dzorders-sms"


@bp.on_sqs_message(queue=SMS_QUEUE, batch_size=10, name="customer_sms")
def customer_sms(event: Any) -> Dict[str, Any]:
    return each_message(event, services().customer_texter.handle, worker="customer_sms")
