"""The parse pool's worker processes (kai_local.runtime.isolation): memory, CPU and wall-clock
limits end a job with a 413 and never take the server or the next job with them.

The jobs here are small functions of this module (a worker imports them by name); the pool,
its processes and its limits are the real ones.
"""

from __future__ import annotations

import os
import time

import anyio
import anyio.lowlevel
import pytest

from kai_local.errors import InvalidRequest, KaiError
from kai_local.runtime.isolation import IsolatedPool

pytestmark = pytest.mark.anyio

GIB = 2**30


def allocate(gib: int) -> int:
    return len(bytearray(gib * GIB))


def spin() -> None:
    while True:
        pass


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def pid() -> int:
    return os.getpid()


def refuse() -> None:
    raise InvalidRequest("not a PDF", code="corrupt_file", param="file")


@pytest.fixture
async def pool() -> object:
    pool = IsolatedPool(2, 2, memory_bytes=1 * GIB, cpu_seconds=2, tasks_per_worker=100)
    yield pool
    pool.close()


async def status_of(pool: IsolatedPool, fn: object, *args: object, deadline_s: float = 30) -> tuple[int, str | None]:
    try:
        await pool.run(fn, *args, deadline_s=deadline_s)  # type: ignore[arg-type]
    except KaiError as exc:
        return exc.status, exc.code
    return 200, None


async def test_a_job_past_the_memory_limit_gets_413_and_the_next_job_runs(pool: IsolatedPool) -> None:
    assert await status_of(pool, allocate, 2) == (413, "resource_limit_exceeded")
    assert await pool.run(pid, deadline_s=30) != os.getpid()


@pytest.mark.slow  # a job spins through its 2 s CPU limit (about 3 s)
async def test_a_spinning_job_is_killed_by_its_cpu_limit(pool: IsolatedPool) -> None:
    began = time.monotonic()
    assert await status_of(pool, spin, deadline_s=120) == (413, "resource_limit_exceeded")
    assert time.monotonic() - began < 60  # 2 s of CPU, far below the 120 s deadline
    assert await pool.run(sleep, 0, deadline_s=30) == "slept"


async def test_a_job_past_its_deadline_is_killed_and_its_worker_replaced() -> None:
    pool = IsolatedPool(1, 1, memory_bytes=1 * GIB, cpu_seconds=30)
    try:
        before = await pool.run(pid, deadline_s=30)
        began = time.monotonic()
        assert await status_of(pool, sleep, 600, deadline_s=1) == (413, "parse_timeout")
        assert time.monotonic() - began < 10
        after = await pool.run(pid, deadline_s=30)
        assert after not in (before, os.getpid())
        deadline = time.monotonic() + 5
        while _running(before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(before)
    finally:
        pool.close()


async def test_an_error_of_the_job_itself_comes_back_unchanged(pool: IsolatedPool) -> None:
    assert await status_of(pool, refuse) == (400, "corrupt_file")
    assert await pool.run(sleep, 0, deadline_s=30) == "slept"


@pytest.mark.slow  # the neighbour's job runs 1.5 s (about 2 s)
async def test_one_killed_job_does_not_take_a_neighbour_with_it(pool: IsolatedPool) -> None:
    results: dict[str, object] = {}

    async def neighbour() -> None:
        results["neighbour"] = await pool.run(sleep, 1.5, deadline_s=30)

    async def bomb() -> None:
        results["bomb"] = await status_of(pool, sleep, 600, deadline_s=0.5)

    async with anyio.create_task_group() as tg:
        tg.start_soon(neighbour)
        tg.start_soon(bomb)
    assert results == {"neighbour": "slept", "bomb": (413, "parse_timeout")}


async def test_past_the_queue_a_job_gets_503_at_once() -> None:
    pool = IsolatedPool(1, 0, memory_bytes=1 * GIB, cpu_seconds=30)
    try:
        codes: list[tuple[int, str | None]] = []

        async def job() -> None:
            codes.append(await status_of(pool, sleep, 1))

        async with anyio.create_task_group() as tg:
            tg.start_soon(job)
            await anyio.sleep(0.2)
            tg.start_soon(job)
        assert sorted(codes) == [(200, None), (503, "server_busy")]
    finally:
        pool.close()


async def test_closing_kills_the_workers_and_answers_503() -> None:
    pool = IsolatedPool(1, 1, memory_bytes=1 * GIB, cpu_seconds=30)
    worker = await pool.run(pid, deadline_s=30)
    codes: list[tuple[int, str | None]] = []

    async def in_flight() -> None:
        codes.append(await status_of(pool, sleep, 600, deadline_s=600))

    began = time.monotonic()
    async with anyio.create_task_group() as tg:
        tg.start_soon(in_flight)
        await anyio.sleep(0.5)
        pool.close()
    assert codes == [(503, "shutting_down")]
    assert time.monotonic() - began < 10
    assert await status_of(pool, pid) == (503, "shutting_down")
    deadline = time.monotonic() + 5
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


def _running(pid_: int) -> bool:
    try:
        with open(f"/proc/{pid_}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def test_a_free_worker_goes_to_the_key_with_fewest_jobs_running() -> None:
    """One key fills the only worker and queues more; another key's job, queued after them,
    runs next."""
    pool = IsolatedPool(1, 10, memory_bytes=1 * GIB, cpu_seconds=30)
    finished: list[str] = []
    try:

        async def job(owner: str, name: str) -> None:
            await pool.run(sleep, 0.3, deadline_s=30, owner=owner)
            finished.append(name)

        async with anyio.create_task_group() as tg:
            tg.start_soon(job, "attacker", "a1")
            await anyio.sleep(0.1)
            tg.start_soon(job, "attacker", "a2")
            tg.start_soon(job, "attacker", "a3")
            await anyio.sleep(0.1)
            tg.start_soon(job, "clinic", "c1")
        assert finished.index("c1") == 1, finished  # right after the job that held the worker
    finally:
        pool.close()


@pytest.mark.slow  # jobs of 1 s queued behind each other (about 2 s)
async def test_one_key_never_holds_every_worker() -> None:
    """With two workers, a key's second job waits while its first runs; another key's job
    takes the second worker at once."""
    pool = IsolatedPool(2, 10, memory_bytes=1 * GIB, cpu_seconds=30)
    started: dict[str, float] = {}
    try:
        began = time.monotonic()

        async def job(owner: str, name: str) -> None:
            started[name] = await pool.run(_now, deadline_s=30, owner=owner) - began
            await anyio.lowlevel.checkpoint()

        async def slow(owner: str, name: str) -> None:
            await pool.run(sleep, 1.0, deadline_s=30, owner=owner)
            started[name] = time.monotonic() - began

        async with anyio.create_task_group() as tg:
            tg.start_soon(slow, "attacker", "a1")
            await anyio.sleep(0.2)
            tg.start_soon(slow, "attacker", "a2")
            await anyio.sleep(0.2)
            tg.start_soon(job, "clinic", "c1")
        assert started["c1"] < 0.9, started  # did not wait for a1 to finish
        assert started["a2"] > 1.9, started  # ran after a1, on the same worker
    finally:
        pool.close()


def _now() -> float:
    return time.monotonic()
