"""Backup and restore of a SQLite store, and the lock that tells restore a server is using it.

A backup uses SQLite's online backup API: a consistent copy, taken while a server keeps writing
(readers and the writer are not stopped). A restore copies a backup over the store the same way,
after checking it, and only while no server holds the store's in-use lock (every app takes it
shared for its lifetime). The store it replaces is kept beside it first. A backup made by an
older kai-local is brought up to date by the migrations when the server next starts; one made
by a newer kai-local is refused (there is no downgrade).

A PostgreSQL store is backed up with PostgreSQL's own tools; the errors say how.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path
from typing import IO
from urllib.parse import quote

from kai_local.errors import InvalidRequest
from kai_local.gateway.database import SqliteDatabase, give_to_owner_of, redacted_url
from kai_local.gateway.migrations import MIGRATIONS
from kai_local.gateway.usage import utc_now


def in_use_lock(database: Path) -> Path:
    return database.with_name(database.name + ".in-use")


def hold_in_use(database: Path) -> IO[bytes]:
    """Mark the store as used by a server (a shared lock, released when the file is closed or
    the process ends, however it ends)."""
    handle = in_use_lock(database).open("ab")
    os.chmod(handle.name, 0o600)
    give_to_owner_of(database, in_use_lock(database))
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _pg_only(url: str, what: str) -> InvalidRequest:
    shown = redacted_url(url)
    command = (
        f"pg_dump --format=custom --file FILE '{shown}'"
        if what == "backup"
        else f"pg_restore --clean --if-exists --dbname '{shown}' FILE  (with every gateway stopped)"
    )
    return InvalidRequest(f"This store is PostgreSQL: {what} it with PostgreSQL's own tools: {command}")


def backup(store_url: str, destination: Path) -> int:
    """Copy the store to `destination` (a new file, owner-only); its size in bytes."""
    if not store_url.startswith("sqlite:"):
        raise _pg_only(store_url, "backup")
    source_path = SqliteDatabase.path_of(store_url)
    if not source_path.exists():
        raise InvalidRequest(f"There is no store at {source_path} to back up")
    if destination.exists():
        raise InvalidRequest(f"{destination} exists; name a new file")
    partial = destination.with_name(destination.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        with _connect(source_path, readonly=True) as source, _connect(partial) as target:
            source.backup(target)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination.stat().st_size


def restore(store_url: str, source_path: Path) -> Path | None:
    """Replace the store by the backup at `source_path`; the path the replaced store was kept
    at (None when there was none)."""
    if not store_url.startswith("sqlite:"):
        raise _pg_only(store_url, "restore")
    target_path = SqliteDatabase.path_of(store_url)
    version = _check_backup(source_path)
    target_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with in_use_lock(target_path).open("ab") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidRequest(
                f"A server is using the store {target_path}; stop it first", code="store_in_use"
            ) from None
        kept = None
        if target_path.exists():
            kept = target_path.with_name(f"{target_path.name}.before-restore-{utc_now():%Y%m%dT%H%M%S}")
            backup(store_url, kept)
        SqliteDatabase(target_path).close()  # creates it owner-only, as the server would
        with _connect(source_path, readonly=True) as source, _connect(target_path) as target:
            source.backup(target)
            found = target.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        assert found == version
    give_to_owner_of(target_path.parent, target_path, in_use_lock(target_path), *([kept] if kept else []))
    return kept


def _check_backup(path: Path) -> int:
    """The backup's schema version, if it is a kai-local store this version can open."""
    if not path.is_file():
        raise InvalidRequest(f"There is no backup file at {path}")
    try:
        with _connect(path, readonly=True) as db:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise InvalidRequest(f"{path} is damaged (SQLite's quick_check failed)")
            version = int(db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0)
    except sqlite3.DatabaseError as exc:
        raise InvalidRequest(f"{path} is not a kai-local store ({exc})") from None
    newest = MIGRATIONS[-1][0]
    if version > newest:
        raise InvalidRequest(
            f"{path} was made by a newer kai-local (schema {version}; this one knows up to {newest}); "
            "upgrade kai-local first, there is no downgrade"
        )
    return version


class _connect:
    """A plain sqlite3 connection as a context manager that closes it (sqlite3's own only
    commits)."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        uri = f"file:{quote(str(path))}" + ("?mode=ro" if readonly else "")
        self._conn = sqlite3.connect(uri, uri=True, timeout=30.0)

    def __enter__(self) -> sqlite3.Connection:
        return self._conn

    def __exit__(self, *exc: object) -> None:
        self._conn.close()
