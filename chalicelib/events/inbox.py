"""Which events a consumer has already handled, so redelivery does nothing twice."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Set, Tuple

from pynamodb.exceptions import DoesNotExist, PynamoDBException

from chalicelib import dynamo
from chalicelib.dynamo import TableItem

# Long enough to outlive every retry and redrive window (SQS keeps 14 days).
REMEMBER_FOR = timedelta(days=15)


class HandledItem(TableItem, discriminator="handled"):
    @staticmethod
    def key(consumer: str, event_id: str):
        return f"HANDLED#{consumer}#{event_id}", "HANDLED"


class DynamoInbox:
    def seen(self, consumer: str, event_id: str) -> bool:
        try:
            HandledItem.get(*HandledItem.key(consumer, event_id), consistent_read=True)
            return True
        except DoesNotExist:
            return False

    def mark(self, consumer: str, event_id: str, now: datetime) -> None:
        try:
            HandledItem(*HandledItem.key(consumer, event_id), ttl=now + REMEMBER_FOR).save()
        except PynamoDBException as error:
            raise dynamo.unavailable(error) from error


class MemoryInbox:
    def __init__(self) -> None:
        self._handled: Set[Tuple[str, str]] = set()

    def seen(self, consumer: str, event_id: str) -> bool:
        return (consumer, event_id) in self._handled

    def mark(self, consumer: str, event_id: str, now: datetime) -> None:
        self._handled.add((consumer, event_id))
