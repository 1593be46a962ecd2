"""Notification use cases for two channels: the store owner's email and the
customer's SMS. Plain Python: senders, inbox and stores come in as ports.

Both are idempotent on the event id through the inbox: a redelivered event is
skipped once handled. The inbox is marked after the send, so a crash between
the two can send once more (at least once); it never loses one.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from chalicelib.accounts.model import notifies
from chalicelib.clock import Clock
from chalicelib.config import Settings
from chalicelib.errors import NotFound
from chalicelib.logs import get_logger, log
from chalicelib.notifications.email import event_email, welcome_email
from chalicelib.notifications.messages import language_of
from chalicelib.notifications.sms import SMS_EVENTS, customer_sms, sms_language

logger = get_logger("notifications")

# Alerts about the store's own setup: always emailed, whatever the settings say.
ALWAYS_EMAILED = ("webhook.disabled",)


class Mailer:
    """The `emails` queue: a new store's welcome, and the owner's event emails."""
    CONSUMER = "emails"

    def __init__(self, sender: Any, inbox: Any, accounts: Any, settings: Settings,
                 clock: Clock) -> None:
        self._sender, self._inbox, self._accounts = sender, inbox, accounts
        self._settings, self._clock = settings, clock

    def handle(self, message: Mapping[str, Any]) -> bool:
        """Send what `message` calls for, once per event id. True if an email went out."""
        event_id, event_type = message.get("id"), message.get("type")
        if not event_id or not event_type:
            log(logger, logging.WARNING, "ignored message without id or type")
            return False
        if self._inbox.seen(self.CONSUMER, event_id):
            return False
        email = self._email_for(message)
        if email is not None:
            self._sender.send(email)
            log(logger, logging.INFO, "email sent", event_id=event_id, event_type=event_type,
                store_id=message.get("store_id"))
        self._inbox.mark(self.CONSUMER, event_id, self._clock())
        return email is not None

    def _email_for(self, message: Mapping[str, Any]):
        event_type = message["type"]
        if event_type == "store.created":
            return welcome_email(message.get("data") or {}, self._settings.dashboard_url,
                                 self._settings.public_api_url)
        try:
            store = self._accounts.get_store(str(message.get("store_id") or ""))
        except NotFound:
            return None   # the store is gone: nobody to tell
        if event_type not in ALWAYS_EMAILED and not notifies(store, "email", event_type):
            return None
        if not store.owner_email:
            return None
        return event_email(message, store.owner_email, store.name, language_of(store.languages),
                           self._settings.dashboard_url)


class CustomerTexter:
    """The `sms` queue: tells the customer their order is confirmed or on its way,
    when the store's settings say so, and notes it on the order's timeline."""
    CONSUMER = "customer-sms"

    def __init__(self, sender: Any, inbox: Any, accounts: Any, orders: Any, clock: Clock) -> None:
        self._sender, self._inbox = sender, inbox
        self._accounts, self._orders, self._clock = accounts, orders, clock

    def handle(self, message: Mapping[str, Any]) -> bool:
        event_id, event_type = message.get("id"), message.get("type")
        if not event_id or event_type not in SMS_EVENTS:
            return False
        if self._inbox.seen(self.CONSUMER, event_id):
            return False
        sms = None
        try:
            store = self._accounts.get_store(str(message.get("store_id") or ""))
        except NotFound:
            store = None
        if store is not None and notifies(store, "sms", event_type):
            sms = customer_sms(message, store.name, sms_language(store.languages))
        if sms is not None:
            self._sender.send(sms)
            order_id = (message.get("data") or {}).get("id")
            if order_id:
                self._orders.record_notification(store.id, order_id, "sms", event_type)
            log(logger, logging.INFO, "customer sms sent", event_id=event_id,
                event_type=event_type, store_id=store.id)
        self._inbox.mark(self.CONSUMER, event_id, self._clock())
        return sms is not None
