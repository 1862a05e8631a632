"""A bounded pool for blocking CPU work (transcription, OCR, parsing), off the event loop.

At most `workers` jobs run at once; at most `queue_limit` more wait. Past that a request gets
503 `server_busy` at once, so many large uploads cannot pile up and exhaust memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from kai_local.errors import ServiceUnavailable

T = TypeVar("T")


def server_busy(admitted: int) -> ServiceUnavailable:
    """503 for a job past a pool's workers and queue (this pool's and the parse workers')."""
    return ServiceUnavailable(
        f"The server is busy ({admitted} jobs running or queued); retry later",
        code="server_busy",
        headers={"Retry-After": "5"},
    )


class CpuPool:
    def __init__(self, workers: int, queue_limit: int) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self._limiter = anyio.CapacityLimiter(workers)
        self._admitted = 0

    @property
    def admitted(self) -> int:
        return self._admitted

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._admitted >= self.workers + self.queue_limit:
            raise server_busy(self._admitted)
        self._admitted += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self._admitted -= 1
