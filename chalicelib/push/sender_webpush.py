"""PushSender with pywebpush: aes128gcm encryption (RFC 8291) and a VAPID
signature (RFC 8292) for each push, over one keep-alive session.

The only module that uses pywebpush. Redirects are never followed (the endpoint
was checked, wherever a redirect points was not) and every request has a timeout.
"""
from __future__ import annotations

import threading
import time
from typing import Dict

import requests
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from chalicelib.push.model import (SEND_TIMEOUT_SECONDS, VAPID_TOKEN_SECONDS, PushNotification,
                                   SendResult, Subscription, VapidKeys, origin)


class _NoRedirects(requests.Session):
    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


class WebPushSender:
    def __init__(self, timeout: float = SEND_TIMEOUT_SECONDS) -> None:
        self._timeout = timeout
        self._session = _NoRedirects()
        self._signers: Dict[str, Vapid02] = {}
        self._lock = threading.Lock()

    def send(self, subscription: Subscription, notification: PushNotification,
             keys: VapidKeys) -> SendResult:
        try:
            pusher = WebPusher({"endpoint": subscription.endpoint,
                                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                               requests_session=self._session)
            headers = self._vapid_headers(subscription.endpoint, notification.claims_sub, keys)
            headers.update({"Urgency": notification.urgency,
                            "Content-Type": "application/octet-stream"})
            response = pusher.send(notification.payload, headers, ttl=notification.ttl,
                                   content_encoding="aes128gcm", timeout=self._timeout)
        except requests.RequestException as error:
            return SendResult(status=None, error=type(error).__name__)
        except (WebPushException, ValueError) as error:
            # Keys the encryption refuses: no push service answer will change that.
            return SendResult(status=400, error=f"not sent: {type(error).__name__}")
        return SendResult(status=response.status_code,
                          error="" if response.ok else (response.text or "")[:200])

    def _vapid_headers(self, endpoint: str, sub: str, keys: VapidKeys) -> Dict[str, str]:
        claims = {"aud": origin(endpoint), "sub": sub,
                  "exp": int(time.time()) + VAPID_TOKEN_SECONDS}
        return dict(self._signer(keys).sign(claims))

    def _signer(self, keys: VapidKeys) -> Vapid02:
        with self._lock:
            if keys.private_key not in self._signers:
                self._signers = {keys.private_key: Vapid02.from_raw(keys.private_key.encode("ascii"))}
            return self._signers[keys.private_key]
