"""Event consumers: the table stream and the email queue. Thin: decode, call, report."""
from __future__ import annotations

from typing import Any, Dict

from boto3.dynamodb.types import TypeDeserializer
from chalice.app import Blueprint

from chalicelib.bootstrap import services
from chalicelib.clock import iso, utcnow
from chalicelib.events.model import Change
from chalicelib.logs import get_logger
from chalicelib.workers.batch import each_message

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


def _order_view(raw: Any) -> Any:
    """The order in a stream image as `GET /v1/orders/{id}` shows it (no timeline)."""
    from chalicelib.orders.items_dynamo import OrderItem, order_from_item
    from chalicelib.orders.serialize import serialize_order
    repaired = {key: _repaired(value) for key, value in raw.items()}
    return serialize_order(order_from_item(OrderItem.from_raw_data(repaired)),
                           services().geography)


def _change(record: Any) -> Change:
    created = getattr(record, "approximate_creation_date_time", None)
    new = _image(record.new_image)
    view = _order_view(record.new_image) if (new or {}).get("item_type") == "order" else None
    return Change(event_id=record.event_id, kind=record.event_name,
                  at=iso(created) if created else iso(utcnow()),
                  new=new, old=_image(record.old_image), view=view)


@bp.on_dynamodb_record(stream_arn=TABLE_STREAM, batch_size=100,
                       starting_position="TRIM_HORIZON", name="table_changes")
def table_changes(event: Any) -> None:
    # A failure raises: the whole batch is retried, then sent to the failure
    # destination; consumers downstream are idempotent on the event id.
    services().event_router.publish_changes([_change(record) for record in event])


@bp.on_sqs_message(queue=EMAILS_QUEUE, batch_size=10, name="emails")
def emails(event: Any) -> Dict[str, Any]:
    return each_message(event, services().mailer.handle, worker="emails")
