"""Publishes domain events to the events topic; subscriptions filter on `type`."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.config import Settings
from chalicelib.events.model import DomainEvent


class SnsEventPublisher:
    def __init__(self, aws: Any, settings: Settings) -> None:
        self._aws = aws
        self._topic_arn = settings.events_topic_arn

    def publish(self, event: DomainEvent) -> None:
        self._aws.sns.publish(
            TopicArn=self._topic_arn,
            Message=json.dumps(event.as_message(), ensure_ascii=False),
            MessageAttributes={"type": {"DataType": "String", "StringValue": event.type},
                               "store_id": {"DataType": "String", "StringValue": event.store_id}},
        )


class MemoryEventPublisher:
    """Fake publisher: keeps what was published, for service tests."""

    def __init__(self) -> None:
        self.published: list = []

    def publish(self, event: DomainEvent) -> None:
        self.published.append(event)
