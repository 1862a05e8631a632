"""/usage and /models against the spec's schemas; durability across restarts and kill -9."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest
import yaml

from kai_local.gateway.store import Store
from tests.conftest import Gateway, echo_settings, running_gateway
from tests.support import SPEC_FILE, start_gateway

pytestmark = pytest.mark.anyio
# Each gateway test runs on both stores: a SQLite file, and PostgreSQL with shared limits.
STORE_KINDS = ("sqlite", "postgresql")

SPEC = yaml.safe_load(SPEC_FILE.read_text())
JSON_TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "array": list,
    "object": dict,
    "number": (int, float),
    "null": type(None),
}


def schema_of(path: str) -> dict:
    return SPEC["paths"][path]["get"]["responses"][200]["content"]["application/json"]["schema"]


def assert_matches(value, schema: dict, where: str = "$") -> None:
    """Each property of the spec present, with one of the spec's types (bool is not an int)."""
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if types:
        ok = any(
            isinstance(value, JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
            for t in types
        )
        assert ok, f"{where}: {value!r} is not {types}"
    for name, sub in schema.get("properties", {}).items():
        assert name in value, f"{where}.{name} missing"
        assert_matches(value[name], sub, f"{where}.{name}")
    if "items" in schema and isinstance(value, list):
        for i, item in enumerate(value):
            assert_matches(item, schema["items"], f"{where}[{i}]")


def chat(text: str = "a b c") -> dict:
    return {"model": "echo-1", "messages": [{"role": "user", "content": text}]}


async def test_models_matches_the_spec(gateway: Gateway) -> None:
    body = (await gateway.http.get("/models", headers=gateway.headers(gateway.create_key()))).json()
    assert_matches(body, schema_of("/api/v1/models"))
    assert body["data"][0]["id"] == "echo-1" and body["data"][0]["created"] > 1_700_000_000


async def test_models_lists_only_the_products_models_with_weights(tmp_path: Path) -> None:
    toml = (
        '[models."echo-1"]\nkind = "chat"\nengine = "test-echo"\nweights = "{models_dir}"\n'
        '[models."echo-2"]\nkind = "chat"\nengine = "test-echo"\nweights = "{models_dir}"\n'
        '[models."absent"]\nkind = "chat"\nengine = "test-echo"\nweights = "/nonexistent/weights"\n'
    )
    async with running_gateway(echo_settings(tmp_path, toml)) as gw:
        all_ids = [m.id for m in (await gw.openai(gw.create_key()).models.list()).data]
        assert all_ids == ["echo-1", "echo-2"]
        gw.create_product("one-model", models=("echo-2",))
        client = gw.openai(gw.create_key("one-model"))
        assert [m.id for m in (await client.models.list()).data] == ["echo-2"]
        reply = await client.chat.completions.create(messages=[{"role": "user", "content": "hi"}], model="")
        assert reply.model == "echo-2"  # "" is the product's default
        response = await gw.http.post(
            "/chat/completions", headers=gw.headers(gw.create_key("one-model")), json=chat() | {"model": "echo-1"}
        )
        assert response.status_code == 404 and response.json()["error"]["code"] == "model_not_found"


async def test_usage_after_a_mix_of_ok_and_failed_requests(gateway: Gateway) -> None:
    gateway.create_product(
        "pro",
        label="Aegis PRO",
        usage_label="API Requests",
        monthly_cap=100,
        rate_limit_per_minute=100,
        max_concurrent=3,
    )
    key = gateway.create_key("pro")
    for text in ("one two", "three four five"):
        assert (
            await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat(text))
        ).status_code == 200
    assert (
        await gateway.http.post("/chat/completions", headers=gateway.headers(key), json={"messages": "nope"})
    ).status_code == 400
    assert (
        await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat() | {"model": "nope"})
    ).status_code == 404
    await gateway.http.get("/models", headers=gateway.headers(key))  # not billable, not counted
    body = (await gateway.http.get("/usage", headers=gateway.headers(key))).json()
    assert_matches(body, schema_of("/api/v1/usage"))
    assert body["status"] == "active" and body["product"] == "pro"
    assert body["product_label"] == "Aegis PRO" and body["usage_label"] == "API Requests"
    assert (body["total_requests"], body["total_ok"], body["total_errors"]) == (4, 2, 2)
    assert (body["total_tokens_in"], body["total_tokens_out"]) == (5, 5)
    assert (body["monthly_usage_cap"], body["usage_remaining"]) == (100, 98)
    assert (body["rate_limit_per_minute"], body["max_concurrent_requests"]) == (100, 3)
    assert body["trial_usage_limit"] is None and body["trial_ends_at"] is None
    assert body["period"] == time.strftime("%Y-%m", time.gmtime())
    assert body["usage_by_endpoint"] == {
        "chat_completions": {"requests": 4, "ok": 2, "errors": 2, "tokens_in": 5, "tokens_out": 5, "audio_seconds": 0.0}
    }
    assert body["enabled_endpoints"] == [
        "chat_completions",
        "audio_transcriptions",
        "documents_anonymize",
        "documents_strip_metadata",
    ]


async def test_usage_is_aggregated_not_logged(gateway: Gateway) -> None:
    key = gateway.create_key()
    for _ in range(25):
        await gateway.http.post("/chat/completions", headers=gateway.headers(key), json=chat())
    key_id = gateway.services.store.list_keys()[-1].id
    rows = list(gateway.services.store.usage_rows(key_id))
    assert len(rows) == 1 and rows[0][3] == 25  # one row per (month, endpoint, model)


async def test_restart_keeps_usage_and_caps(tmp_path: Path) -> None:
    settings = echo_settings(tmp_path)
    async with running_gateway(settings) as gw:
        gw.create_product("capped", monthly_cap=3)
        key = gw.create_key("capped")
        for _ in range(2):
            assert (await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())).status_code == 200
    async with running_gateway(settings) as gw:
        body = (await gw.http.get("/usage", headers=gw.headers(key))).json()
        assert (body["total_requests"], body["total_ok"], body["usage_remaining"]) == (2, 2, 1)
        assert (await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())).status_code == 200
        assert (await gw.http.post("/chat/completions", headers=gw.headers(key), json=chat())).status_code == 429


@pytest.mark.slow  # a real `kai-local serve` process, killed and restarted (about 13 s)
def test_kill_9_loses_no_recorded_usage(tmp_path: Path) -> None:
    settings = echo_settings(tmp_path)
    store = Store.at(settings.db_path)
    _, key = store.create_key("default")
    store.close()
    server = start_gateway(
        settings.data_dir, settings.models_file, models_dir=settings.models_dir, test_engines=True, timeout_s=60
    )
    try:
        with httpx.Client(base_url=f"{server.url}/v1", headers={"Authorization": f"Bearer {key}"}) as client:
            statuses = [client.post("/chat/completions", json=chat(f"n {i}")).status_code for i in range(30)]
    finally:
        server.stop(signal.SIGKILL)
    assert statuses == [200] * 30
    store = Store.at(settings.db_path)
    try:
        totals = store.usage_totals(store.list_keys()[-1].id, time.strftime("%Y-%m", time.gmtime()))
    finally:
        store.close()
    assert (totals.requests, totals.ok) == (30, 30)
