"""The event pump: what Lambda's event-source mappings and EventBridge do in AWS.

For every consumer the app declares (SQS queues, the table stream, schedules) a
thread takes records from the emulators and invokes the same handler Lambda
would, with the same event shape:

- SQS: long-poll, invoke with up to batch_size records, delete what succeeded
  (honouring `batchItemFailures`), make failures visible again after a short
  backoff. moto applies the queue's redrive policy, so a message that keeps
  failing moves to its DLQ after maxReceiveCount receives, as in AWS.
- DynamoDB stream: read every shard in order, invoke with up to batch_size
  records, retry a failing batch a few times, then send it to the consumer's
  failure queue and move on (the OnFailure destination in AWS). Checkpoints are
  kept in DATA_DIR so a restart resumes after the last record handled.
- Schedules: `rate(n unit)` fires every period (scaled down in tests).
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import boto3
from chalice.app import (Chalice, DynamoDBEventConfig, ScheduledEventConfig,
                         SNSEventConfig, SQSEventConfig)
from chalice.local import LambdaContext

logger = logging.getLogger("dzorders.pump")
CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
STREAM_RETRIES = 3
RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def schedule_seconds(expression: Any) -> Optional[float]:
    text = expression if isinstance(expression, str) else expression.to_string()
    match = RATE.match(text.strip())
    if not match:
        return None
    return int(match.group(1)) * UNIT_SECONDS[match.group(2).rstrip("s")]


def _context(name: str) -> LambdaContext:
    return LambdaContext(function_name=name, memory_size=512, max_runtime_ms=30_000)


class EventPump:
    def __init__(self, app: Chalice, provisioned: Any, region: str, aws_endpoint: str,
                 dynamodb_endpoint: str, data_dir: Optional[Path] = None,
                 schedule_scale: float = 1.0, poll_wait: int = 1,
                 stream_from_now: bool = False) -> None:
        """`stream_from_now`: read the table stream from this moment on, not from what it
        still holds (a test session's pump need not replay the writes made before it)."""
        self.app = app
        self.stream_from_now = stream_from_now
        self._initial_iterators: Dict[str, Optional[str]] = {}
        self.provisioned = provisioned
        self.data_dir = data_dir
        self.schedule_scale = schedule_scale
        self.poll_wait = poll_wait
        session = boto3.session.Session()
        self.sqs = session.client("sqs", endpoint_url=aws_endpoint, region_name=region, **CREDENTIALS)
        self.streams = session.client("dynamodbstreams", endpoint_url=dynamodb_endpoint,
                                      region_name=region, **CREDENTIALS)
        self._stop = threading.Event()
        self._threads: List[threading.Thread] = []
        self._checkpoint_lock = threading.Lock()
        self.invocations: Dict[str, int] = {}

    # --- lifecycle -------------------------------------------------------------
    def start(self) -> "EventPump":
        if self.stream_from_now:
            # Taken before any consumer starts: every write after start() is read.
            arn = self._stream_arn()
            for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                self._initial_iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"],
                    ShardIteratorType="LATEST")["ShardIterator"]
        for source in self.app.event_sources:
            target = self._runner_for(source)
            if target is None:
                continue
            thread = threading.Thread(target=self._guard(target, source), daemon=True,
                                      name=f"pump-{source.name}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.poll_wait + 5)

    def _runner_for(self, source: Any) -> Optional[Callable[[Any], None]]:
        if isinstance(source, SQSEventConfig):
            return self._run_queue
        if isinstance(source, DynamoDBEventConfig):
            return self._run_stream
        if isinstance(source, ScheduledEventConfig):
            return self._run_schedule
        if isinstance(source, SNSEventConfig):
            logger.warning("SNS consumer %s is not pumped: subscribe a queue instead", source.name)
        return None

    def _guard(self, target: Callable[[Any], None], source: Any) -> Callable[[], None]:
        def run() -> None:
            while not self._stop.is_set():
                try:
                    target(source)
                    return
                except Exception:  # noqa: BLE001 - an emulator hiccup must not kill the pump
                    logger.exception("pump for %s failed; restarting", source.name)
                    self._stop.wait(1)
        return run

    def _invoke(self, name: str, event: Dict[str, Any]) -> Any:
        self.invocations[name] = self.invocations.get(name, 0) + 1
        return self.app.handler_map[name](event, _context(name))

    # --- SQS ---------------------------------------------------------------------
    def queue_url(self, source: SQSEventConfig) -> str:
        name = source.queue or source.queue_arn.rsplit(":", 1)[-1]
        return self.sqs.get_queue_url(QueueName=name)["QueueUrl"]

    def _run_queue(self, source: SQSEventConfig) -> None:
        url = self.queue_url(source)
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        while not self._stop.is_set():
            messages = self.sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10),
                WaitTimeSeconds=self.poll_wait, AttributeNames=["All"],
                MessageAttributeNames=["All"]).get("Messages", [])
            if messages:
                self.deliver_messages(source.name, url, arn, messages)

    def deliver_messages(self, name: str, url: str, arn: str, messages: List[Dict[str, Any]]) -> None:
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {k: {"stringValue": v.get("StringValue"), "dataType": v["DataType"]}
                                  for k, v in m.get("MessageAttributes", {}).items()},
            "md5OfBody": m.get("MD5OfBody"), "eventSource": "aws:sqs", "eventSourceARN": arn,
            "awsRegion": arn.split(":")[3]} for m in messages]}
        try:
            result = self._invoke(name, event)
            failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])} \
                if isinstance(result, dict) else set()
        except Exception:  # noqa: BLE001 - Lambda's view: the whole batch failed
            logger.exception("consumer %s failed a batch of %d", name, len(messages))
            failed = {m["MessageId"] for m in messages}
        for message in messages:
            if message["MessageId"] in failed:
                receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                # Back off a little more at each receive; the redrive policy ends it.
                self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                                   VisibilityTimeout=min(receives, 5))
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    # --- DynamoDB stream ----------------------------------------------------------------
    def _checkpoint_path(self) -> Optional[Path]:
        return self.data_dir / "stream-checkpoints.json" if self.data_dir else None

    def _load_checkpoints(self) -> Dict[str, str]:
        path = self._checkpoint_path()
        if path and path.exists():
            return json.loads(path.read_text())
        return {}

    def _save_checkpoint(self, checkpoints: Dict[str, str]) -> None:
        path = self._checkpoint_path()
        if path:
            with self._checkpoint_lock:
                temporary = path.with_suffix(".tmp")
                temporary.write_text(json.dumps(checkpoints))
                temporary.replace(path)

    def _stream_arn(self) -> str:
        # One table: every stream consumer reads its stream (bound by the template in AWS).
        return next(iter(self.provisioned.table_streams.values()))

    def _run_stream(self, source: DynamoDBEventConfig) -> None:
        arn = self._stream_arn()
        checkpoints = self._load_checkpoints()
        iterators: Dict[str, Optional[str]] = dict(self._initial_iterators)
        while not self._stop.is_set():
            for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                shard_id = shard["ShardId"]
                if shard_id in iterators:
                    continue
                if shard_id in checkpoints:
                    iterators[shard_id] = self.streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                        SequenceNumber=checkpoints[shard_id])["ShardIterator"]
                else:
                    iterators[shard_id] = self.streams.get_shard_iterator(
                        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            busy = False
            for shard_id, iterator in list(iterators.items()):
                if iterator is None:
                    continue
                response = self.streams.get_records(ShardIterator=iterator, Limit=source.batch_size)
                iterators[shard_id] = response.get("NextShardIterator")
                records = response.get("Records", [])
                if records:
                    busy = True
                    self.deliver_stream_records(source.name, arn, records)
                    checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                    self._save_checkpoint(checkpoints)
            if not busy:
                self._stop.wait(0.2)

    def deliver_stream_records(self, name: str, arn: str, records: List[Dict[str, Any]]) -> None:
        event = {"Records": [self._lambda_stream_record(arn, record) for record in records]}
        for attempt in range(1, STREAM_RETRIES + 1):
            try:
                self._invoke(name, event)
                return
            except Exception:  # noqa: BLE001 - retried, then sent to the failure queue
                logger.exception("stream consumer %s failed (attempt %d)", name, attempt)
                self._stop.wait(0.2 * attempt)
        self._to_failure_queue(name, arn, records)

    @staticmethod
    def _lambda_stream_record(arn: str, record: Dict[str, Any]) -> Dict[str, Any]:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = created.replace(
                tzinfo=created.tzinfo or timezone.utc).timestamp()
        return {"eventID": record["eventID"], "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
                "awsRegion": record.get("awsRegion", "local"), "dynamodb": change,
                "eventSourceARN": arn}

    def _to_failure_queue(self, name: str, arn: str, records: List[Dict[str, Any]]) -> None:
        url = self.provisioned.failure_queues.get(name)
        if url is None:
            logger.error("stream consumer %s dropped %d records: no failure queue", name, len(records))
            return
        first, last = records[0]["dynamodb"]["SequenceNumber"], records[-1]["dynamodb"]["SequenceNumber"]
        # What AWS's OnFailure destination sends: where the batch was, not the records.
        self.sqs.send_message(QueueUrl=url, MessageBody=json.dumps({
            "requestContext": {"functionArn": name, "condition": "RetryAttemptsExhausted",
                               "approximateInvokeCount": STREAM_RETRIES},
            "DDBStreamBatchInfo": {"streamArn": arn, "startSequenceNumber": first,
                                   "endSequenceNumber": last, "batchSize": len(records)}}))

    # --- schedules ---------------------------------------------------------------------
    def _run_schedule(self, source: ScheduledEventConfig) -> None:
        period = schedule_seconds(source.schedule_expression)
        if period is None:
            logger.warning("schedule %s (%s) is not a rate(); not fired locally",
                           source.name, source.schedule_expression)
            return
        period *= self.schedule_scale
        while not self._stop.wait(period):
            now = datetime.now(timezone.utc)
            event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
                     "source": "aws.events", "account": "123456789012",
                     "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": "local",
                     "resources": [f"arn:aws:events:local:123456789012:rule/{source.name}"],
                     "detail": {}}
            try:
                self._invoke(source.name, event)
            except Exception:  # noqa: BLE001 - EventBridge would retry; we wait for the next period
                logger.exception("scheduled %s failed", source.name)


def wait_until(condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Poll `condition` until it returns something truthy (tests and the launcher)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
