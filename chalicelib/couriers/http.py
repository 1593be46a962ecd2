"""HTTP for courier adapters: timeouts, no redirects, the courier's rate limits, and
the failures every courier shares classified into our error family.

What is left for each adapter is what differs: its own 4xx shapes and the
"HTTP 200 but success: false" answers some couriers give.

Rate limits are kept per courier account in this process (a Lambda container
serves one request at a time, so this paces a worker's loop; a 429 from the
courier is still answered with CourierUnavailable and its Retry-After).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, Mapping, Optional, Sequence, Tuple

import requests

from chalicelib.couriers.base import CourierAuthFailed, CourierUnavailable

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
# A wait longer than this for our own rate limiter is handed back to the queue instead.
MAX_LIMITER_WAIT = 10.0


class RateLimiter:
    """Sliding windows: at most `count` requests in any `seconds`, for each window."""

    def __init__(self, windows: Sequence[Tuple[int, float]],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._windows = tuple(windows)
        self._clock = clock
        self._sent: Deque[float] = deque()
        self._lock = threading.Lock()

    def wait_time(self) -> float:
        """Seconds until one more request fits in every window (0: now)."""
        with self._lock:
            now = self._clock()
            longest = max((seconds for _, seconds in self._windows), default=0.0)
            while self._sent and self._sent[0] <= now - longest:
                self._sent.popleft()
            wait = 0.0
            for count, seconds in self._windows:
                inside = [at for at in self._sent if at > now - seconds]
                if len(inside) >= count:
                    wait = max(wait, inside[-count] + seconds - now)
            return wait

    def record(self) -> None:
        with self._lock:
            self._sent.append(self._clock())


_limiters: Dict[Tuple[str, str], RateLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(account_key: Tuple[str, str], windows: Sequence[Tuple[int, float]]) -> RateLimiter:
    with _limiters_lock:
        if account_key not in _limiters:
            _limiters[account_key] = RateLimiter(windows)
        return _limiters[account_key]


def retry_after_seconds(headers: Mapping[str, str]) -> Optional[float]:
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class CourierHttp:
    def __init__(self, base_url: str, session: Optional[requests.Session] = None,
                 limiter: Optional[RateLimiter] = None,
                 timeout: Tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.limiter = limiter
        self.timeout = timeout
        self._sleep = sleep

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send one request; raise CourierUnavailable for what a retry may fix (timeouts,
        connection errors, 5xx, 429, a redirect) and CourierAuthFailed for 401. Other
        answers are returned for the adapter to read."""
        self._pace()
        kwargs.setdefault("timeout", self.timeout)
        kwargs["allow_redirects"] = False   # a redirect could carry our credentials elsewhere
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.Timeout as error:
            raise CourierUnavailable(f"the courier did not answer in time ({method} {path})") \
                from error
        except requests.RequestException as error:
            raise CourierUnavailable(f"the courier could not be reached ({type(error).__name__})") \
                from error
        finally:
            if self.limiter is not None:
                self.limiter.record()
        status = response.status_code
        if status == 429:
            raise CourierUnavailable("the courier's rate limit was reached",
                                     retry_after=retry_after_seconds(response.headers))
        if status >= 500:
            raise CourierUnavailable(f"the courier answered {status}", status=status)
        if 300 <= status < 400:
            raise CourierUnavailable(f"the courier answered a redirect ({status})", status=status)
        if status == 401:
            raise CourierAuthFailed("the courier refused the credentials", status=status)
        return response

    def _pace(self) -> None:
        if self.limiter is None:
            return
        wait = self.limiter.wait_time()
        if wait > MAX_LIMITER_WAIT:
            raise CourierUnavailable("our own pace for this courier account is used up",
                                     retry_after=wait)
        if wait > 0:
            self._sleep(wait)


def json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
