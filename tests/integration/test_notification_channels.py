"""The owner's email and the customer's SMS through the whole pipeline on the
emulated services: table stream -> events topic -> channel queue -> worker ->
SES / SNS (read back from the emulators, which run in this process)."""
import json
import time
import uuid

import boto3
from chalice.app import SQSEvent
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from chalicelib import bootstrap
from chalicelib.notifications.email_ses import MemoryEmailSender
from chalicelib.workers.batch import each_message
from infra.local.pump import wait_until
from infra.local.provision import ACCOUNT_ID
from tests.conftest import REGION
from tests.e2e.conftest import signup
from tests.e2e.test_orders_api import checkout, move, product


def emails_to(address):
    return [m for m in ses_backends[ACCOUNT_ID][REGION].sent_messages
            if address in (getattr(m, "destinations", {}) or {}).get("ToAddresses", [])]


def sms_to(phone):
    return [text for number, text in sns_backends[ACCOUNT_ID][REGION].sms_messages.values()
            if number == phone]


def test_a_checkout_emails_the_owner_exactly_once(api, pump):
    merchant = signup(api)
    placed = checkout(api, merchant, product(api, merchant))
    assert placed.status_code == 201, placed.text
    number = placed.json()["number"]
    def order_emails():   # the owner also got the new store's welcome
        return [m for m in emails_to(merchant.email) if m.subject.startswith("Nouvelle commande")]
    assert wait_until(order_emails, timeout=30), "no email"
    time.sleep(1.0)
    [email] = order_emails()
    assert email.subject.startswith(f"Nouvelle commande n° {number}")
    assert f"#{number}" in email.body and "Amina Benali" in email.body
    assert 'lang="fr"' in email.body


def test_confirming_texts_the_customer_when_the_store_asks(api, pump):
    merchant = signup(api)
    patched = api.patch("/v1/store", headers=merchant.headers,
                        json={"notifications": {"sms": ["order.confirmed", "shipment.created"]}})
    assert patched.status_code == 200, patched.text
    phone = "+2135" + str(uuid.uuid4().int)[:8]
    placed = checkout(api, merchant, product(api, merchant),
                      customer={"name": "Client SMS", "phone": phone})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert move(api, merchant, order["id"], "confirmed").status_code == 200
    assert wait_until(lambda: sms_to(phone), timeout=30), "no SMS"
    time.sleep(1.0)
    [text] = sms_to(phone)
    assert f"n° {order['number']} est confirmée" in text

    def noted():
        timeline = api.get(f"/v1/orders/{order['id']}", headers=merchant.headers).json()["timeline"]
        return [e for e in timeline if e["event"] == "notification_sent"]
    [entry] = wait_until(noted, timeout=10)
    assert (entry["actor"]["type"], entry["channel"], entry["about"]) == (
        "system", "sms", "order.confirmed")


def test_a_poison_message_ends_in_the_channel_dlq(aws, pump):
    sqs = boto3.client("sqs", endpoint_url=aws.aws_endpoint, region_name=REGION,
                       aws_access_key_id="local", aws_secret_access_key="local")
    queue = aws.provisioned.queues["SmsQueue"]
    dlq = aws.provisioned.dead_letter_queues[queue]
    marker = f"not json {uuid.uuid4().hex}"
    sqs.send_message(QueueUrl=queue, MessageBody=marker)

    def in_dlq():
        got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                  VisibilityTimeout=0).get("Messages", [])
        return [m for m in got if m["Body"] == marker]
    assert wait_until(in_dlq, timeout=60, interval=0.5), "the poison message never reached the DLQ"


def sqs_event(bodies):
    return SQSEvent({"Records": [
        {"messageId": f"m{index}", "receiptHandle": f"r{index}", "body": json.dumps(body),
         "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs",
         "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:dzorders-emails",
         "awsRegion": REGION} for index, body in enumerate(bodies)]}, None)


class Killed(BaseException):
    """What a Lambda timeout or crash looks like to the batch: nothing returns."""


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(aws, dynamo_services):
    """SQS redelivers the whole batch after a crash; the handled record is skipped."""
    services = bootstrap.build(aws.settings, email_sender=MemoryEmailSender())
    suffix = uuid.uuid4().hex[:8]
    bodies = [{"id": f"ev-kill-{suffix}-{n}", "type": "store.created", "store_id": f"st_{n}",
               "data": {"owner_email": f"k{n}-{suffix}@example.dz", "name": "K", "slug": "k"}}
              for n in range(3)]
    calls = []

    def dies_on_the_second(message):
        calls.append(message["id"])
        if len(calls) == 2:
            raise Killed()
        return services.mailer.handle(message)

    try:
        each_message(sqs_event(bodies), dies_on_the_second, worker="emails")
    except Killed:
        pass
    assert [e.to for e in services.email_sender.sent] == [f"k0-{suffix}@example.dz"]
    result = each_message(sqs_event(bodies), services.mailer.handle, worker="emails")
    assert result == {"batchItemFailures": []}
    assert sorted(e.to for e in services.email_sender.sent) == sorted(
        f"k{n}-{suffix}@example.dz" for n in range(3))


def test_one_failing_record_is_reported_alone(aws, dynamo_services):
    services = bootstrap.build(aws.settings, email_sender=MemoryEmailSender())
    suffix = uuid.uuid4().hex[:8]
    good = {"id": f"ev-ok-{suffix}", "type": "store.created", "store_id": "st_1",
            "data": {"owner_email": f"ok-{suffix}@example.dz", "name": "K", "slug": "k"}}
    event = sqs_event([good])
    event_dict = event.to_dict()
    event_dict["Records"].append({**event_dict["Records"][0], "messageId": "poison",
                                  "body": "{not json"})
    result = each_message(SQSEvent(event_dict, None), services.mailer.handle, worker="emails")
    assert result == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert [e.to for e in services.email_sender.sent] == [f"ok-{suffix}@example.dz"]
