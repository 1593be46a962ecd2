"""Sends an Sms through SNS (Publish to a phone number)."""
from __future__ import annotations

from typing import Any

from chalicelib.notifications.sms import Sms


class SnsSmsSender:
    def __init__(self, aws: Any, sender_id: str = "dzorders") -> None:
        self._aws = aws
        self._sender_id = sender_id

    def send(self, sms: Sms) -> str:
        response = self._aws.sns.publish(
            PhoneNumber=sms.phone, Message=sms.text,
            MessageAttributes={
                # Order messages are transactional: SNS favours delivery over cost.
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self._sender_id}})
        return response["MessageId"]


class MemorySmsSender:
    """Fake sender for service tests: keeps what was sent."""

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, sms: Sms) -> str:
        self.sent.append(sms)
        return f"memory-sms-{len(self.sent)}"
