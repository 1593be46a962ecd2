"""Event use cases: publish what the table's changes mean; react to events."""
from __future__ import annotations

import logging
from typing import Any, List, Mapping

from chalicelib.clock import Clock
from chalicelib.config import Settings
from chalicelib.events.model import Change, derive_events
from chalicelib.logs import get_logger, log
from chalicelib.notifications.email import welcome_email

logger = get_logger("events")


class EventRouter:
    def __init__(self, publisher: Any) -> None:
        self._publisher = publisher

    def publish_changes(self, changes: List[Change]) -> int:
        events = derive_events(changes)
        for event in events:
            self._publisher.publish(event)
        return len(events)


class PlatformMailer:
    """Emails the platform itself sends (a new store's welcome)."""
    CONSUMER = "platform-mailer"

    def __init__(self, sender: Any, inbox: Any, settings: Settings, clock: Clock) -> None:
        self._sender, self._inbox = sender, inbox
        self._settings, self._clock = settings, clock

    def handle(self, message: Mapping[str, Any]) -> bool:
        """Send what `message` calls for, once per event id. True if an email went out."""
        event_id, event_type = message.get("id"), message.get("type")
        if not event_id or event_type != "store.created":
            log(logger, logging.WARNING, "ignored event", event_type=event_type, event_id=event_id)
            return False
        if self._inbox.seen(self.CONSUMER, event_id):
            return False
        email = welcome_email(message.get("data") or {}, self._settings.dashboard_url,
                              self._settings.public_api_url)
        if email is not None:
            self._sender.send(email)
            log(logger, logging.INFO, "welcome email sent", event_id=event_id,
                store_id=message.get("store_id"))
        self._inbox.mark(self.CONSUMER, event_id, self._clock())
        return email is not None
