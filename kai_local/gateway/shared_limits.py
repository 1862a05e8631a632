"""Per-key limits counted in PostgreSQL: exact across every gateway process and host that
shares the store.

One admission is one call of a server-side function (`kai_admit_v1`: one round trip, its own
transaction):
1. `pg_advisory_xact_lock` on the key serialises admissions of the same key everywhere (keys do
   not wait on each other);
2. it reads the database clock, the key's admissions in the last 60 one-second buckets, its
   live leases, and (for a POST) its successful requests this month and ever;
3. it counts the admission in its second's bucket, deletes stale buckets and expired leases, and
   for an admitted POST inserts a lease.
A lease is one row per running POST: its concurrency slot and its pending place under the
monthly cap and trial allowance. The usage write deletes it in the same transaction, so a cap
check sees a request pending or counted, never both or neither. A lease expires `lease_s` after
its last renewal; this process renews its leases every third of that while they run, so a
process killed while holding slots gives them back within `lease_s`.

Times are the database's clock, so hosts with skewed clocks still share one window.
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import datetime

import anyio

from kai_local.gateway.admission import Admission
from kai_local.gateway.auth import Principal
from kai_local.gateway.caps import monthly_cap_reached, trial_allowance_used
from kai_local.gateway.database import AsyncPostgres, PostgresDatabase, StoreUnavailable
from kai_local.gateway.limits import RateDecision, concurrency_refused, rate_limited
from kai_local.gateway.store import Store
from kai_local.gateway.usage import UsageRecord, period_of, utc_now

log = logging.getLogger("kai_local.limits")

WINDOW_S = 60

# The admission, as one server-side function: one round trip, atomic. Every gateway creates (or
# replaces) it at start-up; its name carries its version, so gateways of two releases sharing a
# store each call their own. Each statement of a VOLATILE PL/pgSQL function takes a fresh
# snapshot (READ COMMITTED): everything after the lock sees what the previous holder committed.
_CREATE_ADMIT = """
CREATE OR REPLACE FUNCTION kai_admit_v1(
    p_key TEXT, p_period TEXT, p_rate_limit BIGINT, p_hold BOOLEAN, p_max_concurrent BIGINT,
    p_monthly_cap BIGINT, p_trial_limit BIGINT, p_lease TEXT, p_lease_s DOUBLE PRECISION
) RETURNS TABLE (outcome TEXT, now_s DOUBLE PRECISION, in_window BIGINT, oldest BIGINT)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    v_now DOUBLE PRECISION;
    v_second BIGINT;
    v_window BIGINT;
    v_oldest BIGINT;
    v_held BIGINT;
    v_ok BIGINT;
    v_outcome TEXT := 'admitted';
BEGIN
    -- An admission is not worth a disk flush: after an OS crash a window restarts a little early.
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM pg_advisory_xact_lock(hashtextextended(p_key, 0));
    v_now := extract(epoch FROM clock_timestamp());
    v_second := floor(v_now)::BIGINT;
    SELECT COALESCE(SUM(admitted), 0), MIN(second) INTO v_window, v_oldest
        FROM rate_buckets WHERE key_id = p_key AND second > v_second - 60;
    IF v_window >= p_rate_limit THEN
        RETURN QUERY SELECT 'rate_limit_exceeded'::TEXT, v_now, v_window, v_oldest;
        RETURN;
    END IF;
    INSERT INTO rate_buckets (key_id, second, admitted) VALUES (p_key, v_second, 1)
        ON CONFLICT (key_id, second) DO UPDATE SET admitted = rate_buckets.admitted + 1;
    DELETE FROM rate_buckets WHERE key_id = p_key AND second <= v_second - 60;
    IF p_hold THEN
        DELETE FROM limit_leases WHERE key_id = p_key AND expires_at <= v_now;
        SELECT count(*) INTO v_held FROM limit_leases WHERE key_id = p_key;
        IF p_monthly_cap IS NOT NULL THEN
            SELECT COALESCE(SUM(ok), 0) INTO v_ok FROM usage_monthly WHERE key_id = p_key AND period = p_period;
            IF v_ok + v_held >= p_monthly_cap THEN
                v_outcome := 'monthly_cap_exceeded';
            END IF;
        END IF;
        IF v_outcome = 'admitted' AND p_trial_limit IS NOT NULL THEN
            SELECT COALESCE(SUM(ok), 0) INTO v_ok FROM usage_monthly WHERE key_id = p_key;
            IF v_ok + v_held >= p_trial_limit THEN
                v_outcome := 'trial_usage_limit_exceeded';
            END IF;
        END IF;
        IF v_outcome = 'admitted' AND v_held >= p_max_concurrent THEN
            v_outcome := 'concurrency_limit_exceeded';
        END IF;
        IF v_outcome = 'admitted' THEN
            INSERT INTO limit_leases (id, key_id, expires_at) VALUES (p_lease, p_key, v_now + p_lease_s);
        END IF;
    END IF;
    RETURN QUERY SELECT v_outcome, v_now, v_window + 1, COALESCE(v_oldest, v_second);
END
$fn$
"""
_ADMIT = "SELECT * FROM kai_admit_v1(%s, %s, %s, %s, %s, %s, %s, %s, %s)"

_RENEW = "UPDATE limit_leases SET expires_at = extract(epoch FROM clock_timestamp())::float8 + %s WHERE id = ANY(%s)"
_IN_FLIGHT = (
    "SELECT count(*) FROM limit_leases WHERE key_id = %s AND expires_at > extract(epoch FROM clock_timestamp())"
)


class SharedLimits:
    """`open` before serving (the lifespan does), `close` after."""

    def __init__(self, store: Store, lease_s: float) -> None:
        if not isinstance(store.database, PostgresDatabase):
            raise TypeError("SharedLimits needs a PostgreSQL store")
        self._store = store
        self._database = store.database
        self._async = AsyncPostgres(store.database)
        self._lease_s = lease_s
        self._live: set[str] = set()  # this process's leases, renewed while they run
        with self._database.transaction() as db:
            self._database.lock_for_migrations(db)  # two gateways starting at once
            db.execute(_CREATE_ADMIT)

    async def open(self) -> None:
        await self._async.open()

    async def close(self) -> None:
        await self._async.close()

    def seed(self, principal: Principal, period: str, period_ok: int, lifetime_ok: int) -> None:
        pass  # every check reads the store

    async def admit(self, principal: Principal, hold: bool) -> Admission:
        product, key = principal.product, principal.key
        limit = product.rate_limit_per_minute
        lease = "lease_" + secrets.token_hex(12) if hold else None
        arguments = (
            key.id,
            period_of(utc_now()),
            limit,
            hold,
            product.max_concurrent,
            product.monthly_cap,
            key.trial_usage_limit,
            lease,
            self._lease_s,
        )
        async with self._async.connection() as conn:
            row = await (await conn.execute(_ADMIT, arguments)).fetchone()
        assert row is not None
        outcome, now, in_window, oldest = row
        if outcome == "rate_limit_exceeded":
            wait = oldest + WINDOW_S - now
            decision = RateDecision(False, limit, 0, max(1, math.ceil(wait)), wait)
            return Admission(decision, refusal=rate_limited(decision.retry_after_s, limit))
        admission = Admission(RateDecision(True, limit, max(0, limit - in_window), 0, oldest + WINDOW_S - now))
        if outcome == "monthly_cap_exceeded":
            admission.refusal = monthly_cap_reached(product.monthly_cap or 0)
        elif outcome == "trial_usage_limit_exceeded":
            admission.refusal = trial_allowance_used(key.trial_usage_limit or 0)
        elif outcome == "concurrency_limit_exceeded":
            admission.refusal = concurrency_refused(product.max_concurrent)
        elif lease is not None:
            admission.lease_id = lease
            admission.reserved = admission.acquired = True
            self._live.add(lease)
        return admission

    async def record(
        self, admission: Admission, principal: Principal, endpoint: str, ok: bool, usage: UsageRecord, moment: datetime
    ) -> None:
        lease_id, admission.lease_id = admission.lease_id, None
        admission.reserved = admission.acquired = False
        try:
            statements = self._store.usage_statements(principal.key.id, endpoint, ok, usage, moment, lease_id)
            await self._async.write_batch(statements, flush=False)
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
                async with self._async.connection() as conn:
                    await conn.execute(_RENEW, (self._lease_s, live))
            except StoreUnavailable as exc:  # the next round tries again; past lease_s they lapse
                log.warning("shared limits: could not renew %d lease(s): %s", len(live), exc)
