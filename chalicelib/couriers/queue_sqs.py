"""The courier tracking queue: callbacks' verified updates and poll jobs (and a memory stand-in)."""
from __future__ import annotations

import json
import threading
from typing import Any, List, Mapping

from chalicelib.config import Settings
from chalicelib.errors import ServiceUnavailable


class SqsTrackingQueue:
    def __init__(self, aws: Any, settings: Settings) -> None:
        self._aws, self._url = aws, settings.courier_tracking_queue_url

    def send(self, message: Mapping[str, Any]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            self._aws.sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(dict(message)))
        except (BotoCoreError, ClientError) as error:
            # The courier gets a 5xx and delivers again: nothing is lost.
            raise ServiceUnavailable("The tracking queue did not answer; try again.") from error


class MemoryTrackingQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent: List[dict] = []

    def send(self, message: Mapping[str, Any]) -> None:
        with self._lock:
            self.sent.append(dict(message))

    def take(self) -> List[dict]:
        with self._lock:
            taken, self.sent = self.sent, []
        return taken


class SqsRetries:
    """Postpones a failed message's next receive (its visibility), for backoff."""

    def __init__(self, aws: Any) -> None:
        self._aws = aws
        self._urls: dict = {}

    def postpone(self, queue_arn: str, receipt_handle: str, seconds: int) -> None:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            name = queue_arn.rsplit(":", 1)[-1]
            if name not in self._urls:
                self._urls[name] = self._aws.sqs.get_queue_url(QueueName=name)["QueueUrl"]
            self._aws.sqs.change_message_visibility(
                QueueUrl=self._urls[name], ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)
        except (BotoCoreError, ClientError):
            pass   # the queue's own visibility timeout still brings the message back


class MemoryRetries:
    def __init__(self) -> None:
        self.postponed: List[tuple] = []

    def postpone(self, queue_arn: str, receipt_handle: str, seconds: int) -> None:
        self.postponed.append((queue_arn, receipt_handle, seconds))
