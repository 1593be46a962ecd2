"""Readiness: does every dependency the API needs answer?"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict

from chalicelib.config import Settings


class HealthService:
    def __init__(self, checks: Dict[str, Callable[[], Any]]) -> None:
        self._checks = checks

    @classmethod
    def for_aws(cls, aws: Any, settings: Settings) -> "HealthService":
        return cls({
            "dynamodb": lambda: aws.dynamodb.describe_table(TableName=settings.table_name),
            "sqs": lambda: aws.sqs.get_queue_attributes(QueueUrl=settings.emails_queue_url,
                                                        AttributeNames=["QueueArn"]),
            "sns": lambda: aws.sns.get_topic_attributes(TopicArn=settings.events_topic_arn),
        })

    def check(self) -> Dict[str, Any]:
        """{"status": "ok"|"unavailable", "checks": {name: "ok"|"unavailable"}, "failing": [...]}."""
        def run(item):
            name, probe = item
            try:
                probe()
            except Exception:  # noqa: BLE001 - any failure means "not answering"
                return name, "unavailable"
            return name, "ok"

        with ThreadPoolExecutor(max_workers=len(self._checks) or 1) as pool:
            results = dict(pool.map(run, self._checks.items()))
        failing = sorted(name for name, state in results.items() if state != "ok")
        return {"status": "unavailable" if failing else "ok", "checks": results,
                "failing": failing}
