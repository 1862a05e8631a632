"""Per-key limits held in memory: requests per minute and simultaneous POSTs.

Both are exact under concurrency because every check-and-update runs on the event loop without
an `await` in between. They are per process (a SQLite store); gateways that share a PostgreSQL
store count them in the database instead (kai_local.gateway.shared_limits).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kai_local.errors import RateLimited


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int  # 0 when allowed
    reset_s: float  # seconds until the window frees one more request


class RateLimiter:
    """Sliding one-minute window per key (a log of admission times, at most `limit` long)."""

    WINDOW_S = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, deque[float]] = {}

    def admit(self, key_id: str, limit: int) -> RateDecision:
        now = self._clock()
        window = self._windows.setdefault(key_id, deque())
        while window and now - window[0] >= self.WINDOW_S:
            window.popleft()
        if len(window) >= limit:
            wait = self.WINDOW_S - (now - window[0])
            return RateDecision(False, limit, 0, max(1, math.ceil(wait)), wait)
        window.append(now)
        reset = self.WINDOW_S - (now - window[0])
        return RateDecision(True, limit, limit - len(window), 0, reset)


class ConcurrencyLimiter:
    """Counts in-flight POST requests per key; `release` must run in a `finally`."""

    def __init__(self) -> None:
        self._in_flight: dict[str, int] = {}

    def try_acquire(self, key_id: str, limit: int) -> bool:
        current = self._in_flight.get(key_id, 0)
        if current >= limit:
            return False
        self._in_flight[key_id] = current + 1
        return True

    def release(self, key_id: str) -> None:
        left = self._in_flight.get(key_id, 0) - 1
        if left > 0:
            self._in_flight[key_id] = left
        else:
            self._in_flight.pop(key_id, None)

    def in_flight(self, key_id: str) -> int:
        return self._in_flight.get(key_id, 0)


def rate_limited(retry_after_s: int, limit: int) -> RateLimited:
    return RateLimited(
        f"Rate limit reached: {limit} requests per minute for this key. Retry in {retry_after_s} s.",
        code="rate_limit_exceeded",
        headers={"Retry-After": str(retry_after_s)},
    )


def concurrency_refused(limit: int) -> RateLimited:
    return RateLimited(
        f"Too many simultaneous requests for this key (limit {limit}); wait for one to finish.",
        code="concurrency_limit_exceeded",
        headers={"Retry-After": "1"},
    )
