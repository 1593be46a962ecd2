"""Composition root: the one place that builds adapters and services.

`build(settings, **overrides)` wires the real adapters; tests pass in-memory
fakes as overrides (`store_kind="memory"` switches every store at once). Nothing
here talks to AWS until a service is first used, and `services()` caches the
result per Lambda container.
"""
from __future__ import annotations

import threading
from functools import cached_property
from typing import Any, Dict, Optional

from chalicelib.clock import Clock, utcnow
from chalicelib.config import Settings


class Services:
    def __init__(self, settings: Settings, store_kind: str = "dynamo",
                 clock: Clock = utcnow, **overrides: Any) -> None:
        self.settings = settings
        self.store_kind = store_kind
        self.clock = clock
        self._overrides: Dict[str, Any] = overrides
        self._lock = threading.RLock()
        if store_kind == "dynamo":
            from chalicelib import dynamo
            dynamo.bind(settings)

    def _pick(self, name: str, dynamo_factory, memory_factory) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        return dynamo_factory() if self.store_kind == "dynamo" else memory_factory()

    # --- AWS clients -------------------------------------------------------
    @cached_property
    def aws(self):
        if "aws" in self._overrides:
            return self._overrides["aws"]
        from chalicelib.aws import AwsClients
        return AwsClients(self.settings)

    # --- stores --------------------------------------------------------------
    @cached_property
    def account_store(self):
        from chalicelib.accounts import store_dynamo, store_memory
        return self._pick("account_store", store_dynamo.DynamoAccountStore,
                          store_memory.MemoryAccountStore)

    @cached_property
    def catalog_store(self):
        from chalicelib.catalog import store_dynamo, store_memory
        return self._pick("catalog_store", store_dynamo.DynamoCatalogStore,
                          store_memory.MemoryCatalogStore)

    @cached_property
    def order_store(self):
        from chalicelib.orders import store_dynamo, store_memory
        return self._pick("order_store", store_dynamo.DynamoOrderStore,
                          lambda: store_memory.MemoryOrderStore(
                              self.catalog_store, self.rates_store, self.account_store,
                              # The checkout's blacklist check, as the one table has it.
                              lambda key: self.fraud_store.holds(key)))

    @cached_property
    def rates_store(self):
        from chalicelib.shipping import store_dynamo, store_memory
        return self._pick("rates_store", store_dynamo.DynamoRatesStore,
                          store_memory.MemoryRatesStore)

    # --- services ------------------------------------------------------------
    @cached_property
    def geography(self):
        from chalicelib.geo.data import Geography
        return self._overrides.get("geography") or Geography.load()

    @cached_property
    def accounts(self):
        from chalicelib.accounts.service import AccountService
        return AccountService(self.account_store, self.settings, self.clock)

    @cached_property
    def catalog(self):
        from chalicelib.catalog.service import CatalogService
        return CatalogService(self.catalog_store, self.clock)

    @cached_property
    def shipping(self):
        from chalicelib.shipping.service import ShippingService
        return ShippingService(self.rates_store, self.geography)

    @cached_property
    def orders(self):
        from chalicelib.orders.service import OrderService
        return OrderService(self.order_store, self.accounts, self.geography, self.clock,
                            lambda *desk: self.couriers.stop_desk_offered(*desk),
                            lambda *checkout: self.fraud.screen_checkout(*checkout))

    @cached_property
    def health(self):
        if "health" in self._overrides:
            return self._overrides["health"]
        from chalicelib.health import HealthService
        return HealthService.for_aws(self.aws, self.settings)

    @cached_property
    def email_sender(self):
        from chalicelib.notifications import email_ses
        return self._pick("email_sender", lambda: email_ses.SesEmailSender(self.aws, self.settings),
                          email_ses.MemoryEmailSender)

    @cached_property
    def event_publisher(self):
        from chalicelib.events import publish_sns
        return self._pick("event_publisher",
                          lambda: publish_sns.SnsEventPublisher(self.aws, self.settings),
                          publish_sns.MemoryEventPublisher)

    @cached_property
    def dead_letters(self):
        from chalicelib.dead_letters import DeadLetterMonitor
        return self._overrides.get("dead_letters") or DeadLetterMonitor(
            self.aws, self.settings.dead_letter_queue_urls)

    @cached_property
    def inbox(self):
        from chalicelib.events import inbox
        return self._pick("inbox", inbox.DynamoInbox, inbox.MemoryInbox)

    @cached_property
    def event_router(self):
        from chalicelib.events.service import EventRouter
        return EventRouter(self.event_publisher)

    @cached_property
    def mailer(self):
        from chalicelib.notifications.service import Mailer
        return Mailer(self.email_sender, self.inbox, self.accounts, self.settings, self.clock)

    @cached_property
    def sms_sender(self):
        from chalicelib.notifications import sms_sns
        return self._pick("sms_sender", lambda: sms_sns.SnsSmsSender(self.aws),
                          sms_sns.MemorySmsSender)

    @cached_property
    def customer_texter(self):
        from chalicelib.notifications.service import CustomerTexter
        return CustomerTexter(self.sms_sender, self.inbox, self.accounts, self.orders, self.clock)

    @cached_property
    def push(self):
        """Web push: subscriptions, this deployment's VAPID keys (SSM) and the sender.
        Overrides: push_store, push_keys, push_sender, push_resolver."""
        from chalicelib import resolver_socket
        from chalicelib.push import keys_ssm, store_dynamo, store_memory
        from chalicelib.push.service import PushService

        def webpush_sender():
            from chalicelib.push.sender_webpush import WebPushSender
            return WebPushSender()

        def memory_sender():
            from chalicelib.push.sender_memory import MemoryPushSender
            return MemoryPushSender()
        return PushService(
            self._pick("push_store", store_dynamo.DynamoSubscriptionStore,
                       store_memory.MemorySubscriptionStore),
            self._pick("push_keys", lambda: keys_ssm.SsmVapidKeys(self.aws, self.settings),
                       keys_ssm.MemoryVapidKeys),
            self._pick("push_sender", webpush_sender, memory_sender),
            self.inbox, self.accounts, self.settings, self.clock,
            self._overrides.get("push_resolver") or resolver_socket.resolve)

    @cached_property
    def webhooks(self):
        from chalicelib import resolver_socket as resolver
        from chalicelib.webhooks import queue_sqs, sender_http, store_dynamo, store_memory
        from chalicelib.webhooks.delivery import DeliveryPipeline
        from chalicelib.webhooks.service import WebhookService
        store = self._pick("webhook_store", store_dynamo.DynamoWebhookStore,
                           store_memory.MemoryWebhookStore)
        queue = self._pick("webhook_queue",
                           lambda: queue_sqs.SqsAttemptQueue(self.aws, self.settings),
                           queue_sqs.MemoryAttemptQueue)
        sender = self._overrides.get("webhook_sender") or sender_http.HttpSender()
        resolve = self._overrides.get("webhook_resolver") or resolver.resolve
        settings = self.settings
        pipeline = DeliveryPipeline(store, queue, sender, resolve, self.clock,
                                    retry_delays=settings.webhook_retry_delays,
                                    timeout_seconds=settings.webhook_timeout_seconds,
                                    allow_loopback=settings.allow_loopback_urls)
        return WebhookService(store, pipeline, resolve, self.clock, settings.allow_loopback_urls)

    @cached_property
    def bell(self):
        """The dashboard bell: feed, unread count, connections and the realtime sender.
        Overrides: bell_store, realtime_sender."""
        from chalicelib.bell import realtime_apigw, store_dynamo, store_memory
        from chalicelib.bell.service import BellService
        return BellService(
            self._pick("bell_store", store_dynamo.DynamoBellStore, store_memory.MemoryBellStore),
            self._pick("realtime_sender",
                       lambda: realtime_apigw.ApiGatewayRealtimeSender(self.settings),
                       realtime_apigw.MemoryRealtimeSender),
            self.accounts, self.settings, self.clock)

    @cached_property
    def couriers(self):
        """Courier accounts and shipping. Overrides: courier_accounts, courier_cipher,
        courier_client_factory."""
        from chalicelib.couriers import store_dynamo, store_memory
        from chalicelib.couriers.service import CourierService

        def kms_cipher():
            from chalicelib.couriers.cipher_kms import KmsCipher
            return KmsCipher(self.aws, self.settings.courier_key_id)

        def client_factory(account, spec):
            from chalicelib.couriers.clients import build_client
            return build_client(account, spec)
        return CourierService(
            self.courier_accounts, self._pick("courier_cipher", kms_cipher, store_memory.MemoryCipher),
            self.order_store, self.accounts, self.geography, self.settings, self.clock,
            self._overrides.get("courier_client_factory") or client_factory, self.shipping,
            self._pick("stop_desks", store_dynamo.DynamoStopDesks, store_memory.MemoryStopDesks))

    @cached_property
    def calls(self):
        from chalicelib.orders.call_service import CallService
        return CallService(self.order_store, self.accounts, self.clock,
                           lambda store_id, member_id: self.accounts.member_name(store_id, member_id))

    @cached_property
    def job_retries(self):
        from chalicelib.couriers import queue_sqs
        return self._pick("job_retries", lambda: queue_sqs.SqsRetries(self.aws),
                          queue_sqs.MemoryRetries)

    @cached_property
    def courier_accounts(self):
        from chalicelib.couriers import store_dynamo, store_memory
        return self._pick("courier_accounts", store_dynamo.DynamoCourierAccountStore,
                          store_memory.MemoryCourierAccountStore)

    @cached_property
    def courier_tracking(self):
        """Callbacks, polls and applying updates. Override: tracking_queue."""
        from chalicelib.couriers import queue_sqs
        from chalicelib.couriers.tracking import TrackingService
        return TrackingService(
            self.couriers, self.courier_accounts, self.order_store, self.accounts, self.clock,
            self._pick("tracking_queue", lambda: queue_sqs.SqsTrackingQueue(self.aws, self.settings),
                       queue_sqs.MemoryTrackingQueue))

    @cached_property
    def members(self):
        """The team: invitations (emailed through email_sender), roles, removals."""
        from chalicelib.accounts.members import MemberService
        return MemberService(self.account_store, self.accounts, self.email_sender,
                             self.settings, self.clock)

    @cached_property
    def analytics(self):
        """Delivery analytics counters. Override: analytics_store."""
        from chalicelib.analytics import store_dynamo, store_memory
        from chalicelib.analytics.service import AnalyticsService
        return AnalyticsService(
            self._pick("analytics_store", store_dynamo.DynamoCounterStore,
                       store_memory.MemoryCounterStore), self.clock)

    @cached_property
    def fraud_store(self):
        from chalicelib.fraud import store_dynamo, store_memory
        return self._pick("fraud_store", store_dynamo.DynamoFraudStore,
                          lambda: store_memory.MemoryFraudStore(self.account_store))

    @cached_property
    def fraud(self):
        """Anti-fraud: the phone blacklist, checkout limits, duplicates and risk.
        Override: fraud_store."""
        from chalicelib.fraud.service import FraudService
        return FraudService(
            self.fraud_store,
            lambda *phone, **most: self.orders.orders_by_phone(*phone, **most), self.clock,
            lambda *phone, **most: self.orders.recent_carts(*phone, **most))

    @cached_property
    def rate_limits(self):
        """API rate limits per API key and per session. Override: rate_limit_store."""
        from chalicelib.ratelimit import store_dynamo, store_memory
        from chalicelib.ratelimit.service import RateLimiter
        return RateLimiter(
            self._pick("rate_limit_store", store_dynamo.DynamoRateLimitStore,
                       store_memory.MemoryRateLimitStore),
            self.clock, self.settings.api_rate_limit_per_minute)

    # (new services: add above this line, one cached_property per area)


def build(settings: Optional[Settings] = None, **overrides: Any) -> Services:
    return Services(settings or Settings.from_env(), **overrides)


_services: Optional[Services] = None
_services_lock = threading.Lock()


def services() -> Services:
    """The container's Services, built on first use."""
    global _services
    if _services is None:
        with _services_lock:
            if _services is None:
                _services = build()
    return _services


def use(built: Services) -> None:
    """Install `built` as the container's Services (tests and the local launcher)."""
    global _services
    _services = built
