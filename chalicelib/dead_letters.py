"""How many messages wait in each dead-letter queue (what failed for good)."""
from __future__ import annotations

from typing import Any, Dict, List


class DeadLetterMonitor:
    def __init__(self, aws: Any, queue_urls: List[str]) -> None:
        self._aws = aws
        self._queue_urls = queue_urls

    def depths(self) -> Dict[str, int]:
        depths = {}
        for url in self._queue_urls:
            attributes = self._aws.sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
            depths[url.rsplit("/", 1)[-1]] = int(attributes["ApproximateNumberOfMessages"])
        return depths
