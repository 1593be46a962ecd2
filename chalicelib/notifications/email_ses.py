"""Sends an Email through SES."""
from __future__ import annotations

from typing import Any

from chalicelib.config import Settings
from chalicelib.notifications.email import Email


class SesEmailSender:
    def __init__(self, aws: Any, settings: Settings) -> None:
        self._aws = aws
        self._sender = settings.email_sender

    def send(self, email: Email) -> str:
        body = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        if email.html:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        response = self._aws.ses.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [email.to]},
            Message={"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body},
        )
        return response["MessageId"]


class MemoryEmailSender:
    """Fake sender for service tests: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, email: Email) -> str:
        self.sent.append(email)
        return f"memory-{len(self.sent)}"
