"""A new store flows through the whole event path on the emulated services:
table stream -> events topic -> emails queue (filtered by type) -> SES."""
import time
import uuid

from moto.ses.models import ses_backends

from infra.local.pump import wait_until
from infra.local.provision import ACCOUNT_ID
from tests.conftest import REGION


def emails_to(address):
    """What the emulated SES sent to `address` (moto runs in this process)."""
    backend = ses_backends[ACCOUNT_ID][REGION]
    return [message for message in backend.sent_messages
            if address in (getattr(message, "destinations", {}) or {}).get("ToAddresses", [])]


def test_signup_sends_one_welcome_email_through_the_queue(aws, dynamo_services, pump):
    suffix = uuid.uuid4().hex[:10]
    address = f"welcome-{suffix}@example.dz"
    dynamo_services.accounts.signup({"email": address, "password": "sel-et-poivre-2026",
                                     "store": {"name": "Bienvenue", "slug": f"welcome-{suffix}"}})
    assert wait_until(lambda: emails_to(address), timeout=30), "no welcome email"
    # Exactly one: the stream record, the topic and the queue deliver it once end to
    # end, and the mailer keys on the event id.
    time.sleep(1.0)
    [email] = emails_to(address)
    assert "Bienvenue" in email.subject
