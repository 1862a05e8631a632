"""Numbered schema migrations: plain, portable SQL (SQLite now, PostgreSQL-compatible).

Append new steps; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE products (
            name TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            usage_label TEXT NOT NULL,
            rate_limit_per_minute INTEGER NOT NULL,
            max_concurrent INTEGER NOT NULL,
            monthly_cap INTEGER NULL,
            max_file_size BIGINT NOT NULL,
            endpoints TEXT NOT NULL,
            models TEXT NOT NULL,
            default_chat_model TEXT NULL,
            default_transcription_model TEXT NULL,
            addons TEXT NOT NULL,
            features TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            digest TEXT NOT NULL UNIQUE,
            product TEXT NOT NULL REFERENCES products(name),
            status TEXT NOT NULL,
            is_free INTEGER NOT NULL,
            trial_ends_at TEXT NULL,
            trial_usage_limit INTEGER NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT NULL
        );
        -- Monthly aggregates, one row per (key, period, endpoint, model): bounded, never a log.
        CREATE TABLE usage_monthly (
            key_id TEXT NOT NULL REFERENCES api_keys(id),
            period TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            model TEXT NOT NULL,
            requests BIGINT NOT NULL DEFAULT 0,
            ok BIGINT NOT NULL DEFAULT 0,
            errors BIGINT NOT NULL DEFAULT 0,
            tokens_in BIGINT NOT NULL DEFAULT 0,
            tokens_out BIGINT NOT NULL DEFAULT 0,
            audio_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
            PRIMARY KEY (key_id, period, endpoint, model)
        );
        """,
    ),
    (
        2,
        """
        -- Bumped by every change to products or keys, so a running server can drop its
        -- cached key lookups when the CLI (another process) changes them.
        CREATE TABLE config_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
        INSERT INTO config_version (id, version) VALUES (1, 0);
        """,
    ),
    (
        3,
        """
        -- Limits shared by every gateway process on one PostgreSQL store (gateway/shared_limits.py;
        -- a SQLite store keeps them in its one process's memory and leaves these empty).
        -- Admissions per key and second of the last minute: the sliding window of requests per
        -- minute, at most 60 rows a key however high its limit.
        CREATE TABLE rate_buckets (
            key_id TEXT NOT NULL,
            second BIGINT NOT NULL,
            admitted BIGINT NOT NULL,
            PRIMARY KEY (key_id, second)
        );
        -- One row per admitted POST still running: its concurrency slot, and its pending place
        -- under the monthly cap. A lease a dead process left behind stops counting at expires_at.
        CREATE TABLE limit_leases (
            id TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX limit_leases_by_key ON limit_leases (key_id, expires_at);
        """,
    ),
    (
        4,
        """
        -- The operator's note on a key (kai-local keys create --label), and products deleted
        -- while revoked keys (and their usage history) still name them.
        ALTER TABLE api_keys ADD COLUMN label TEXT NULL;
        ALTER TABLE products ADD COLUMN deleted_at TEXT NULL
        """,
    ),
]
