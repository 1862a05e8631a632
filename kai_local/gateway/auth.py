"""Who is calling: the authenticated key and its product."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import anyio.to_thread
from starlette.requests import Request

from kai_local.gateway.keys import ApiKey, key_digest
from kai_local.gateway.products import Product
from kai_local.gateway.store import KeyRecord, Store


@dataclass(frozen=True)
class Principal:
    key: ApiKey
    product: Product


def principal_of(request: Request) -> Principal:
    """The principal the gateway middleware attached to this request."""
    principal: Principal = request.scope["state"]["principal"]
    return principal


class KeyCache:
    """Key lookups held in memory, dropped whenever a product or key changes.

    A change made through this process's store is seen at once; one made by another process
    (the CLI) is noticed through the store's config version, read at most every `recheck_s`
    seconds: a key revoked from the CLI stops working within that time.
    """

    MAX_ENTRIES = 10_000

    def __init__(self, store: Store, recheck_s: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = store
        self._recheck_s = recheck_s
        self._clock = clock
        self._entries: dict[tuple[str, str], KeyRecord] = {}
        self._version = -1
        self._local_changes = -1
        self._checked_at = -float("inf")

    async def find(self, plain_key: str, period: str) -> KeyRecord | None:
        now = self._clock()
        if self._store.local_changes != self._local_changes or now - self._checked_at >= self._recheck_s:
            self._local_changes = self._store.local_changes
            self._checked_at = now
            version = await anyio.to_thread.run_sync(self._store.config_version)
            if version != self._version:
                self._entries.clear()
                self._version = version
        cache_key = (key_digest(plain_key), period)
        record = self._entries.get(cache_key)
        if record is None:
            record = await anyio.to_thread.run_sync(self._store.find_key, plain_key, period)
            if record is not None:
                if len(self._entries) >= self.MAX_ENTRIES:
                    self._entries.clear()
                self._entries[cache_key] = record
        return record
