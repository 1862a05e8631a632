"""Worker processes for parsing untrusted uploads: killable, memory- and CPU-capped.

Every job that parses an uploaded file (text extraction and OCR, metadata stripping, media
decoding) runs here, never in the server process: a decompression bomb, a parser stuck in a
pathological input or a crash in a C library costs one worker, not the server, its engines or
the other requests.

Each worker is a `concurrent.futures.ProcessPoolExecutor` of one process (a *slot*), started by
the `forkserver` method: the server holds threads (uvicorn, engines) that `fork` must not copy,
and the fork server is started once with the parsers already imported, so a new worker costs a
fork, not a Python start. In a worker:
- `RLIMIT_AS` caps its address space (`isolation_memory_bytes`): an allocation past it fails
  with MemoryError (or kills the worker, in C code) -> 413 `resource_limit_exceeded`;
- `RLIMIT_CPU` is re-armed per job (`isolation_cpu_seconds` of CPU from the job's start):
  the kernel's SIGXCPU kills a job that spins -> 413 `resource_limit_exceeded`;
- the job has a wall-clock deadline; past it the worker is killed -> 413 `parse_timeout`.
A killed or crashed worker is replaced by a fresh one for the next job. One slot per job, so
killing a worker never takes another request's job with it. Workers are recycled after
`tasks_per_worker` jobs, so fragmentation or a leak in a parser cannot grow without bound.

Admission works like the thread pool's: at most `workers` jobs run and `queue_limit` wait;
past that, 503 `server_busy` at once. One key (the job's owner) holds at most all workers but
one; a free worker goes to the waiting job whose key has the fewest jobs running and waiting,
then to the earliest. So a client that sends slow uploads back to back cannot make another
key's requests wait behind its own.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
import signal
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import count
from typing import TypeVar

import anyio

from kai_local.errors import KaiError, PayloadTooLarge, ServiceUnavailable
from kai_local.runtime.workpool import server_busy

log = logging.getLogger("kai_local.isolation")
T = TypeVar("T")

# Imported once in the fork server, so every worker starts with them loaded.
PRELOAD = ["kai_local.documents.jobs"]


class ResourceLimitExceeded(PayloadTooLarge):
    """413: a parse job hit its worker's memory or CPU limit."""

    code = "resource_limit_exceeded"


def _shutting_down() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The server is shutting down; retry on another instance", code="shutting_down", headers={"Retry-After": "5"}
    )


def _limit_worker(memory_bytes: int) -> None:
    """Worker initializer: cap the address space; the CPU limit is armed per job."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # The server's SIGTERM handling is the parent's; a worker just dies with it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_capped(cpu_seconds: float, fn: Callable[..., T], *args: object) -> T:
    """Runs in the worker: `fn(*args)` with `cpu_seconds` of CPU time from now."""
    if cpu_seconds > 0:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(used + cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard if hard == resource.RLIM_INFINITY else max(soft, hard)))
    return fn(*args)


class _Slot:
    """One worker process, replaced when it is killed, crashes or has done its jobs."""

    def __init__(self, context: multiprocessing.context.BaseContext, memory_bytes: int, tasks: int) -> None:
        self._context = context
        self._memory_bytes = memory_bytes
        self._tasks = tasks
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=self._context,
            initializer=_limit_worker,
            initargs=(self._memory_bytes,),
            max_tasks_per_child=self._tasks,
        )

    def kill(self) -> None:
        """Kill the worker now (it may be inside a C parser that never checks a flag)."""
        # ProcessPoolExecutor has no public kill before Python 3.14 (`kill_workers`).
        for process in list((getattr(self.executor, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, ValueError):
                pass
        self.executor.shutdown(wait=False, cancel_futures=True)

    def replace(self) -> None:
        self.kill()
        self.executor = self._start()


@dataclass
class _Waiter:
    owner: str
    order: int
    ready: anyio.Event = field(default_factory=anyio.Event)
    slot: _Slot | None = None


class IsolatedPool:
    def __init__(
        self, workers: int, queue_limit: int, *, memory_bytes: int, cpu_seconds: float, tasks_per_worker: int = 50
    ) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self.memory_bytes = memory_bytes
        self.cpu_seconds = cpu_seconds
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self._slots = [_Slot(context, memory_bytes, tasks_per_worker) for _ in range(workers)]
        self._free = list(self._slots)
        self._waiting: list[_Waiter] = []
        self._running: Counter[str] = Counter()
        # One key may hold all workers but one, so another key's upload never waits for a
        # slow one of it to finish.
        self.per_owner = max(1, workers - 1)
        self._arrivals = count()
        self._admitted = 0
        self._closed = False
        self.replaced = 0  # workers killed or crashed (limits, timeouts, cancellations) and replaced

    @property
    def admitted(self) -> int:
        return self._admitted

    async def run(self, fn: Callable[..., T], *args: object, deadline_s: float, owner: str = "") -> T:
        """`fn(*args)` in a worker; `fn` and its arguments and result must pickle. `owner`
        (the API key) decides who gets the next free worker."""
        if self._closed:
            raise _shutting_down()
        if self._admitted >= self.workers + self.queue_limit:
            raise server_busy(self._admitted)
        self._admitted += 1
        try:
            slot = await self._acquire(owner)
            try:
                return await self._run_in(slot, fn, args, deadline_s)
            finally:
                self._release(slot, owner)
        finally:
            self._admitted -= 1

    async def _acquire(self, owner: str) -> _Slot:
        waiter = _Waiter(owner, next(self._arrivals))
        self._waiting.append(waiter)
        self._dispatch()
        try:
            await waiter.ready.wait()
        except BaseException:
            if waiter.slot is not None:  # handed a worker just as it was cancelled: pass it on
                self._release(waiter.slot, owner)
            else:
                self._waiting.remove(waiter)
            raise
        assert waiter.slot is not None
        return waiter.slot

    def _release(self, slot: _Slot, owner: str) -> None:
        self._running[owner] -= 1
        self._free.append(slot)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand free workers to waiting jobs: never more than `per_owner` to one key (one worker
        stays for the others), the key with the fewest jobs running and waiting first."""
        while self._free:
            queued = Counter(w.owner for w in self._waiting)
            eligible = [w for w in self._waiting if self._running[w.owner] < self.per_owner]
            if not eligible:
                return
            waiter = min(eligible, key=lambda w: (self._running[w.owner] + queued[w.owner], w.order))
            self._waiting.remove(waiter)
            self._running[waiter.owner] += 1
            waiter.slot = self._free.pop()
            waiter.ready.set()

    async def _run_in(self, slot: _Slot, fn: Callable[..., T], args: tuple[object, ...], deadline_s: float) -> T:
        future = slot.executor.submit(_run_capped, self.cpu_seconds, fn, *args)
        done = False
        try:
            with anyio.fail_after(deadline_s):
                result = await asyncio.wrap_future(future)
            done = True
            return result
        except TimeoutError:
            raise PayloadTooLarge(
                f"Parsing the file took longer than {deadline_s:.0f} s; the job was stopped",
                code="parse_timeout",
                param="file",
            ) from None
        except BrokenProcessPool:
            if self._closed:
                raise _shutting_down() from None
            log.warning("parse worker died (memory or CPU limit, or a crash); replaced")
            raise ResourceLimitExceeded(
                "Parsing the file exceeded the worker's memory or CPU limit "
                f"({self.memory_bytes // 2**20} MB, {self.cpu_seconds:.0f} s of CPU); the job was stopped",
                param="file",
            ) from None
        except MemoryError:
            raise ResourceLimitExceeded(
                f"Parsing the file needed more than the worker's {self.memory_bytes // 2**20} MB of memory",
                param="file",
            ) from None
        except KaiError:
            done = True  # the job ended normally, with an error of its own
            raise
        finally:
            if not done:
                # Timed out, cancelled (client gone, shutdown), crashed or out of memory: the
                # worker may still be running or be in a bad state; never reuse it.
                if self._closed:
                    slot.kill()
                else:
                    slot.replace()
                    self.replaced += 1

    def close(self) -> None:
        """Kill every worker; jobs in flight end with 503 `shutting_down`."""
        self._closed = True
        for slot in self._slots:
            slot.kill()
