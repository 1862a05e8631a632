"""The two databases the store runs on, behind one small interface: SQLite (one host, the
default) and PostgreSQL (several gateway processes or hosts sharing keys, usage and limits).

The store writes its SQL once, with `?` placeholders and portable statements; PostgreSQL gets
the same text with `%s`. A transaction is `with database.transaction() as db: db.execute(...)`.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from kai_local.errors import ServiceUnavailable

Row = tuple[Any, ...]
log = logging.getLogger("kai_local.store")


class StoreUnavailable(ServiceUnavailable):
    """The database did not answer (a PostgreSQL server down or unreachable): 503, retry."""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> list[Row]: ...


class Transaction(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...


class Database(Protocol):
    kind: str  # "sqlite" or "postgresql"
    where: str  # for people: the file, or the server and database (never the password)

    def transaction(self, flush: bool = True) -> Any:
        """A context manager giving a `Transaction`: committed on exit, rolled back on error.
        `flush=False`: the commit need not wait for the disk; the transaction then survives a
        crash of any process but may be lost in a crash of the operating system (SQLite's WAL
        with synchronous=NORMAL gives every transaction that guarantee)."""
        ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def write_batch(self, statements: Sequence[tuple[str, Sequence[Any]]], flush: bool = True) -> None:
        """Write statements (no results) as one transaction: on PostgreSQL in one round trip."""
        ...

    def lock_for_migrations(self, db: Transaction) -> None:
        """Serialise stores that migrate the same database at once (inside the transaction)."""
        ...

    def close(self) -> None: ...


def open_database(url: str) -> Database:
    """`sqlite:///ABSOLUTE/PATH` or `postgresql://USER:PASS@HOST:PORT/DB` (libpq's URL, with
    any of its parameters, e.g. `?sslmode=verify-full`)."""
    scheme = url.partition(":")[0].lower()
    if scheme == "sqlite":
        return SqliteDatabase(SqliteDatabase.path_of(url))
    if scheme in ("postgresql", "postgres"):
        return PostgresDatabase(url)
    raise ValueError(f"The store URL must start with sqlite:/// or postgresql://, not {redacted_url(url)!r}")


def redacted_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


# -- SQLite --------------------------------------------------------------------------------


def _owner_only(path: Path, mode: int) -> None:
    """Take group and other permissions off `path` (made before this version, or by a plain
    mkdir elsewhere); one that is not ours is left to its owner."""
    info = path.stat()
    current = stat.S_IMODE(info.st_mode)
    if current & 0o077 and info.st_uid == os.getuid():
        os.chmod(path, mode)
        log.info("%s was open to other users (mode %o); it is now %o", path, current, mode)


def _private_file(path: Path) -> None:
    """The data dir 0700 and the database file 0600, before SQLite opens it: SQLite gives its
    -wal and -shm files the database file's mode. The file holds key digests and usage."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path.parent, 0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            _owner_only(part, 0o600)


def give_to_owner_of(reference: Path, *paths: Path) -> None:
    """Run as root on a store that belongs to a service user (`sudo kai-local keys create`),
    the files SQLite or this program made beside it are given to that user, so the service can
    still open them."""
    if os.geteuid() != 0 or not reference.exists():
        return
    owner = reference.stat()
    for path in paths:
        if path.exists() and (path.stat().st_uid, path.stat().st_gid) != (owner.st_uid, owner.st_gid):
            os.chown(path, owner.st_uid, owner.st_gid)


class SqliteDatabase:
    """WAL mode; two connections, one for reads and one for writes, each behind its own lock,
    so reads never wait on a write (WAL readers see the last committed state). WAL with
    synchronous=NORMAL keeps every committed transaction across a process crash (`kill -9`)."""

    kind = "sqlite"

    @staticmethod
    def path_of(url: str) -> Path:
        """sqlite:///var/lib/x.sqlite3 and SQLAlchemy's sqlite:////var/lib/x.sqlite3 alike: an
        absolute path (a relative one would depend on where the command happens to run)."""
        path = "/" + url[len("sqlite://") :].lstrip("/")
        if not url.startswith("sqlite:///") or len(path) < 2:
            raise ValueError(f"A SQLite store URL is sqlite:///ABSOLUTE/PATH, not {url!r}")
        return Path(path)

    def __init__(self, path: Path) -> None:
        _private_file(path)
        self.path = path
        self.where = str(path)
        self._write = self._connect()
        self._read = self._connect()
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @contextmanager
    def transaction(self, flush: bool = True) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock at once: two processes never both read-then-write.
        with self._write_lock:
            self._write.execute("BEGIN IMMEDIATE")
            try:
                yield self._write
            except BaseException:
                self._write.execute("ROLLBACK")
                raise
            self._write.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._read_lock:
            return self._read.execute(sql, tuple(params)).fetchall()

    def write_batch(self, statements: Sequence[tuple[str, Sequence[Any]]], flush: bool = True) -> None:
        with self.transaction(flush) as db:
            for sql, params in statements:
                db.execute(sql, tuple(params))

    def lock_for_migrations(self, db: Transaction) -> None:
        pass  # BEGIN IMMEDIATE already holds the database's write lock

    def close(self) -> None:
        self._write.close()
        self._read.close()
        wal, shm = (self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm"))
        give_to_owner_of(self.path.parent, self.path, wal, shm)


# -- PostgreSQL ----------------------------------------------------------------------------


_translated: dict[str, str] = {}


def _pg_sql(sql: str) -> str:
    """The store's `?` placeholders as psycopg's `%s`, translated once per statement text."""
    text = _translated.get(sql)
    if text is None:
        text = _translated[sql] = sql.replace("?", "%s")
    return text


class _PgTransaction:
    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self._conn.execute(_pg_sql(sql), tuple(params) or None)  # None: no % parsing
        return cursor


def _unreachable(where: str, exc: Exception) -> StoreUnavailable:
    log.warning("the PostgreSQL store %s failed: %s", where, exc)
    return StoreUnavailable(
        "The gateway cannot reach its store (PostgreSQL) right now; try again shortly.",
        code="store_unavailable",
        headers={"Retry-After": "1"},
    )


def _batch_script(statements: Sequence[tuple[str, Sequence[Any]]], flush: bool) -> tuple[str, list[Any]]:
    """Statements as one simple-protocol query (parameters bound by psycopg on the client):
    PostgreSQL runs them as one implicit transaction, in one round trip."""
    script = [] if flush else ["SET LOCAL synchronous_commit = off"]
    values: list[Any] = []
    for sql, params in statements:
        script.append(_pg_sql(sql))
        values.extend(params)
    return "; ".join(script), values


# Both pools (the store's and the shared limits'): autocommit connections, and a request waits
# at most 5 s for one (the server down, or every connection busy).
_POOL_OPTIONS: dict[str, Any] = {"min_size": 1, "max_size": 8, "kwargs": {"autocommit": True}, "timeout": 5.0}


class PostgresDatabase:
    """A pool of connections (psycopg 3, psycopg_pool) for the store's synchronous methods (the
    CLI, and the server through worker threads); `AsyncPostgres` is the same database on the
    event loop, for what runs on every request."""

    kind = "postgresql"
    _MIGRATION_LOCK = 7_415_001  # pg_advisory_xact_lock key: "kai-local migrations"

    def __init__(self, url: str) -> None:
        self.url = url  # with its password: never logged, never shown (`where` is for that)
        self.where = redacted_url(url)
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            open=False,
            name="kai-local-store",
            **_POOL_OPTIONS,
            # Off the per-request path (the CLI, key lookups, the config version every 0.5 s):
            # worth a check per checkout, so a database restart costs no request an error.
            check=ConnectionPool.check_connection,
        )
        try:
            self._pool.open(wait=True, timeout=15.0)
        except Exception as exc:
            self._pool.close()
            raise ValueError(f"Cannot connect to the PostgreSQL store {self.where}: {exc}") from None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Row]]:
        """A pooled psycopg connection (autocommit); a server that cannot be reached is a 503."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:  # connection lost, server down, pool timeout
            raise _unreachable(self.where, exc) from exc

    @contextmanager
    def transaction(self, flush: bool = True) -> Iterator[_PgTransaction]:
        with self.connection() as conn, conn.transaction():
            if not flush:
                conn.execute("SET LOCAL synchronous_commit = off")
            yield _PgTransaction(conn)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.connection() as conn:
            rows: list[Row] = _PgTransaction(conn).execute(sql, params).fetchall()
            return rows

    def write_batch(self, statements: Sequence[tuple[str, Sequence[Any]]], flush: bool = True) -> None:
        script, values = _batch_script(statements, flush)
        with self.connection() as conn:
            psycopg.ClientCursor(conn).execute(script, values)

    def lock_for_migrations(self, db: Transaction) -> None:
        db.execute("SELECT pg_advisory_xact_lock(?)", (self._MIGRATION_LOCK,))

    def close(self) -> None:
        self._pool.close()


class AsyncPostgres:
    """The store's PostgreSQL database on the event loop (psycopg's async pool): no thread hop,
    half the CPU of a pooled call from a worker thread. `open` before use, `close` after."""

    def __init__(self, database: PostgresDatabase) -> None:
        self.where = database.where
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Row]] = AsyncConnectionPool(
            database.url,
            open=False,
            name="kai-local-limits",
            **_POOL_OPTIONS,
        )

    async def open(self) -> None:
        await self._pool.open(wait=True, timeout=15.0)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Row]]:
        try:
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:
            raise _unreachable(self.where, exc) from exc

    async def write_batch(self, statements: Sequence[tuple[str, Sequence[Any]]], flush: bool = True) -> None:
        script, values = _batch_script(statements, flush)
        async with self.connection() as conn:
            await psycopg.AsyncClientCursor(conn).execute(script, values)
