"""A new store flows through the whole event path on the emulated services:
table stream -> events topic -> emails queue (filtered by type) -> SES."""
import time
import uuid

from chalicelib.aws import AwsClients


def eventually(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def sent_count(ses):
    return int(ses.get_send_quota()["SentLast24Hours"])


def test_signup_sends_one_welcome_email_through_the_queue(aws, dynamo_services, pump):
    ses = AwsClients(aws.settings).ses
    before = sent_count(ses)
    suffix = uuid.uuid4().hex[:10]
    dynamo_services.accounts.signup({"email": f"welcome-{suffix}@example.dz",
                                     "password": "sel-et-poivre-2026",
                                     "store": {"name": "Bienvenue", "slug": f"welcome-{suffix}"}})
    eventually(lambda: sent_count(ses) > before)
    # Exactly one: the stream record, the topic and the queue deliver it once
    # end to end, and the mailer keys on the event id.
    time.sleep(1.0)
    assert sent_count(ses) == before + 1
