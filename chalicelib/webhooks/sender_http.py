"""The HTTP sender: one POST per attempt over a shared `requests.Session`.

It never raises for anything the receiver does: timeouts, refused connections,
garbage, redirects and huge bodies all become a SendResult. At most
EXCERPT_BYTES of the answer are read (streamed), and redirects are not followed.
"""
from __future__ import annotations

import time
from typing import Mapping, Optional

import requests

from chalicelib.webhooks.model import EXCERPT_BYTES, SendResult, excerpt


class HttpSender:
    def __init__(self, session: Optional[requests.Session] = None) -> None:
        self._session = session or requests.Session()
        # Proxies or netrc from the environment must not change where a webhook goes.
        self._session.trust_env = False

    def send(self, url: str, headers: Mapping[str, str], body: bytes,
             timeout: float) -> SendResult:
        started = time.monotonic()

        def elapsed() -> int:
            return int((time.monotonic() - started) * 1000)

        try:
            response = self._session.post(url, data=body, headers=dict(headers), timeout=timeout,
                                          allow_redirects=False, stream=True)
        except requests.Timeout:
            return SendResult(None, elapsed(), error=f"timed out after {timeout:g} s", transient=True)
        except requests.ConnectionError as error:
            return SendResult(None, elapsed(), error=f"connection failed: {type(error).__name__}",
                              transient=True)
        except requests.RequestException as error:
            return SendResult(None, elapsed(), error=f"request failed: {type(error).__name__}")
        try:
            raw = self._read(response, started, timeout)
            error = None
            if 300 <= response.status_code < 400:
                error = f"redirects are not followed (HTTP {response.status_code})"
        except requests.RequestException as failure:
            raw, error = b"", f"reading the answer failed: {type(failure).__name__}"
        finally:
            response.close()
        return SendResult(response.status_code, elapsed(), error=error, response_excerpt=excerpt(raw))

    @staticmethod
    def _read(response: requests.Response, started: float, timeout: float) -> bytes:
        """Up to EXCERPT_BYTES of the body, never past the attempt's time budget."""
        raw = b""
        for chunk in response.iter_content(chunk_size=EXCERPT_BYTES):
            raw += chunk
            if len(raw) >= EXCERPT_BYTES or time.monotonic() - started > timeout:
                break
        return raw[:EXCERPT_BYTES]
