"""Admission: the per-key limits a request passes before it runs, and what it gives back after.

Two implementations behind one Protocol, picked by the store:
- `LocalLimits` (SQLite store, one gateway process): requests per minute, simultaneous
  requests, monthly cap and trial allowance counted in this process's memory, exact because
  every check-and-update runs on the event loop without an `await` in between.
- `SharedLimits` (PostgreSQL store, kai_local.gateway.shared_limits): the same limits counted in
  the database, exact across every gateway process and host that shares it.

The order of the checks is the same in both: requests per minute (every API request), then for
a POST the monthly cap and trial allowance (a used-up month is the answer that matters), then a
concurrency slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import anyio.to_thread

from kai_local.errors import RateLimited
from kai_local.gateway.auth import Principal
from kai_local.gateway.caps import UsageCaps
from kai_local.gateway.limits import ConcurrencyLimiter, RateDecision, RateLimiter, concurrency_refused, rate_limited
from kai_local.gateway.store import Store
from kai_local.gateway.usage import UsageRecord


@dataclass
class Admission:
    """One request's answer from the limits, and what it holds until `record`/`release`."""

    rate: RateDecision
    refusal: RateLimited | None = None  # the 429 to answer with, or None: go ahead
    reserved: bool = False  # holds a place under the monthly cap / trial allowance
    acquired: bool = False  # holds a concurrency slot
    lease_id: str | None = None  # SharedLimits: the database row that holds both


class Limits(Protocol):
    def seed(self, principal: Principal, period: str, period_ok: int, lifetime_ok: int) -> None:
        """What the store said about the key's usage when it was looked up."""
        ...

    async def admit(self, principal: Principal, hold: bool) -> Admission:
        """Count the request against the rate; with `hold` (a permitted POST) also reserve a
        place under the caps and take a concurrency slot. Never raises a refusal: returns it."""
        ...

    async def record(
        self, admission: Admission, principal: Principal, endpoint: str, ok: bool, usage: UsageRecord, moment: datetime
    ) -> None:
        """Store the request's usage and settle its reservation (once, also on error paths)."""
        ...

    def release(self, admission: Admission, principal: Principal) -> None:
        """The response is over: give back what `record` did not (its concurrency slot)."""
        ...

    def in_flight(self, key_id: str) -> int:
        """Concurrency slots the key holds now (for tests and operators)."""
        ...


class LocalLimits:
    """The limits of one gateway process, in its memory (a SQLite store)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.rate = RateLimiter()
        self.concurrency = ConcurrencyLimiter()
        self.caps = UsageCaps()

    def seed(self, principal: Principal, period: str, period_ok: int, lifetime_ok: int) -> None:
        self.caps.seed(principal, period, period_ok, lifetime_ok)

    async def admit(self, principal: Principal, hold: bool) -> Admission:
        product = principal.product
        admission = Admission(self.rate.admit(principal.key.id, product.rate_limit_per_minute))
        if not admission.rate.allowed:
            admission.refusal = rate_limited(admission.rate.retry_after_s, product.rate_limit_per_minute)
            return admission
        if not hold:
            return admission
        try:
            self.caps.reserve(principal)
        except RateLimited as refusal:
            admission.refusal = refusal
            return admission
        admission.reserved = True
        admission.acquired = self.concurrency.try_acquire(principal.key.id, product.max_concurrent)
        if not admission.acquired:
            admission.refusal = concurrency_refused(product.max_concurrent)
        return admission

    async def record(
        self, admission: Admission, principal: Principal, endpoint: str, ok: bool, usage: UsageRecord, moment: datetime
    ) -> None:
        try:
            await anyio.to_thread.run_sync(self._store.record_usage, principal.key.id, endpoint, ok, usage, moment)
        finally:
            if admission.reserved:
                admission.reserved = False
                self.caps.settle(principal, ok)

    def release(self, admission: Admission, principal: Principal) -> None:
        if admission.acquired:
            admission.acquired = False
            self.concurrency.release(principal.key.id)

    def in_flight(self, key_id: str) -> int:
        return self.concurrency.in_flight(key_id)
