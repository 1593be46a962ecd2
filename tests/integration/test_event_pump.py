"""The event pump delivers what Lambda would, and failures end where AWS puts them."""
import json
import threading
import uuid

import boto3
import pytest
from chalice import Chalice

from infra.local.pump import EventPump, wait_until
from tests.conftest import REGION


class Recorder:
    def __init__(self):
        self.bodies = []
        self.lock = threading.Lock()

    def add(self, value):
        with self.lock:
            self.bodies.append(value)


@pytest.fixture
def sqs(aws):
    return boto3.client("sqs", endpoint_url=aws.aws_endpoint, region_name=REGION,
                        aws_access_key_id="local", aws_secret_access_key="local")


@pytest.fixture
def queues(sqs):
    suffix = uuid.uuid4().hex[:8]
    dlq = sqs.create_queue(QueueName=f"pump-test-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(QueueName=f"pump-test-{suffix}", Attributes={
        "VisibilityTimeout": "30",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
    return f"pump-test-{suffix}", queue, dlq


def depth(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                      "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"])


def test_sqs_delivery_poison_to_dlq_and_partial_failures(aws, sqs, queues):
    name, queue, dlq = queues
    seen = Recorder()
    app = Chalice(app_name="pump-test")

    @app.on_sqs_message(queue=name, batch_size=10)
    def consume(event):
        failures = []
        for record in event:
            body = json.loads(record.body)
            seen.add(body["n"])
            if body.get("poison"):
                failures.append({"itemIdentifier": record.to_dict()["messageId"]})
        return {"batchItemFailures": failures}

    pump = EventPump(app, aws.provisioned, REGION, aws.aws_endpoint, aws.dynamodb_endpoint,
                     poll_wait=1).start()
    try:
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 1}))
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 2, "poison": True}))
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": 3}))
        # The poison message is received maxReceiveCount times, then moved to the DLQ.
        assert wait_until(lambda: depth(sqs, dlq) == 1, timeout=40)
        assert wait_until(lambda: depth(sqs, queue) == 0, timeout=10)
    finally:
        pump.stop()
    assert seen.bodies.count(1) == 1 and seen.bodies.count(3) == 1
    assert seen.bodies.count(2) == 2
    moved = sqs.receive_message(QueueUrl=dlq)["Messages"][0]
    assert json.loads(moved["Body"]) == {"n": 2, "poison": True}


def test_a_raising_handler_fails_the_whole_batch(aws, sqs, queues):
    name, queue, dlq = queues
    app = Chalice(app_name="pump-raise")
    calls = Recorder()

    @app.on_sqs_message(queue=name, batch_size=10)
    def consume(event):
        calls.add(len(list(event)))
        raise RuntimeError("downstream is down")

    pump = EventPump(app, aws.provisioned, REGION, aws.aws_endpoint, aws.dynamodb_endpoint,
                     poll_wait=1).start()
    try:
        sqs.send_message(QueueUrl=queue, MessageBody="{}")
        assert wait_until(lambda: depth(sqs, dlq) == 1, timeout=40)
    finally:
        pump.stop()
    assert len(calls.bodies) == 2


def test_table_changes_reach_a_stream_consumer(aws, dynamo_services):
    app = Chalice(app_name="pump-stream")
    seen = Recorder()
    marker = f"pump-{uuid.uuid4().hex}"

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:local:0:table/dzorders/stream/x")
    def changes(event):
        for record in event:
            if record.keys and record.keys.get("pk", {}).get("S") == marker:
                seen.add((record.event_name, record.new_image["sk"]["S"]))

    client = boto3.client("dynamodb", endpoint_url=aws.dynamodb_endpoint, region_name=REGION,
                          aws_access_key_id="local", aws_secret_access_key="local")
    pump = EventPump(app, aws.provisioned, REGION, aws.aws_endpoint, aws.dynamodb_endpoint).start()
    try:
        client.put_item(TableName=aws.settings.table_name,
                        Item={"pk": {"S": marker}, "sk": {"S": "ONE"}})
        assert wait_until(lambda: seen.bodies == [("INSERT", "ONE")], timeout=30)
    finally:
        pump.stop()


def test_a_failing_stream_batch_goes_to_the_failure_queue(aws, sqs, dynamo_services):
    app = Chalice(app_name="pump-stream-fail")

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:local:0:table/dzorders/stream/x",
                            name="table_changes")
    def table_changes(event):
        raise RuntimeError("cannot publish")

    failure_queue = aws.provisioned.failure_queues["table_changes"]
    before = depth(sqs, failure_queue)
    client = boto3.client("dynamodb", endpoint_url=aws.dynamodb_endpoint, region_name=REGION,
                          aws_access_key_id="local", aws_secret_access_key="local")
    client.put_item(TableName=aws.settings.table_name,
                    Item={"pk": {"S": f"fail-{uuid.uuid4().hex}"}, "sk": {"S": "X"}})
    pump = EventPump(app, aws.provisioned, REGION, aws.aws_endpoint, aws.dynamodb_endpoint).start()
    try:
        assert wait_until(lambda: depth(sqs, failure_queue) > before, timeout=40)
    finally:
        pump.stop()
    message = sqs.receive_message(QueueUrl=failure_queue)["Messages"][0]
    assert "DDBStreamBatchInfo" in json.loads(message["Body"])


def test_schedules_fire(aws):
    app = Chalice(app_name="pump-schedule")
    fired = Recorder()

    @app.schedule("rate(1 minute)")
    def tick(event):
        fired.add(event.to_dict()["detail-type"])

    pump = EventPump(app, aws.provisioned, REGION, aws.aws_endpoint, aws.dynamodb_endpoint,
                     schedule_scale=0.005).start()
    try:
        assert wait_until(lambda: len(fired.bodies) >= 2, timeout=10)
    finally:
        pump.stop()
    assert fired.bodies[0] == "Scheduled Event"
