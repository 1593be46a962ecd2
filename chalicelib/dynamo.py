"""The single-table base every DynamoDB adapter builds on.

One table with generic keys (`pk`, `sk`, `gsiNpk`/`gsiNsk`) and an item-type
discriminator, as `infra/template.yaml` declares it. Models are bound to a
table, endpoint and region by `bind(settings)` from the composition root, never
at import time.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional

from pynamodb.attributes import (DiscriminatorAttribute, NumberAttribute,
                                 TTLAttribute, UnicodeAttribute)
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings
from chalicelib.errors import ConcurrentChange, ServiceUnavailable

# Placeholder credentials for the emulator: a local run can never sign a request
# that a real AWS account would accept.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


class TableItem(Model):
    """Base of every item type in the table."""

    class Meta:
        table_name = "dzorders"
        region = "eu-west-3"
        host: Optional[str] = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    item_type = DiscriminatorAttribute()
    # Epoch seconds; DynamoDB's TTL deletes the item some time after this.
    ttl = TTLAttribute(null=True)

    @classmethod
    def _get_connection(cls):
        # A model imported after bind() would otherwise borrow its parent's cached
        # connection, whose schema lacks this model's indexes.
        if "_connection" not in cls.__dict__:
            cls._connection = None
        return super()._get_connection()


def _index(number: int) -> type:
    """A generic GSI `gsi<number>` keyed on `gsi<number>pk` / `gsi<number>sk`."""
    name = f"gsi{number}"
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    # Attributes must be in the class body: PynamoDB collects them at class creation.
    return type(f"Gsi{number}", (GlobalSecondaryIndex,), {
        "Meta": meta,
        f"{name}pk": UnicodeAttribute(hash_key=True, attr_name=f"{name}pk"),
        f"{name}sk": UnicodeAttribute(range_key=True, attr_name=f"{name}sk"),
    })


# The template declares the same seven indexes (one source for both is the
# template; tests/integration/test_infra.py checks these names against it).
Gsi1, Gsi2, Gsi3, Gsi4, Gsi5, Gsi6, Gsi7 = (_index(n) for n in range(1, 8))

_bound = {"host": None, "region": "eu-west-3", "table_name": "dzorders", "local": False}
# Building a botocore client costs tens of milliseconds: one connection per
# container, shared by every transaction (botocore clients are thread-safe).
_connection: dict = {}


def _all_models(root: type) -> Iterable[type]:
    yield root
    for sub in root.__subclasses__():
        yield from _all_models(sub)


def bind(settings: Settings) -> None:
    """Point every model (and transactions) at the configured table."""
    _bound.update(host=settings.dynamodb_endpoint_url, region=settings.region,
                  table_name=settings.table_name, local=settings.is_local)
    for model in _all_models(TableItem):
        meta = model.Meta
        meta.table_name = settings.table_name
        meta.region = settings.region
        meta.host = settings.dynamodb_endpoint_url
        if settings.is_local:
            meta.aws_access_key_id = LOCAL_CREDENTIALS["aws_access_key_id"]
            meta.aws_secret_access_key = LOCAL_CREDENTIALS["aws_secret_access_key"]
        model._connection = None
    _connection.clear()


def table_name() -> str:
    return _bound["table_name"]


def connection() -> Connection:
    if "shared" not in _connection:
        kwargs: dict = {"region": _bound["region"], "host": _bound["host"]}
        if _bound["local"]:
            kwargs.update(LOCAL_CREDENTIALS)
        shared = Connection(**kwargs)
        shared.client  # build the client now, once, rather than racing to build it
        _connection["shared"] = shared
    return _connection["shared"]


def transaction(return_consumed_capacity: Optional[str] = None) -> TransactWrite:
    return TransactWrite(connection=connection(),
                         return_consumed_capacity=return_consumed_capacity)


def cancellation_codes(error: TransactWriteError) -> List[Optional[str]]:
    """Reason codes of a cancelled transaction, one per item.

    PynamoDB sends a transaction's items grouped by kind: condition checks,
    deletes, puts, then updates. Callers map positions back in that order.
    """
    reasons = getattr(error, "cancellation_reasons", None) or []
    return [reason.code if reason is not None else None for reason in reasons]


def was_cancelled(error: PynamoDBException) -> bool:
    """True when DynamoDB refused the transaction because of a condition.

    A transaction that collided with another one touching the same items is
    not a failed condition: it is reported as ConcurrentChange, which callers
    retry or return as a 409."""
    if getattr(error, "cause_response_code", None) != "TransactionCanceledException":
        return False
    if "TransactionConflict" in cancellation_codes(error):
        raise ConcurrentChange() from error
    return True


def unavailable(error: PynamoDBException) -> ServiceUnavailable:
    """An infrastructure failure, translated at the boundary."""
    return ServiceUnavailable("The database did not answer; try again shortly.")


def now_epoch(now: Any) -> int:
    return int(now.timestamp())


__all__ = ["TableItem", "Gsi1", "Gsi2", "Gsi3", "Gsi4", "Gsi5", "Gsi6",
           "NumberAttribute", "UnicodeAttribute", "bind", "connection",
           "transaction", "cancellation_codes", "was_cancelled", "unavailable"]
