"""Web push use cases: members subscribe their browsers; each event the store's
settings route to push reaches every device of the store once. Plain Python:
the store, keys, sender, inbox and name resolution come in as ports.

Idempotent per device: after each device's push (or a final answer from its
push service) a marker keyed on the event and the device is written, so a
redelivered event skips the devices that already have it and retries only
those whose push service asked for a retry. A marker on the whole event then
lets a later redelivery skip the work. Markers are written after the send: a
crash in between can push once more (at least once), never lose one.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional, Tuple

from chalicelib.accounts.model import notifies
from chalicelib.clock import Clock
from chalicelib.config import Settings
from chalicelib.errors import NotFound
from chalicelib.logs import get_logger, log
from chalicelib.notifications.messages import language_of, summarize
from chalicelib.pagination import decode_cursor, encode_cursor, parse_limit
from chalicelib.push import model, validation
from chalicelib.push.model import (DELIVERED, DROPPED, GONE, RETRY, PushNotification,
                                   Subscription)
from chalicelib.push.ports import KeyStore, PushSender, Resolver, SubscriptionStore

logger = get_logger("push")


class PushRetry(Exception):
    """Some devices' push services asked to try again later; the record fails so SQS retries."""

    def __init__(self, event_id: str, device_keys: List[str]) -> None:
        super().__init__(f"push of {event_id} to retry for {len(device_keys)} device(s)")
        self.device_keys = device_keys


class PushService:
    CONSUMER = "push"

    def __init__(self, store: SubscriptionStore, keys: KeyStore, sender: PushSender, inbox: Any,
                 accounts: Any, settings: Settings, clock: Clock, resolver: Resolver) -> None:
        self._store, self._keys, self._sender, self._inbox = store, keys, sender, inbox
        self._accounts, self._settings, self._clock = accounts, settings, clock
        self._resolver = resolver

    # --- the API -----------------------------------------------------------------
    def public_key(self) -> Dict[str, str]:
        return {"key": self._keys.keys().public_key}

    def subscribe(self, store_id: str, member_id: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        """Subscribe a browser; the same member and endpoint again refreshes its keys."""
        parsed = validation.parse_subscription(body, self._resolver,
                                               self._settings.allow_loopback_urls)
        now = self._clock()
        stored = self._store.save(Subscription(
            id=model.subscription_id(store_id, member_id, parsed["endpoint"]), store_id=store_id,
            member_id=member_id, endpoint=parsed["endpoint"], p256dh=parsed["p256dh"],
            auth=parsed["auth"], created_at=now, updated_at=now,
            expiration_time=parsed["expiration_time"]))
        log(logger, logging.INFO, "push subscription saved", store_id=store_id,
            subscription_id=stored.id, device=stored.device_key)
        return model.serialize(stored)

    def subscriptions(self, store_id: str, query: Mapping[str, str]) -> Dict[str, Any]:
        limit = parse_limit(query)
        after = decode_cursor(query, "ps_")
        items, last = self._store.page(store_id, limit, after)
        return {"items": [model.serialize(s) for s in items], "next_cursor": encode_cursor(last)}

    def unsubscribe(self, store_id: str, subscription_id: str) -> None:
        if not self._store.delete(store_id, subscription_id):
            raise NotFound("No such push subscription.")

    # --- the worker --------------------------------------------------------------
    def handle(self, message: Mapping[str, Any]) -> int:
        """Push `message` to every device of its store, once each. Returns how many
        devices got it now; raises PushRetry if some must be tried again."""
        event_id, event_type = message.get("id"), message.get("type")
        if not event_id or not event_type:
            log(logger, logging.WARNING, "ignored message without id or type")
            return 0
        if self._inbox.seen(self.CONSUMER, event_id):
            return 0
        notification = self._notification_for(message)
        delivered, retry = 0, []
        if notification is not None:
            for key, subscription, same_endpoint in model.devices(
                    self._store.all_for_store(str(message["store_id"]))):
                outcome = self._push_once(event_id, key, subscription, same_endpoint, notification)
                delivered += outcome == DELIVERED
                if outcome == RETRY:
                    retry.append(key)
        if retry:
            raise PushRetry(event_id, retry)
        self._inbox.mark(self.CONSUMER, event_id, self._clock())
        return delivered

    def _notification_for(self, message: Mapping[str, Any]) -> Optional[PushNotification]:
        try:
            store = self._accounts.get_store(str(message.get("store_id") or ""))
        except NotFound:
            return None   # the store is gone: nobody to tell
        if not notifies(store, "push", str(message["type"])):
            return None
        summary = summarize(message, language_of(store.languages), self._settings.dashboard_url)
        return model.notification(message, summary, self._settings.email_sender)

    def _push_once(self, event_id: str, key: str, subscription: Subscription,
                   same_endpoint: Tuple[str, ...], notification: PushNotification) -> Optional[str]:
        marker = f"{self.CONSUMER}#{key}"
        if self._inbox.seen(marker, event_id):
            return None
        outcome, status = self._send(subscription, notification)
        fields = {"event_id": event_id, "store_id": subscription.store_id, "device": key,
                  "push_service": model.origin(subscription.endpoint), "status": status}
        if outcome == RETRY:
            log(logger, logging.WARNING, "push to retry", **fields)
            return outcome
        if outcome == GONE:
            for subscription_id in same_endpoint:
                self._store.delete(subscription.store_id, subscription_id,
                                   unchanged_since=subscription.updated_at)
            log(logger, logging.INFO, "push subscription gone, deleted", **fields)
        elif outcome == DROPPED:
            log(logger, logging.WARNING, "push refused, not retried", **fields)
        else:
            log(logger, logging.INFO, "push sent", **fields)
        self._inbox.mark(marker, event_id, self._clock())
        return outcome

    def _send(self, subscription: Subscription,
              notification: PushNotification) -> Tuple[str, Optional[int]]:
        try:
            validation.check_endpoint(subscription.endpoint, self._resolver,
                                      self._settings.allow_loopback_urls)
        except validation.EndpointRefused:
            return DROPPED, None
        result = self._sender.send(subscription, notification, self._keys.keys())
        return model.outcome_of(result), result.status
