"""The openai-upstream chat engine against a real vLLM OpenAI server (`python -m
vllm.entrypoints.openai.api_server`, the same SmolLM2 folder) that this module starts on
127.0.0.1 with a small KV cache.

Two upstream URLs reach that one server (127.0.0.1 and localhost), so round robin is visible in
the engine's per-upstream counts; a third URL has nothing listening (failover, health checks).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import anyio
import httpx
import pytest

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import ChatDelta, ChatMessage, ChatRequest, SamplingOptions
from kai_local.engines.chat.upstream import UpstreamChatEngine
from kai_local.errors import ServiceUnavailable
from kai_local.settings import Settings
from tests.conftest import Gateway, prepared_models_dir, running_gateway
from tests.support import free_port, start_server
from tests.test_chat import WORDS, assert_counts_as_it_goes, echo

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

MODEL = "smollm2-pool"
SERVED = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def vllm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real vLLM OpenAI server: its base URL (http://127.0.0.1:PORT)."""
    weights = prepared_models_dir() / SERVED
    if not (weights / "model.safetensors").is_file():
        pytest.fail(f"{weights} is missing: run scripts/setup.sh (kai-local models prepare)")
    port = free_port()
    log = tmp_path_factory.mktemp("upstream") / "vllm.log"
    env = {**os.environ, "VLLM_NO_USAGE_STATS": "1", "DO_NOT_TRACK": "1", "HF_HUB_OFFLINE": "1"}
    command = [
        sys.executable,
        "-m",
        "vllm.entrypoints.openai.api_server",
        "--model",
        str(weights),
        "--served-model-name",
        SERVED,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--dtype",
        "bfloat16",
        "--max-model-len",
        "2048",
        "--enforce-eager",
        "--kv-cache-memory-bytes",
        str(512 << 20),
        "--disable-uvicorn-access-log",
    ]
    try:
        server = start_server(command, port, env=env, log=log, timeout_s=400)
    except RuntimeError as exc:
        pytest.fail(f"vLLM server: {exc}")
    try:
        yield server.url
    finally:
        server.stop(timeout_s=30)


def _models_toml(weights: Path, upstreams: list[str]) -> str:
    listed = ", ".join(f'"{u}"' for u in upstreams)
    return f"""
[models."{MODEL}"]
kind = "chat"
engine = "openai-upstream"
weights = "{weights}"

[models."{MODEL}".engine_args]
upstreams = [{listed}]
upstream_model = "{SERVED}"
health_interval_s = 0.5
"""


@pytest.fixture(scope="module")
async def pool(vllm_server: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    port = vllm_server.rsplit(":", 1)[1]
    upstreams = [f"{vllm_server}/v1", f"http://localhost:{port}/v1", dead]
    folder = tmp_path_factory.mktemp("pool")
    models_file = folder / "models.toml"
    models_file.write_text(_models_toml(prepared_models_dir() / SERVED, upstreams))
    settings = replace(Settings(), data_dir=folder / "data", models_file=models_file)
    async with running_gateway(settings) as gateway:
        gateway.create_product("pool-tests", max_concurrent=16, rate_limit_per_minute=100_000)
        yield gateway


def _engine(gateway: Gateway) -> UpstreamChatEngine:
    return gateway.services.engines[MODEL]


def _running_upstream(vllm_server: str) -> float:
    metrics = httpx.get(vllm_server + "/metrics", timeout=5).text
    found = re.search(r"^vllm:num_requests_running\{[^}]*\} ([0-9.]+)$", metrics, re.MULTILINE)
    assert found, "vLLM exposes vllm:num_requests_running"
    return float(found.group(1))


async def test_round_robin_over_healthy_upstreams_with_the_dead_one_skipped(pool: Gateway) -> None:
    engine = _engine(pool)
    live, other, dead = engine.upstreams
    assert live.healthy and other.healthy and not dead.healthy
    assert live.max_model_len == 2048
    before = [u.served for u in engine.upstreams]
    client = pool.openai(pool.create_key("pool-tests"))
    for word in WORDS[:4]:
        completion = await client.chat.completions.create(
            model=MODEL,
            messages=echo(word),
            temperature=0,
            max_tokens=8,  # type: ignore[arg-type]
        )
        assert completion.choices[0].message.content.strip() == word
        assert completion.model == MODEL
        assert completion.usage.prompt_tokens > 20 and completion.usage.completion_tokens >= 1
    served = [u.served - b for u, b in zip(engine.upstreams, before)]
    assert served == [2, 2, 0]


async def test_stream_and_usage_through_the_upstream(pool: Gateway) -> None:
    key = pool.create_key("pool-tests")
    stream = await pool.openai(key).chat.completions.create(
        model=MODEL,
        messages=echo("violet"),
        temperature=0,
        max_tokens=8,
        stream=True,  # type: ignore[arg-type]
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).strip() == "violet"
    usage = chunks[-1].usage
    assert usage is not None and usage.prompt_tokens > 20
    recorded = (await pool.http.get("/usage", headers=pool.headers(key))).json()
    assert (recorded["total_tokens_in"], recorded["total_tokens_out"]) == (usage.prompt_tokens, usage.completion_tokens)


async def test_the_upstream_engine_counts_as_it_goes(pool: Gateway) -> None:
    await assert_counts_as_it_goes(_engine(pool))  # from vLLM's continuous usage stats


async def test_eight_simultaneous_requests_through_the_pool(pool: Gateway) -> None:
    client = pool.openai(pool.create_key("pool-tests"))

    async def ask(word: str) -> str:
        completion = await client.chat.completions.create(
            model=MODEL,
            messages=echo(word),
            temperature=0,
            max_tokens=8,  # type: ignore[arg-type]
        )
        return completion.choices[0].message.content.strip().lower()

    assert await asyncio.gather(*(ask(w) for w in WORDS)) == WORDS


async def test_sampling_options_are_forwarded(pool: Gateway) -> None:
    client = pool.openai(pool.create_key("pool-tests"))
    prompt = [{"role": "user", "content": "Write a short poem about the sea."}]
    options = {"n": 2, "temperature": 1.0, "seed": 7, "max_tokens": 10}
    first = await client.chat.completions.create(model=MODEL, messages=prompt, **options)  # type: ignore[arg-type]
    again = await client.chat.completions.create(model=MODEL, messages=prompt, **options)  # type: ignore[arg-type]
    assert len(first.choices) == 2
    assert [c.message.content for c in first.choices] == [c.message.content for c in again.choices]
    stopped = await client.chat.completions.create(
        model=MODEL,
        messages=echo("banana"),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=8,
        stop=["na"],
    )
    assert stopped.choices[0].message.content == "ba"
    # Beyond the upstream's context: clamped, as on the in-process engine.
    clamped = await client.chat.completions.create(
        model=MODEL,
        messages=echo("tiger"),  # type: ignore[arg-type]
        temperature=0,
        max_tokens=32768,
    )
    assert clamped.choices[0].message.content.strip() == "tiger"


async def test_prompt_over_the_context_is_context_length_exceeded(pool: Gateway) -> None:
    response = await pool.http.post(
        "/chat/completions",
        headers=pool.headers(pool.create_key("pool-tests")),
        json={"model": MODEL, "messages": [{"role": "user", "content": "sea " * 2100}]},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("context_length_exceeded", "messages")


async def test_failover_when_a_server_marked_healthy_is_down(pool: Gateway) -> None:
    engine = _engine(pool)
    dead = engine.upstreams[2]
    dead.healthy = True  # a stale mark: the server went away since the last check
    client = pool.openai(pool.create_key("pool-tests"))
    for word in WORDS[:3]:  # round robin reaches the dead one within three requests
        completion = await client.chat.completions.create(
            model=MODEL,
            messages=echo(word),
            temperature=0,
            max_tokens=8,  # type: ignore[arg-type]
        )
        assert completion.choices[0].message.content.strip() == word
    assert not dead.healthy and dead.served == 0


async def test_health_checks_bring_a_server_back(pool: Gateway) -> None:
    engine = _engine(pool)
    engine.upstreams[0].healthy = False  # e.g. one failed request
    with anyio.fail_after(10):
        while not engine.upstreams[0].healthy:
            await anyio.sleep(0.1)
    assert not engine.upstreams[2].healthy  # the dead one stays out


async def test_closing_the_stream_aborts_the_request_upstream(pool: Gateway, vllm_server: str) -> None:
    engine = _engine(pool)
    request = ChatRequest(
        "req_abort_test",
        (ChatMessage("user", "Count from 1 to 300."),),
        SamplingOptions(temperature=0, max_tokens=1500, ignore_eos=True),
    )
    events = engine.generate(request)
    deltas = 0
    async for event in events:
        deltas += isinstance(event, ChatDelta)
        if deltas == 5:
            break
    with anyio.fail_after(10):
        while _running_upstream(vllm_server) < 1:  # metrics lag the scheduler a little
            await anyio.sleep(0.2)
    await events.aclose()  # type: ignore[attr-defined]
    # 1500 tokens would keep it busy for half a minute; the abort frees it at once.
    with anyio.fail_after(10):
        while _running_upstream(vllm_server) > 0:
            await anyio.sleep(0.2)


async def test_no_server_up_is_503_upstream_unavailable(tmp_path: Path) -> None:
    spec = ModelSpec(
        id="nowhere",
        kind="chat",
        engine="openai-upstream",
        weights=tmp_path,
        engine_args={"upstreams": [f"http://127.0.0.1:{free_port()}/v1"]},
    )
    engine = UpstreamChatEngine(spec, Settings())
    await engine.start()  # a server that is down does not stop start-up
    try:
        assert not engine.upstreams[0].healthy
        request = ChatRequest("req_x", (ChatMessage("user", "hi"),), SamplingOptions())
        with pytest.raises(ServiceUnavailable) as caught:
            await anext(aiter(engine.generate(request)))
        assert caught.value.code == "upstream_unavailable" and caught.value.status == 503
    finally:
        await engine.close()


@pytest.mark.parametrize(
    "args",
    [{}, {"upstreams": []}, {"upstreams": ["10.0.0.1:8000"]}, {"upstreams": ["http://h/v1"], "upstream_modle": "x"}],
)
def test_bad_engine_args_fail_at_start_up(args: dict, tmp_path: Path) -> None:
    spec = ModelSpec(id="bad", kind="chat", engine="openai-upstream", weights=tmp_path, engine_args=args)
    with pytest.raises(ValueError):
        UpstreamChatEngine(spec, Settings())
