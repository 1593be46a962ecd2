"""Deliveries carry Standard Webhooks signatures that the reference library verifies."""
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from chalicelib.webhooks import signing
from chalicelib.webhooks.model import ROTATION_GRACE, Endpoint

BODY = '{"type":"order.created","timestamp":"2026-11-25T09:30:00.000Z","data":{"id":"or_1"}}'


def endpoint(secret, previous=None, expires=None):
    now = datetime.now(timezone.utc)
    return Endpoint(id="wh_1", store_id="st_1", url="https://hooks.example.dz/in",
                    events=("order.created",), secret=secret, created_at=now, updated_at=now,
                    previous_secret=previous, previous_secret_expires_at=expires)


def test_new_secret_has_the_standard_shape():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(secret) > 30
    assert secret != signing.new_secret()


def test_signature_verifies_with_the_reference_library():
    secret = signing.new_secret()
    now = datetime.now(timezone.utc)
    headers = signing.headers([secret], "evt_1", now, BODY)
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"
    assert "dzorders" in headers["user-agent"]
    assert Webhook(secret).verify(BODY, headers)["data"] == {"id": "or_1"}


def test_a_tampered_body_or_another_secret_does_not_verify():
    secret = signing.new_secret()
    headers = signing.headers([secret], "evt_1", datetime.now(timezone.utc), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("or_1", "or_2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)


def test_during_the_rotation_window_both_secrets_verify_and_after_it_only_the_new():
    old, new = signing.new_secret(), signing.new_secret()
    now = datetime.now(timezone.utc)
    rotated = endpoint(new, previous=old, expires=now + ROTATION_GRACE)
    headers = signing.headers(rotated.signing_secrets(now), "evt_1", now, BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(BODY, headers)
    assert Webhook(new).verify(BODY, headers)

    later = now + ROTATION_GRACE + timedelta(seconds=1)
    assert rotated.signing_secrets(later) == (new,)
    headers = signing.headers(rotated.signing_secrets(later), "evt_1", now, BODY)
    assert Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(BODY, headers)
