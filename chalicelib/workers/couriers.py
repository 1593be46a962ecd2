"""Courier workers: shipping jobs, tracking updates and the scheduled polls. Thin."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict

from aws_lambda_powertools.utilities.batch import (BatchProcessor, EventType,
                                                   process_partial_response)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.couriers.base import CourierUnavailable
from chalicelib.couriers.service import retry_delay
from chalicelib.logs import get_logger, log
from chalicelib.workers.batch import each_message

bp = Blueprint(__name__)
logger = get_logger("workers")
JOBS_QUEUE = "dzorders-courier-jobs"
TRACKING_QUEUE = "dzorders-courier-tracking"


@bp.on_sqs_message(queue=JOBS_QUEUE, batch_size=5, name="courier_jobs")
def courier_jobs(event: Any) -> Dict[str, Any]:
    # The receive count tells the service when a courier that keeps failing has had
    # its last chance (then the shipment fails and the message goes to the DLQ).
    def record_handler(record: SQSRecord) -> None:
        attempt = int(record.attributes.approximate_receive_count)
        try:
            services().couriers.ship(json.loads(record.body), attempt=attempt)
        except CourierUnavailable as error:
            # Back off before the next receive, rather than the queue's fixed timeout.
            services().job_retries.postpone(record.event_source_arn, record.receipt_handle,
                                            retry_delay(attempt, error.retry_after))
            raise
        except Exception:
            log(logger, logging.ERROR, "record failed", exc_info=True, worker="courier_jobs",
                message_id=record.message_id)
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event.to_dict(), record_handler=record_handler,
                                    processor=processor, context=getattr(event, "context", None))


@bp.on_sqs_message(queue=TRACKING_QUEUE, batch_size=10, name="courier_tracking")
def courier_tracking(event: Any) -> Dict[str, Any]:
    return each_message(event, services().courier_tracking.handle_tracking, worker="courier_tracking")


@bp.schedule("rate(10 minutes)", name="poll_couriers")
def poll_couriers(event: Any) -> None:
    services().courier_tracking.schedule_polls()
