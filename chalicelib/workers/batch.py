"""Per-record failure reporting for queue workers, with Powertools' batch processor.

Each SQS record is handled on its own: a record that raises is reported in
`batchItemFailures` (the event-source mapping has ReportBatchItemFailures), so
SQS retries only that one and, after the queue's maxReceiveCount, moves it to
its DLQ. The rest of the batch is deleted. Handlers are idempotent on the event
id, so a redelivered record does nothing twice.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Dict, Mapping

from aws_lambda_powertools.utilities.batch import (BatchProcessor, EventType,
                                                   process_partial_response)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.logs import get_logger, log

logger = get_logger("workers")


def each_message(event: Any, handle: Callable[[Mapping[str, Any]], Any],
                 worker: str) -> Dict[str, Any]:
    """Call `handle(message)` for every record's JSON body; report failures per record."""
    def record_handler(record: SQSRecord) -> None:
        try:
            handle(json.loads(record.body))
        except Exception:
            log(logger, logging.ERROR, "record failed", exc_info=True, worker=worker,
                message_id=record.message_id)
            raise

    # Every record failing is still a partial response, not an exception: the
    # event-source mapping retries the reported records and nothing else.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event.to_dict(), record_handler=record_handler,
                                    processor=processor, context=getattr(event, "context", None))
