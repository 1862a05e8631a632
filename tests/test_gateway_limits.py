"""Per-key limits, counted exactly under concurrency."""

from __future__ import annotations

import anyio
import httpx
import openai
import pytest

from kai_local.errors import ServiceUnavailable
from kai_local.gateway.limits import RateLimiter
from kai_local.runtime.gpu import GpuSemaphore
from tests.conftest import Gateway
from tests.fakes import EchoChatEngine

pytestmark = pytest.mark.anyio
# Each gateway test runs on both stores: a SQLite file, and PostgreSQL with shared limits.
STORE_KINDS = ("sqlite", "postgresql")


def chat_body(text: str = "hello world", **extra) -> dict:
    return {"model": "echo-1", "messages": [{"role": "user", "content": text}], **extra}


async def gather(n: int, make) -> list[httpx.Response]:
    results: list[httpx.Response] = [None] * n  # type: ignore[list-item]

    async def one(i: int) -> None:
        results[i] = await make(i)

    async with anyio.create_task_group() as tg:
        for i in range(n):
            tg.start_soon(one, i)
    return results


async def wait_until(predicate, timeout: float = 10.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.01)


async def test_50_simultaneous_posts_at_max_concurrent_1(gateway: Gateway) -> None:
    gateway.create_product("single", max_concurrent=1)
    key = gateway.create_key("single")
    EchoChatEngine.gate = anyio.Event()
    rejected: list[httpx.Response] = []

    async def post(i: int) -> httpx.Response:
        response = await gateway.http.post(
            "/chat/completions", headers=gateway.headers(key), json=chat_body(f"request {i}")
        )
        if response.status_code == 429:
            rejected.append(response)
        return response

    async with anyio.create_task_group() as tg:
        results: list[httpx.Response] = []

        async def run() -> None:
            results.extend(await gather(50, post))

        tg.start_soon(run)
        # The one admitted request holds its slot until the gate opens; the rest come back 429.
        await wait_until(lambda: len(rejected) == 49)
        assert EchoChatEngine.started == 1
        EchoChatEngine.gate.set()

    ok = [r for r in results if r.status_code == 200]
    assert len(ok) == 1 and len(rejected) == 49
    assert {r.json()["error"]["code"] for r in rejected} == {"concurrency_limit_exceeded"}
    assert gateway.services.limits.in_flight(gateway.services.store.list_keys()[-1].id) == 0
    # The slot is free again.
    again = await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat_body())
    assert again.status_code == 200


async def test_50_simultaneous_requests_at_10_per_minute(gateway: Gateway) -> None:
    gateway.create_product("slow", rate_limit_per_minute=10)
    key = gateway.create_key("slow")
    results = await gather(50, lambda i: gateway.http.get("/models", headers=gateway.headers(key)))
    ok = [r for r in results if r.status_code == 200]
    limited = [r for r in results if r.status_code == 429]
    assert len(ok) == 10 and len(limited) == 40
    for r in limited:
        assert r.json()["error"]["code"] == "rate_limit_exceeded"
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.headers["x-ratelimit-limit-requests"] == "10"
        assert r.headers["x-ratelimit-remaining-requests"] == "0"
    assert sorted(int(r.headers["x-ratelimit-remaining-requests"]) for r in ok) == list(range(10))


async def test_sdk_rate_limit_error(gateway: Gateway) -> None:
    gateway.create_product("one-per-minute", rate_limit_per_minute=1)
    client = gateway.openai(gateway.create_key("one-per-minute"))
    await client.chat.completions.create(**chat_body())
    with pytest.raises(openai.RateLimitError) as info:
        await client.chat.completions.create(**chat_body())
    assert info.value.code == "rate_limit_exceeded"


def test_rate_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.admit("k", 2).allowed for _ in range(3)] == [True, True, False]
    now[0] = 59.9
    denied = limiter.admit("k", 2)
    assert not denied.allowed and denied.retry_after_s == 1
    now[0] = 60.0
    assert limiter.admit("k", 2).allowed


async def test_monthly_cap_is_exact_under_concurrency(gateway: Gateway) -> None:
    gateway.create_product("capped", monthly_cap=5, max_concurrent=50)
    key = gateway.create_key("capped")
    results = await gather(
        20, lambda i: gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat_body(f"n {i}"))
    )
    assert sum(r.status_code == 200 for r in results) == 5
    assert {r.json()["error"]["code"] for r in results if r.status_code != 200} == {"monthly_cap_exceeded"}
    usage = (await gateway.http.get("/usage", headers=gateway.headers(key))).json()
    assert (usage["total_ok"], usage["usage_remaining"], usage["monthly_usage_cap"]) == (5, 0, 5)


async def test_failed_requests_do_not_use_up_the_cap(gateway: Gateway) -> None:
    gateway.create_product("capped2", monthly_cap=2)
    key = gateway.create_key("capped2")
    for _ in range(3):
        bad = await gateway.http.post("/chat/completions", headers=gateway.headers(key), json={"messages": []})
        assert bad.status_code == 400
    for _ in range(2):
        assert (
            await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat_body())
        ).status_code == 200
    with pytest.raises(openai.RateLimitError) as info:
        await gateway.openai(key).chat.completions.create(**chat_body())
    assert info.value.code == "monthly_cap_exceeded"


async def test_trial_usage_limit(gateway: Gateway) -> None:
    _, key = gateway.services.store.create_key("default", trial_days=14, trial_usage_limit=3)
    results = await gather(
        10, lambda i: gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat_body())
    )
    assert sum(r.status_code == 200 for r in results) == 3
    assert {r.json()["error"]["code"] for r in results if r.status_code != 200} == {"trial_usage_limit_exceeded"}
    usage = (await gateway.http.get("/usage", headers=gateway.headers(key))).json()
    assert usage["is_trial"] is True and usage["status"] == "active"
    assert (usage["trial_usage_limit"], usage["trial_usage_remaining"]) == ("3", "0")


async def test_slot_released_when_the_handler_fails(gateway: Gateway) -> None:
    gateway.create_product("single2", max_concurrent=1)
    key = gateway.create_key("single2")
    for _ in range(3):  # each failure must give the slot back, or the next is refused with 429
        response = await gateway.http.post(
            "/chat/completions", headers=gateway.headers(key), json=chat_body(model="missing-model")
        )
        assert response.status_code == 404


async def test_slot_released_when_the_client_disconnects_mid_stream(gateway: Gateway) -> None:
    gateway.create_product("single3", max_concurrent=1)
    key = gateway.create_key("single3")
    key_id = gateway.services.store.list_keys()[-1].id
    EchoChatEngine.gate = anyio.Event()
    body = chat_body("one two three four five six", stream=True)

    async def stream_then_vanish() -> None:
        async with gateway.http.stream(
            "POST", "/chat/completions", headers=gateway.headers(key), json=body
        ) as response:
            assert response.status_code == 200
            async for _line in response.aiter_lines():
                break  # read the first event, then hang up

    with anyio.move_on_after(0.5):  # the gate never opens for this request: it hangs in the engine
        async with anyio.create_task_group() as tg:
            tg.start_soon(stream_then_vanish)
            await wait_until(lambda: EchoChatEngine.started == 1)
            await wait_until(lambda: gateway.services.limits.in_flight(key_id) == 1)
            tg.cancel_scope.cancel()  # the client goes away
    await wait_until(lambda: gateway.services.limits.in_flight(key_id) == 0)
    assert EchoChatEngine.aborted == 1
    EchoChatEngine.gate.set()
    again = await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat_body())
    assert again.status_code == 200


async def test_gpu_semaphore_bounds_and_times_out() -> None:
    gpu = GpuSemaphore(slots_per_device=2, wait_timeout_s=0.2)
    async with gpu.slot("cuda:0"), gpu.slot("cuda:0"):
        assert gpu.available("cuda:0") == 0
        assert gpu.available("cuda:1") == 2  # devices are independent
        with pytest.raises(ServiceUnavailable) as info:
            async with gpu.slot("cuda:0"):
                pass
        assert info.value.code == "gpu_busy" and info.value.status == 503
    assert gpu.available("cuda:0") == 2
