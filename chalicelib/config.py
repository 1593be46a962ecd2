"""Settings: the one object every adapter is configured from.

Read once from the environment by the composition root. In AWS the template's
`Globals.Function.Environment` fills these in; locally the launcher evaluates the
same template and exports the same variables plus the emulator endpoints.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional


def _flag(value: Optional[str], default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(value: Optional[str], default: int) -> int:
    if value is None or value.strip() == "":
        return default
    return int(value)


def _seconds_list(value: Optional[str], default: tuple) -> tuple:
    if value is None or value.strip() == "":
        return default
    return tuple(int(part) for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    region: str = "eu-west-3"
    table_name: str = "dzorders"
    events_topic_arn: str = ""
    emails_queue_url: str = ""
    email_sender: str = "no-reply@dzorders.local"
    dead_letter_queue_urls: tuple = ()
    webhook_deliveries_queue_url: str = ""
    # Courier tracking updates (callbacks and polls) are worked from this queue.
    courier_tracking_queue_url: str = ""
    # KMS key that seals couriers' API credentials.
    courier_key_id: str = ""
    # SSM parameter (SecureString) holding this deployment's VAPID key pair.
    vapid_parameter_name: str = "/dzorders/vapid-keys"
    # Where dashboards connect for the live bell, and where the bell posts to them
    # (API Gateway's WebSocket management API, or the local launcher's stand-in).
    realtime_url: str = ""
    realtime_management_url: str = ""
    # Seconds before each retry of a failed webhook delivery; after the last, it is dead.
    webhook_retry_delays: tuple = (60, 300, 1800, 7200, 43200, 86400)
    webhook_timeout_seconds: float = 10.0
    # Emulator endpoint; None in AWS so boto3 uses the real regional endpoints.
    aws_endpoint_url: Optional[str] = None
    dynamodb_endpoint_url: Optional[str] = None
    public_api_url: str = "http://127.0.0.1:8000"
    dashboard_url: str = "http://127.0.0.1:8000/dashboard/"
    # Loopback URLs (webhooks, courier sandboxes, push endpoints) are only allowed
    # where the deployment says so: the local run and the tests.
    allow_loopback_urls: bool = False
    session_ttl_seconds: int = 7 * 24 * 3600
    max_body_bytes: int = 256 * 1024
    login_max_failures_per_email: int = 10
    login_max_failures_per_ip: int = 50
    login_window_seconds: int = 15 * 60
    # Requests per minute per API key and per session (sliding window); 0: no limit.
    api_rate_limit_per_minute: int = 600
    # The KDF cost is a setting so tests can run fast; production keeps the default.
    scrypt_n: int = 2 ** 14
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return self.aws_endpoint_url is not None

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        endpoint = env.get("AWS_ENDPOINT_URL") or None
        return cls(
            stage=env.get("STAGE", "local"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-3",
            table_name=env.get("TABLE_NAME", "dzorders"),
            events_topic_arn=env.get("EVENTS_TOPIC_ARN", ""),
            emails_queue_url=env.get("EMAILS_QUEUE_URL", ""),
            email_sender=env.get("EMAIL_SENDER", "no-reply@dzorders.local"),
            dead_letter_queue_urls=tuple(url for url in env.get("DEAD_LETTER_QUEUE_URLS", "").split(",")
                                         if url),
            webhook_deliveries_queue_url=env.get("WEBHOOK_DELIVERIES_QUEUE_URL", ""),
            courier_tracking_queue_url=env.get("COURIER_TRACKING_QUEUE_URL", ""),
            courier_key_id=env.get("COURIER_KEY_ID", ""),
            vapid_parameter_name=env.get("VAPID_PARAMETER_NAME", "/dzorders/vapid-keys"),
            realtime_url=env.get("REALTIME_URL", ""),
            realtime_management_url=env.get("REALTIME_MANAGEMENT_URL", ""),
            webhook_retry_delays=_seconds_list(env.get("WEBHOOK_RETRY_DELAYS"),
                                               (60, 300, 1800, 7200, 43200, 86400)),
            webhook_timeout_seconds=float(env.get("WEBHOOK_TIMEOUT_SECONDS") or 10.0),
            aws_endpoint_url=endpoint,
            dynamodb_endpoint_url=env.get("DYNAMODB_ENDPOINT_URL") or endpoint,
            public_api_url=env.get("PUBLIC_API_URL", "http://127.0.0.1:8000").rstrip("/"),
            dashboard_url=env.get("DASHBOARD_URL", "http://127.0.0.1:8000/dashboard/"),
            allow_loopback_urls=_flag(env.get("ALLOW_LOOPBACK_URLS")),
            session_ttl_seconds=_int(env.get("SESSION_TTL_SECONDS"), 7 * 24 * 3600),
            max_body_bytes=_int(env.get("MAX_BODY_BYTES"), 256 * 1024),
            login_max_failures_per_email=_int(env.get("LOGIN_MAX_FAILURES_PER_EMAIL"), 10),
            login_max_failures_per_ip=_int(env.get("LOGIN_MAX_FAILURES_PER_IP"), 50),
            login_window_seconds=_int(env.get("LOGIN_WINDOW_SECONDS"), 15 * 60),
            api_rate_limit_per_minute=_int(env.get("API_RATE_LIMIT_PER_MINUTE"), 600),
            scrypt_n=_int(env.get("SCRYPT_N"), 2 ** 14),
        )
