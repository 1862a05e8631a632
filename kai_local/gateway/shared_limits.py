"""Per-key limits counted in PostgreSQL: exact across every gateway process and host that
shares the store.

One admission is one short transaction:
1. `pg_advisory_xact_lock` on the key serialises admissions of the same key everywhere (keys do
   not wait on each other); under READ COMMITTED the next statement sees everything the previous
   holder committed.
2. One read: the database clock, the key's admissions in the last 60 one-second buckets, its
   live leases, and its successful requests this month and ever.
3. One write: the rate bucket counted, stale buckets and expired leases deleted, and for an
   admitted POST a lease inserted.
A lease is one row per running POST: its concurrency slot and its pending place under the
monthly cap and trial allowance. The usage write deletes it in the same transaction, so a cap
check sees a request pending or counted, never both or neither. A lease expires `lease_s` after
its last renewal; this process renews its leases every third of that while they run, so a
process killed while holding slots gives them back within `lease_s`.

The three statements and the commit go out in two round trips (psycopg's pipeline mode).
Times are the database's clock, so hosts with skewed clocks still share one window.
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import datetime
from typing import Any

import anyio
import anyio.to_thread

from kai_local.gateway.admission import Admission
from kai_local.gateway.auth import Principal
from kai_local.gateway.caps import monthly_cap_reached, trial_allowance_used
from kai_local.gateway.database import PostgresDatabase, StoreUnavailable
from kai_local.gateway.limits import RateDecision, concurrency_refused, rate_limited
from kai_local.gateway.store import Store
from kai_local.gateway.usage import UsageRecord, period_of, utc_now

log = logging.getLogger("kai_local.limits")

WINDOW_S = 60

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 0))"

_READ = """
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
SELECT clock.now,
    (SELECT COALESCE(SUM(admitted), 0) FROM rate_buckets
        WHERE key_id = %(key)s AND second > floor(clock.now)::bigint - 60),
    (SELECT MIN(second) FROM rate_buckets WHERE key_id = %(key)s AND second > floor(clock.now)::bigint - 60),
    (SELECT count(*) FROM limit_leases WHERE key_id = %(key)s AND expires_at > clock.now),
    (SELECT COALESCE(SUM(ok), 0) FROM usage_monthly WHERE key_id = %(key)s AND period = %(period)s),
    (SELECT COALESCE(SUM(ok), 0) FROM usage_monthly WHERE key_id = %(key)s)
FROM clock
"""

_WRITE = """
WITH counted AS (
        INSERT INTO rate_buckets (key_id, second, admitted) VALUES (%(key)s, %(second)s, 1)
        ON CONFLICT (key_id, second) DO UPDATE SET admitted = rate_buckets.admitted + 1
    ),
    stale AS (DELETE FROM rate_buckets WHERE key_id = %(key)s AND second <= %(second)s - 60),
    expired AS (DELETE FROM limit_leases WHERE key_id = %(key)s AND expires_at <= %(now)s)
INSERT INTO limit_leases (id, key_id, expires_at) SELECT %(lease)s, %(key)s, %(until)s WHERE %(hold)s
"""

_RENEW = "UPDATE limit_leases SET expires_at = extract(epoch FROM clock_timestamp())::float8 + %s WHERE id = ANY(%s)"
_IN_FLIGHT = (
    "SELECT count(*) FROM limit_leases WHERE key_id = %s AND expires_at > extract(epoch FROM clock_timestamp())"
)


class SharedLimits:
    def __init__(self, store: Store, lease_s: float) -> None:
        if not isinstance(store.database, PostgresDatabase):
            raise TypeError("SharedLimits needs a PostgreSQL store")
        self._store = store
        self._database = store.database
        self._lease_s = lease_s
        self._live: set[str] = set()  # this process's leases, renewed while they run

    def seed(self, principal: Principal, period: str, period_ok: int, lifetime_ok: int) -> None:
        pass  # every check reads the store

    async def admit(self, principal: Principal, hold: bool) -> Admission:
        admission = await anyio.to_thread.run_sync(self._admit, principal, hold)
        if admission.lease_id is not None:
            self._live.add(admission.lease_id)
        return admission

    def _admit(self, principal: Principal, hold: bool) -> Admission:
        key_id = principal.key.id
        product = principal.product
        limit = product.rate_limit_per_minute
        params: dict[str, Any] = {"key": key_id, "period": period_of(utc_now())}
        with self._database.connection() as conn, conn.pipeline(), conn.transaction():
            conn.execute(_LOCK, params)
            row = conn.execute(_READ, params).fetchone()
            assert row is not None
            now, window, oldest, held, period_ok, lifetime_ok = row
            second = math.floor(now)
            if window >= limit:
                wait = oldest + WINDOW_S - now
                decision = RateDecision(False, limit, 0, max(1, math.ceil(wait)), wait)
                return Admission(decision, refusal=rate_limited(decision.retry_after_s, limit))
            first = oldest if oldest is not None else second
            admission = Admission(RateDecision(True, limit, limit - window - 1, 0, first + WINDOW_S - now))
            if hold:
                cap, trial = product.monthly_cap, principal.key.trial_usage_limit
                if cap is not None and period_ok + held >= cap:
                    admission.refusal = monthly_cap_reached(cap)
                elif trial is not None and lifetime_ok + held >= trial:
                    admission.refusal = trial_allowance_used(trial)
                elif held >= product.max_concurrent:
                    admission.refusal = concurrency_refused(product.max_concurrent)
                else:
                    admission.lease_id = "lease_" + secrets.token_hex(12)
                    admission.reserved = admission.acquired = True
            params.update(
                second=second,
                now=now,
                lease=admission.lease_id,
                until=now + self._lease_s,
                hold=admission.lease_id is not None,
            )
            conn.execute(_WRITE, params)
        return admission

    async def record(
        self, admission: Admission, principal: Principal, endpoint: str, ok: bool, usage: UsageRecord, moment: datetime
    ) -> None:
        lease_id, admission.lease_id = admission.lease_id, None
        admission.reserved = admission.acquired = False
        try:
            await anyio.to_thread.run_sync(
                self._store.record_usage, principal.key.id, endpoint, ok, usage, moment, lease_id
            )
        finally:
            if lease_id is not None:
                self._live.discard(lease_id)  # not renewed any more: it expires if the delete failed

    def release(self, admission: Admission, principal: Principal) -> None:
        pass  # the lease ended with the usage write (`record`)

    def in_flight(self, key_id: str) -> int:
        with self._database.connection() as conn:
            row = conn.execute(_IN_FLIGHT, (key_id,)).fetchone()
        return int(row[0]) if row else 0

    async def renew_leases(self) -> None:
        """Run for the life of the server: keep this process's running leases alive."""
        while True:
            await anyio.sleep(self._lease_s / 3)
            live = list(self._live)
            if not live:
                continue
            try:
                await anyio.to_thread.run_sync(self._renew, live)
            except StoreUnavailable as exc:  # the next round tries again; past lease_s they lapse
                log.warning("shared limits: could not renew %d lease(s): %s", len(live), exc)

    def _renew(self, lease_ids: list[str]) -> None:
        with self._database.connection() as conn:
            conn.execute(_RENEW, (self._lease_s, lease_ids))
