"""Limits shared through a PostgreSQL store: exact across gateway processes, leases that expire.

The in-process tests run two gateways (two apps, two connection pools) on one database; the
slow test runs three real `kai-local serve` processes on it, as a deployment would.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import anyio
import httpx
import pytest

from kai_local.gateway.auth import Principal
from kai_local.gateway.products import Product
from kai_local.gateway.shared_limits import SharedLimits
from kai_local.gateway.store import Store
from kai_local.gateway.usage import UsageRecord, utc_now
from tests.conftest import echo_settings, running_gateway
from tests.fakes import EchoChatEngine
from tests.postgres import throwaway_cluster
from tests.support import KAI_LOCAL, start_gateway

pytestmark = pytest.mark.anyio


def chat(text: str = "hello", model: str = "echo-1", **extra: object) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": text}], **extra}


async def test_two_gateways_share_one_concurrency_slot(tmp_path: Path, postgres_url: str) -> None:
    EchoChatEngine.reset()
    async with (
        running_gateway(echo_settings(tmp_path / "a", store_url=postgres_url)) as a,
        running_gateway(echo_settings(tmp_path / "b", store_url=postgres_url)) as b,
    ):
        a.create_product("single", max_concurrent=1)
        key = a.create_key("single")
        EchoChatEngine.gate = anyio.Event()
        answers: list[httpx.Response] = []
        async with anyio.create_task_group() as tg:

            async def held() -> None:
                answers.append(await a.http.post("/chat/completions", headers=a.headers(key), json=chat()))

            tg.start_soon(held)
            with anyio.fail_after(10):
                while EchoChatEngine.started < 1:
                    await anyio.sleep(0.01)
            assert b.services.limits.in_flight(b.services.store.list_keys()[-1].id) == 1
            refused = await b.http.post("/chat/completions", headers=b.headers(key), json=chat())
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == "concurrency_limit_exceeded"
            EchoChatEngine.gate.set()
        assert [r.status_code for r in answers] == [200]
        again = await b.http.post("/chat/completions", headers=b.headers(key), json=chat())
        assert again.status_code == 200
    EchoChatEngine.reset()


async def test_two_gateways_share_the_rate_window_and_the_monthly_cap(tmp_path: Path, postgres_url: str) -> None:
    async with (
        running_gateway(echo_settings(tmp_path / "a", store_url=postgres_url)) as a,
        running_gateway(echo_settings(tmp_path / "b", store_url=postgres_url)) as b,
    ):
        a.create_product("ten", rate_limit_per_minute=10, max_concurrent=100)
        a.create_product("capped", monthly_cap=7, max_concurrent=100)
        ten, capped = a.create_key("ten"), a.create_key("capped")
        codes: Counter[object] = Counter()

        async def send(gateway_: object, key: str) -> None:
            gw = a if gateway_ == "a" else b
            response = await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())
            codes[(key, response.status_code, response.json().get("error", {}).get("code"))] += 1

        async with anyio.create_task_group() as tg:
            for i in range(30):
                tg.start_soon(send, "ab"[i % 2], ten)
                tg.start_soon(send, "ab"[i % 2], capped)
        assert codes == {
            (ten, 200, None): 10,
            (ten, 429, "rate_limit_exceeded"): 20,
            (capped, 200, None): 7,
            (capped, 429, "monthly_cap_exceeded"): 23,
        }


def _principal(store: Store, **product: object) -> Principal:
    made = store.create_product(Product(name="p", label="P", **product))  # type: ignore[arg-type]
    key, _ = store.create_key(made.name)
    return Principal(key, made)


async def test_a_lease_outlives_a_dead_process_by_at_most_lease_s_and_is_renewed_while_it_runs(
    postgres_url: str,
) -> None:
    store = Store.at(postgres_url)
    try:
        principal = _principal(store, max_concurrent=1)
        dead = SharedLimits(store, lease_s=1.0)  # admits, then never records: a process killed
        other = SharedLimits(store, lease_s=1.0)
        await dead.open()
        await other.open()
        held = await dead.admit(principal, hold=True)
        assert held.refusal is None and held.lease_id is not None
        refused = await other.admit(principal, hold=True)
        assert refused.refusal is not None and refused.refusal.code == "concurrency_limit_exceeded"
        began = time.monotonic()
        while other.in_flight(principal.key.id):
            await anyio.sleep(0.05)
        assert time.monotonic() - began <= 1.5
        # A living process renews its lease: held well past lease_s, it still counts.
        async with anyio.create_task_group() as tg:
            tg.start_soon(other.renew_leases)
            running = await other.admit(principal, hold=True)
            assert running.refusal is None
            await anyio.sleep(2.5)
            assert other.in_flight(principal.key.id) == 1
            assert (await dead.admit(principal, hold=True)).refusal is not None
            await other.record(running, principal, "chat_completions", True, UsageRecord(model="m"), utc_now())
            assert other.in_flight(principal.key.id) == 0
            tg.cancel_scope.cancel()
        assert store.usage_totals(principal.key.id, running_period()).ok == 1
        await dead.close()
        await other.close()
    finally:
        store.close()


def running_period() -> str:
    now = utc_now()
    return f"{now.year:04d}-{now.month:02d}"


async def test_a_store_that_goes_away_is_a_503_and_comes_back(tmp_path: Path) -> None:
    with throwaway_cluster() as cluster:
        url = cluster.create_database("kai")
        async with running_gateway(echo_settings(tmp_path, store_url=url)) as gw:
            key = gw.create_key()
            assert (await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())).status_code == 200
            cluster.stop()
            down = await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())
            assert down.status_code == 503
            assert down.json()["error"]["code"] == "store_unavailable"
            assert down.headers["retry-after"] == "1"
            cluster.start()
            with anyio.fail_after(30):
                while True:
                    back = await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())
                    if back.status_code == 200:
                        break
                    assert back.status_code == 503
                    await anyio.sleep(0.2)
            assert gw.services.store.usage_totals(gw.services.store.list_keys()[-1].id, running_period()).ok == 2


MODELS_TOML = """
[models."echo-1"]
kind = "chat"
engine = "test-echo"
weights = "{models_dir}"

[models."hold-1"]
kind = "chat"
engine = "test-hold"
weights = "{models_dir}"
"""


def _cli(store_url: str, *args: str) -> str:
    done = subprocess.run(
        [KAI_LOCAL, *args, "--store-url", store_url], check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
async def test_three_gateway_processes_on_one_postgresql_store(tmp_path: Path, postgres_url: str) -> None:
    lease_s = 3.0
    # The operator's commands, unchanged, against the PostgreSQL store.
    for name, options in {
        "streams": ["--max-concurrent", "5"],
        "ten": ["--rate-limit-per-minute", "10", "--max-concurrent", "100"],
        "capped": ["--monthly-cap", "7", "--max-concurrent", "100"],
        "dies": ["--max-concurrent", "2"],
    }.items():
        _cli(postgres_url, "products", "create", name, *options)
    keys = {
        name: _cli(postgres_url, "keys", "create", "--product", name) for name in ("streams", "ten", "capped", "dies")
    }
    models = tmp_path / "models.toml"
    models.write_text(MODELS_TOML)
    env = {"KAI_STORE_URL": postgres_url, "KAI_LIMIT_LEASE_S": str(lease_s), "KAI_PII_PRELOAD": "0"}
    servers = [
        start_gateway(tmp_path / f"data{i}", models, models_dir=tmp_path, env=env, test_engines=True) for i in range(3)
    ]
    release = tmp_path / "release"
    try:
        async with httpx.AsyncClient(timeout=60) as http:

            async def post(i: int, key: str, body: dict[str, object]) -> httpx.Response:
                url = f"{servers[i % 3].url}/api/v1/chat/completions"
                return await http.post(url, headers={"Authorization": f"Bearer {key}"}, json=body)

            # 60 simultaneous streams at max_concurrent=5: exactly 5 admitted, whichever process.
            statuses: Counter[int] = Counter()
            admitted = anyio.Event()
            finished: list[str] = []

            async def stream(i: int) -> None:
                url = f"{servers[i % 3].url}/api/v1/chat/completions"
                body = chat(str(release), model="hold-1", stream=True)
                headers = {"Authorization": f"Bearer {keys['streams']}"}
                async with http.stream("POST", url, headers=headers, json=body) as response:
                    statuses[response.status_code] += 1
                    if sum(statuses.values()) == 60:
                        admitted.set()
                    if response.status_code == 200:
                        finished.append("".join([line async for line in response.aiter_lines()]))
                    else:
                        assert response.status_code == 429
                        await response.aread()
                        assert response.json()["error"]["code"] == "concurrency_limit_exceeded"

            async with anyio.create_task_group() as tg:
                for i in range(60):
                    tg.start_soon(stream, i)
                with anyio.fail_after(60):
                    await admitted.wait()
                assert statuses == {200: 5, 429: 55}
                # Held past the lease: the leases are renewed, the slots still taken everywhere.
                await anyio.sleep(lease_s + 1)
                for i in range(3):
                    late = await post(i, keys["streams"], chat("late"))
                    assert late.status_code == 429, late.text
                release.touch()
            assert len(finished) == 5 and all("done" in text and "[DONE]" in text for text in finished)
            assert (await post(0, keys["streams"], chat("after"))).status_code == 200

            # 30 requests at 10 per minute, and 30 under a monthly cap of 7, spread over the three.
            results: Counter[tuple[str, int]] = Counter()

            async def one(i: int, product: str) -> None:
                results[(product, (await post(i, keys[product], chat("hi"))).status_code)] += 1

            async with anyio.create_task_group() as tg:
                for i in range(30):
                    tg.start_soon(one, i, "ten")
                    tg.start_soon(one, i, "capped")
            assert results == {("ten", 200): 10, ("ten", 429): 20, ("capped", 200): 7, ("capped", 429): 23}

            # kill -9 of a process holding both slots: they come back within the lease.
            holding: list[int] = []
            release.unlink()

            async def hold_on_first() -> None:
                url = f"{servers[0].url}/api/v1/chat/completions"
                body = chat(str(release), model="hold-1", stream=True)
                try:
                    async with http.stream(
                        "POST", url, headers={"Authorization": f"Bearer {keys['dies']}"}, json=body
                    ) as r:
                        assert r.status_code == 200
                        holding.append(1)
                        async for _ in r.aiter_lines():
                            pass
                except httpx.HTTPError:
                    pass  # the server was killed under it

            async with anyio.create_task_group() as tg:
                tg.start_soon(hold_on_first)
                tg.start_soon(hold_on_first)
                with anyio.fail_after(30):
                    while len(holding) < 2:
                        await anyio.sleep(0.05)
                assert (await post(1, keys["dies"], chat("probe"))).status_code == 429
                servers[0].stop(signal.SIGKILL)
                killed = time.monotonic()
                with anyio.fail_after(lease_s + 10):
                    while (await post(1 + int(time.monotonic()) % 2, keys["dies"], chat("probe"))).status_code == 429:
                        await anyio.sleep(0.1)
                back_after = time.monotonic() - killed
            assert back_after <= lease_s + 1.0, back_after
    finally:
        release.touch()
        for server in servers:
            server.stop()
