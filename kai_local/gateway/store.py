"""The durable store: products, keys and monthly usage aggregates, in SQLite or PostgreSQL
(kai_local.gateway.database), with the same SQL and the same numbered migrations on both.

Methods are synchronous and short; async callers run them through `anyio.to_thread`. It holds
key digests and every key's usage: a SQLite file and its folder are for their owner only.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kai_local.errors import InvalidRequest, NotFound
from kai_local.gateway.database import Database, Transaction, open_database
from kai_local.gateway.keys import ApiKey, key_digest, new_key, new_key_id
from kai_local.gateway.migrations import MIGRATIONS
from kai_local.gateway.products import DEFAULT_PRODUCT, ENDPOINTS, Product
from kai_local.gateway.usage import UsageRecord, UsageTotals, period_of, utc_now

_PRODUCT_COLUMNS = (
    "name, label, usage_label, rate_limit_per_minute, max_concurrent, monthly_cap, "
    "max_file_size, endpoints, models, default_chat_model, default_transcription_model, "
    "addons, features"
)
_KEY_COLUMNS = "id, product, status, is_free, created_at, trial_ends_at, trial_usage_limit, label"


@dataclass(frozen=True)
class KeyRecord:
    """What authentication needs about a key in one read: the key, its product, its usage."""

    key: ApiKey
    product: Product
    period_ok: int
    lifetime_ok: int


def _join(values: tuple[str, ...]) -> str:
    return ",".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _ts(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _product(row: tuple[Any, ...]) -> Product:
    return Product(
        name=row[0],
        label=row[1],
        usage_label=row[2],
        rate_limit_per_minute=row[3],
        max_concurrent=row[4],
        monthly_cap=row[5],
        max_file_size=row[6],
        endpoints=_split(row[7]),
        models=_split(row[8]),
        default_chat_model=row[9],
        default_transcription_model=row[10],
        addons=_split(row[11]),
        features=_split(row[12]),
    )


def _api_key(row: tuple[Any, ...]) -> ApiKey:
    return ApiKey(
        id=row[0],
        product=row[1],
        status=row[2],
        is_free=bool(row[3]),
        created_at=datetime.fromisoformat(row[4]),
        trial_ends_at=_dt(row[5]),
        trial_usage_limit=row[6],
        label=row[7],
    )


class Store:
    """Products, keys and usage on a `Database` (SQLite or PostgreSQL), migrated on open."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # Products/keys changed through this Store object (the cache sees those at once).
        self.local_changes = 0
        self._migrate()
        self._ensure_default_product()

    @classmethod
    def at(cls, location: str | Path) -> Store:
        """The store at a URL (`sqlite:///PATH`, `postgresql://...`) or a SQLite file path."""
        url = str(location)
        if "://" not in url:
            url = f"sqlite:///{Path(location).resolve()}"
        return cls(open_database(url))

    @property
    def kind(self) -> str:
        return self.database.kind

    def close(self) -> None:
        self.database.close()

    # -- transactions --------------------------------------------------------------------

    def _transaction(self, flush: bool = True) -> AbstractContextManager[Transaction]:
        tx: AbstractContextManager[Transaction] = self.database.transaction(flush)
        return tx

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.database.query(sql, params)

    # -- schema --------------------------------------------------------------------------

    def _migrate(self) -> None:
        # Serialised: a CLI and servers may open the same store at once.
        with self._transaction() as db:
            self.database.lock_for_migrations(db)
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
            for version, script in MIGRATIONS:
                if version in done:
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    (version, utc_now().isoformat()),
                )

    def schema_version(self) -> int:
        rows = self._query("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    def _ensure_default_product(self) -> None:
        """First start: one product with every endpoint, so the quick start works."""
        with self._transaction() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM products").fetchone() or (0,)
            if count:
                return
            self._insert_product(db, Product(name=DEFAULT_PRODUCT, label="Default"))

    # -- products ------------------------------------------------------------------------

    def _bump_config_version(self, db: Transaction) -> None:
        db.execute("UPDATE config_version SET version = version + 1 WHERE id = 1")
        self.local_changes += 1

    def config_version(self) -> int:
        """Changes whenever a product or key changes, in any process."""
        return int(self._query("SELECT version FROM config_version WHERE id = 1")[0][0])

    def _insert_product(self, db: Transaction, product: Product) -> None:
        self._bump_config_version(db)
        db.execute(
            f"INSERT INTO products ({_PRODUCT_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self._product_values(product) + (utc_now().isoformat(),),
        )

    @staticmethod
    def _product_values(product: Product) -> tuple[Any, ...]:
        return (
            product.name,
            product.label,
            product.usage_label,
            product.rate_limit_per_minute,
            product.max_concurrent,
            product.monthly_cap,
            product.max_file_size,
            _join(product.endpoints),
            _join(product.models),
            product.default_chat_model,
            product.default_transcription_model,
            _join(product.addons),
            _join(product.features),
        )

    def create_product(self, product: Product) -> Product:
        with self._transaction() as db:
            exists = db.execute("SELECT deleted_at FROM products WHERE name = ?", (product.name,)).fetchone()
            if exists and exists[0]:
                raise InvalidRequest(
                    f"Product '{product.name}' was deleted, and the usage history of its revoked keys "
                    "still names it; choose another name",
                    param="name",
                )
            if exists:
                raise InvalidRequest(f"Product '{product.name}' already exists", param="name")
            self._insert_product(db, product)
        return product

    def delete_product(self, name: str) -> None:
        """Refused while the product has active keys. With revoked keys (their usage history
        names it) it is only marked deleted; without any, its row goes."""
        with self._transaction() as db:
            exists = db.execute("SELECT 1 FROM products WHERE name = ? AND deleted_at IS NULL", (name,)).fetchone()
            if not exists:
                raise NotFound(f"No product named '{name}'", param="name")
            row = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) "
                "FROM api_keys WHERE product = ?",
                (name,),
            ).fetchone()
            keys, active = (int(row[0]), int(row[1])) if row else (0, 0)
            if active:
                raise InvalidRequest(
                    f"Product '{name}' still has {active} active key(s); revoke them first",
                    param="name",
                    code="product_in_use",
                )
            self._bump_config_version(db)
            if keys:
                db.execute("UPDATE products SET deleted_at = ? WHERE name = ?", (utc_now().isoformat(), name))
            else:
                db.execute("DELETE FROM products WHERE name = ?", (name,))

    def update_product(self, product: Product) -> Product:
        values = self._product_values(product)
        assignments = ", ".join(f"{col.strip()} = ?" for col in _PRODUCT_COLUMNS.split(",")[1:])
        with self._transaction() as db:
            self._bump_config_version(db)
            cursor = db.execute(
                f"UPDATE products SET {assignments} WHERE name = ? AND deleted_at IS NULL", values[1:] + (values[0],)
            )
            if cursor.rowcount == 0:
                raise NotFound(f"No product named '{product.name}'", param="name")
        return product

    def get_product(self, name: str) -> Product:
        rows = self._query(f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE name = ? AND deleted_at IS NULL", (name,))
        if not rows:
            raise NotFound(f"No product named '{name}'", param="product")
        return _product(rows[0])

    def list_products(self) -> list[Product]:
        rows = self._query(f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE deleted_at IS NULL ORDER BY name")
        return [_product(row) for row in rows]

    # -- keys ----------------------------------------------------------------------------

    def create_key(
        self,
        product: str,
        *,
        trial_days: int | None = None,
        trial_usage_limit: int | None = None,
        is_free: bool = False,
        label: str | None = None,
    ) -> tuple[ApiKey, str]:
        """Returns the stored key and the plain key, which exists only in this return value."""
        self.get_product(product)
        now = utc_now()
        plain = new_key()
        key = ApiKey(
            id=new_key_id(),
            product=product,
            status="active",
            is_free=is_free,
            created_at=now,
            trial_ends_at=now + timedelta(days=trial_days) if trial_days is not None else None,
            trial_usage_limit=trial_usage_limit,
            label=label,
        )
        with self._transaction() as db:
            self._bump_config_version(db)
            db.execute(
                "INSERT INTO api_keys (id, digest, product, status, is_free, trial_ends_at, "
                "trial_usage_limit, created_at, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key.id,
                    key_digest(plain),
                    key.product,
                    key.status,
                    int(key.is_free),
                    _ts(key.trial_ends_at),
                    key.trial_usage_limit,
                    _ts(key.created_at),
                    key.label,
                ),
            )
        return key, plain

    def list_keys(self) -> list[ApiKey]:
        rows = self._query(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id")
        return [_api_key(row) for row in rows]

    def revoke_key(self, key_id: str) -> ApiKey:
        with self._transaction() as db:
            self._bump_config_version(db)
            cursor = db.execute(
                "UPDATE api_keys SET status = 'inactive', revoked_at = ? WHERE id = ?",
                (utc_now().isoformat(), key_id),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"No key with id '{key_id}'", param="id")
        return next(k for k in self.list_keys() if k.id == key_id)

    def find_key(self, plain_key: str, period: str) -> KeyRecord | None:
        """Everything authentication needs, in one read."""
        digest = key_digest(plain_key)
        rows = self._query(
            f"SELECT k.digest, {', '.join('k.' + c.strip() for c in _KEY_COLUMNS.split(','))}, "
            f"{', '.join('p.' + c.strip() for c in _PRODUCT_COLUMNS.split(','))}, "
            "(SELECT COALESCE(SUM(u.ok), 0) FROM usage_monthly u "
            " WHERE u.key_id = k.id AND u.period = ?), "
            "(SELECT COALESCE(SUM(u.ok), 0) FROM usage_monthly u WHERE u.key_id = k.id) "
            "FROM api_keys k JOIN products p ON p.name = k.product WHERE k.digest = ?",
            (period, digest),
        )
        # The index finds the row; the comparison itself is constant-time as well.
        if not rows or not hmac.compare_digest(rows[0][0], digest):
            return None
        row = rows[0]
        n_key = len(_KEY_COLUMNS.split(","))
        n_product = len(_PRODUCT_COLUMNS.split(","))
        key = _api_key(row[1 : 1 + n_key])
        product = _product(row[1 + n_key : 1 + n_key + n_product])
        return KeyRecord(key, product, int(row[-2]), int(row[-1]))

    # -- usage ---------------------------------------------------------------------------

    def record_usage(
        self,
        key_id: str,
        endpoint: str,
        ok: bool,
        usage: UsageRecord,
        moment: datetime,
    ) -> None:
        """Add one request to its key's month (`usage_statements`), without a disk flush of its
        own: kept across a crash of any process, as SQLite's WAL keeps it (an operating-system
        crash may lose the last moment's counts)."""
        self.database.write_batch(self.usage_statements(key_id, endpoint, ok, usage, moment), flush=False)

    @staticmethod
    def usage_statements(
        key_id: str,
        endpoint: str,
        ok: bool,
        usage: UsageRecord,
        moment: datetime,
        lease_id: str | None = None,
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """The writes that add one request to its key's month; with `lease_id`, also the end of
        its shared-limits lease, to run in the same transaction (so a cap check sees it pending
        or counted, never both or neither)."""
        statements: list[tuple[str, tuple[Any, ...]]] = []
        if lease_id is not None:
            statements.append(("DELETE FROM limit_leases WHERE id = ?", (lease_id,)))
        statements.append(
            (
                "INSERT INTO usage_monthly (key_id, period, endpoint, model, requests, ok, "
                "errors, tokens_in, tokens_out, audio_seconds) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key_id, period, endpoint, model) DO UPDATE SET "
                "requests = usage_monthly.requests + 1, "
                "ok = usage_monthly.ok + excluded.ok, "
                "errors = usage_monthly.errors + excluded.errors, "
                "tokens_in = usage_monthly.tokens_in + excluded.tokens_in, "
                "tokens_out = usage_monthly.tokens_out + excluded.tokens_out, "
                "audio_seconds = usage_monthly.audio_seconds + excluded.audio_seconds",
                (
                    key_id,
                    period_of(moment),
                    endpoint,
                    usage.model,
                    int(ok),
                    int(not ok),
                    usage.tokens_in,
                    usage.tokens_out,
                    usage.audio_seconds,
                ),
            )
        )
        return statements

    def usage_totals(self, key_id: str, period: str) -> UsageTotals:
        rows = self._query(
            "SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(ok), 0), COALESCE(SUM(errors), 0), "
            "COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), "
            "COALESCE(SUM(audio_seconds), 0) FROM usage_monthly WHERE key_id = ? AND period = ?",
            (key_id, period),
        )
        r = rows[0]
        return UsageTotals(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), float(r[5]))

    def usage_by_endpoint(self, key_id: str, period: str) -> dict[str, UsageTotals]:
        rows = self._query(
            "SELECT endpoint, SUM(requests), SUM(ok), SUM(errors), SUM(tokens_in), SUM(tokens_out), "
            "SUM(audio_seconds) FROM usage_monthly WHERE key_id = ? AND period = ? GROUP BY endpoint "
            "ORDER BY endpoint",
            (key_id, period),
        )
        return {
            str(r[0]): UsageTotals(int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]), float(r[6])) for r in rows
        }

    def lifetime_ok(self, key_id: str) -> int:
        rows = self._query("SELECT COALESCE(SUM(ok), 0) FROM usage_monthly WHERE key_id = ?", (key_id,))
        return int(rows[0][0])

    def usage_rows(self, key_id: str) -> Iterator[tuple[Any, ...]]:
        yield from self._query(
            "SELECT period, endpoint, model, requests, ok, errors, tokens_in, tokens_out, "
            "audio_seconds FROM usage_monthly WHERE key_id = ? ORDER BY period, endpoint, model",
            (key_id,),
        )


__all__ = ["ENDPOINTS", "KeyRecord", "Store"]
