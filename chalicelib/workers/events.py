"""Event consumers: the table stream and the email queue. Thin: decode, call, report."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List

from boto3.dynamodb.types import TypeDeserializer
from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.clock import iso, utcnow
from chalicelib.events.model import Change
from chalicelib.logs import get_logger, log

bp = Blueprint(__name__)
logger = get_logger("workers")
_deserializer = TypeDeserializer()

# The real stream ARN is bound by infra/template.yaml in AWS (the merge template
# sets this event source's Stream to the table's StreamArn) and by the local
# launcher's event pump; this placeholder only names the table.
TABLE_STREAM = "arn:aws:dynamodb:eu-west-3:123456789012:table/dzorders/stream/bound-by-template"
EMAILS_QUEUE = "dzorders-emails"


def _repaired(raw: Any) -> Any:
    """DynamoDB Local's stream renders an empty map as {} rather than {"M": {}},
    at any depth; put the type back so the standard deserializer accepts it."""
    if raw == {}:
        return {"M": {}}
    if isinstance(raw, dict) and "M" in raw:
        return {"M": {key: _repaired(value) for key, value in raw["M"].items()}}
    if isinstance(raw, dict) and "L" in raw:
        return {"L": [_repaired(value) for value in raw["L"]]}
    return raw


def _value(raw: Any) -> Any:
    return _deserializer.deserialize(_repaired(raw))


def _image(raw: Any) -> Any:
    if not raw:
        return None
    return {key: _value(value) for key, value in raw.items()}


def _change(record: Any) -> Change:
    created = getattr(record, "approximate_creation_date_time", None)
    return Change(event_id=record.event_id, kind=record.event_name,
                  at=iso(created) if created else iso(utcnow()),
                  new=_image(record.new_image), old=_image(record.old_image))


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM, batch_size=100,
                       starting_position="TRIM_HORIZON", name="table_changes")
def table_changes(event: Any) -> None:
    # A failure raises: the whole batch is retried, then sent to the failure
    # destination; consumers downstream are idempotent on the event id.
    services().event_router.publish_changes([_change(record) for record in event])


@bp.on_sqs_message(queue=EMAILS_QUEUE, batch_size=10, name="platform_emails")
def platform_emails(event: Any) -> Dict[str, List[Dict[str, str]]]:
    failures = []
    for record in event:
        message_id = record.to_dict().get("messageId", "")
        try:
            services().platform_mailer.handle(json.loads(record.body))
        except Exception:  # noqa: BLE001 - reported per record, retried by SQS
            log(logger, logging.ERROR, "email job failed", exc_info=True, message_id=message_id)
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
