"""GET /metrics: Prometheus's text format, counted by the real gateway as requests end."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import Gateway, echo_settings, running_gateway

pytestmark = pytest.mark.anyio


async def _scrape(gw: Gateway, **headers: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await gw.http.get("http://testserver/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_requests_tokens_and_load_are_counted(gateway: Gateway) -> None:
    key = gateway.create_key("default")
    client = gateway.openai(key)
    await client.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "eins zwei drei"}])
    await client.models.list()
    assert (await gateway.http.get("/models", headers=gateway.headers("sk-wrong"))).status_code == 401
    assert (await gateway.http.get("/no/such/thing", headers=gateway.headers(key))).status_code == 404

    metrics = await _scrape(gateway)

    def requests(endpoint: str, status: str, model: str = "", code: str = "") -> float:
        labels = (("code", code), ("endpoint", endpoint), ("model", model), ("status", status))
        return metrics[("kai_requests_total", labels)]

    assert requests("/chat/completions", "200", model="echo-1") == 1
    assert requests("/models", "200") == 1
    assert requests("/models", "401", code="invalid_api_key") == 1
    # A path that is no route is counted as "unknown", never by its own name.
    assert requests("unknown", "404", code="not_found") == 1
    assert sum(value for (name, _), value in metrics.items() if name == "kai_requests_total") == 4
    assert not any("no/such" in str(labels) for _, labels in metrics)
    assert metrics[("kai_request_duration_seconds_count", (("endpoint", "/chat/completions"),))] == 1
    assert metrics[("kai_tokens_total", (("direction", "in"), ("model", "echo-1")))] > 0
    assert metrics[("kai_tokens_total", (("direction", "out"), ("model", "echo-1")))] > 0
    assert metrics[("kai_requests_in_flight", ())] == 0
    assert metrics[("kai_parse_pool_admitted", ())] == 0
    assert metrics[("kai_parse_pool_queued", ())] == 0
    assert metrics[("kai_parse_workers_replaced_total", ())] == 0


async def test_limit_refusals_and_gpu_waits_are_counted(gateway: Gateway) -> None:
    gateway.create_product("two", rate_limit_per_minute=2)
    key = gateway.create_key("two")
    for _ in range(3):
        await gateway.http.get("/models", headers=gateway.headers(key))
    async with gateway.services.gpu.slot("cuda:0"):
        pass
    metrics = await _scrape(gateway)
    assert metrics[("kai_limit_refusals_total", (("code", "rate_limit_exceeded"),))] == 1
    refused = (("code", "rate_limit_exceeded"), ("endpoint", "/models"), ("model", ""), ("status", "429"))
    assert metrics[("kai_requests_total", refused)] == 1
    assert metrics[("kai_gpu_slots_acquired_total", (("device", "cuda:0"),))] == 1
    assert metrics[("kai_gpu_waiting", (("device", "cuda:0"),))] == 0
    assert 0 <= metrics[("kai_gpu_wait_seconds_total", (("device", "cuda:0"),))] < 1


async def test_a_metrics_token_is_asked_for_when_set(tmp_path: Path) -> None:
    settings = replace(echo_settings(tmp_path), metrics_token="scrape-me")
    async with running_gateway(settings) as gw:
        refused = await gw.http.get("http://testserver/metrics")
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "invalid_request_error"
        wrong = await gw.http.get("http://testserver/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert await _scrape(gw, Authorization="Bearer scrape-me")


async def test_metrics_can_be_turned_off(tmp_path: Path) -> None:
    async with running_gateway(replace(echo_settings(tmp_path), metrics=False)) as gw:
        response = await gw.http.get("http://testserver/metrics")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
