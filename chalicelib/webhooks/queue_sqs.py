"""The attempt queue: SQS messages with a delay, and an in-memory stand-in."""
from __future__ import annotations

import json
import threading
from typing import Any, List, Mapping, Tuple

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings
from chalicelib.errors import ServiceUnavailable
from chalicelib.webhooks.model import MAX_QUEUE_DELAY


class SqsAttemptQueue:
    def __init__(self, aws: Any, settings: Settings) -> None:
        self._aws = aws
        self._url = settings.webhook_deliveries_queue_url

    def send(self, message: Mapping[str, object], delay_seconds: int) -> None:
        try:
            self._aws.sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(dict(message)),
                                       DelaySeconds=max(0, min(int(delay_seconds), MAX_QUEUE_DELAY)))
        except (BotoCoreError, ClientError) as error:
            raise ServiceUnavailable("The delivery queue did not answer; try again shortly.") from error


class MemoryAttemptQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sent: List[Tuple[dict, int]] = []

    def send(self, message: Mapping[str, object], delay_seconds: int) -> None:
        with self._lock:
            self.sent.append((dict(message), int(delay_seconds)))

    def take(self) -> List[Tuple[dict, int]]:
        with self._lock:
            taken, self.sent = self.sent, []
        return taken
