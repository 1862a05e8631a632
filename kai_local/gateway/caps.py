"""Monthly caps and trial usage limits, exact under concurrency within this process.

The store is the durable truth; this keeps a per-key running count of successful requests
(seeded from the store the first time a key is seen, then advanced as requests finish) so a
check never races a usage write that is still on its way to disk. Requests admitted but not
yet settled count against the cap too: a cap is never exceeded, at the price of refusing early
when one of them then fails.
"""

from __future__ import annotations

from kai_local.errors import RateLimited
from kai_local.gateway.auth import Principal
from kai_local.gateway.usage import period_of, utc_now


def monthly_cap_reached(cap: int) -> RateLimited:
    return RateLimited(
        f"Monthly usage cap of {cap} successful requests reached for this key.",
        code="monthly_cap_exceeded",
    )


def trial_allowance_used(limit: int) -> RateLimited:
    return RateLimited(
        f"Trial usage limit of {limit} requests reached for this key.",
        code="trial_usage_limit_exceeded",
    )


class UsageCaps:
    def __init__(self) -> None:
        self._period_ok: dict[str, tuple[str, int]] = {}
        self._lifetime_ok: dict[str, int] = {}
        self._pending: dict[str, int] = {}  # admitted, not yet settled

    def seed(self, principal: Principal, period: str, period_ok: int, lifetime_ok: int) -> None:
        key_id = principal.key.id
        known = self._period_ok.get(key_id)
        if known is None or known[0] != period:
            self._period_ok[key_id] = (period, period_ok)
        self._lifetime_ok.setdefault(key_id, lifetime_ok)

    def reserve(self, principal: Principal) -> None:
        """Admit one request against the caps, or raise 429; `settle` must follow."""
        key_id = principal.key.id
        pending = self._pending.get(key_id, 0)
        cap = principal.product.monthly_cap
        if cap is not None:
            _, used = self._period_ok.get(key_id, ("", 0))
            if used + pending >= cap:
                raise monthly_cap_reached(cap)
        limit = principal.key.trial_usage_limit
        if limit is not None and self._lifetime_ok.get(key_id, 0) + pending >= limit:
            raise trial_allowance_used(limit)
        self._pending[key_id] = pending + 1

    def settle(self, principal: Principal, ok: bool) -> None:
        """The reserved request ended (its usage is stored): count it if it succeeded."""
        key_id = principal.key.id
        left = self._pending.get(key_id, 0) - 1
        if left > 0:
            self._pending[key_id] = left
        else:
            self._pending.pop(key_id, None)
        if ok:
            period = period_of(utc_now())
            known_period, count = self._period_ok.get(key_id, (period, 0))
            self._period_ok[key_id] = (period, count + 1 if known_period == period else 1)
            self._lifetime_ok[key_id] = self._lifetime_ok.get(key_id, 0) + 1
