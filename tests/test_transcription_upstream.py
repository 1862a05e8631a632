"""A transcription model served elsewhere (`engine = "openai-upstream"`, kind transcription): the
gateway forwards the upload to another kai-local that runs faster-whisper (a real server
process on 127.0.0.1, with its own key), reads its verbose_json back, and answers every
response format and counts the audio seconds itself."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kai_local.gateway.store import Store
from tests.conftest import Gateway, echo_settings, prepared_models_dir, running_gateway
from tests.support import TESTDATA, ServerProcess, start_gateway

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

JFK = (TESTDATA / "audio" / "jfk.flac").read_bytes()
KEY_ENV = "KAI_TEST_TRANSCRIPTION_UPSTREAM_KEY"
WHISPER_TOML = """
[models."whisper-base"]
kind = "transcription"
engine = "faster-whisper"
device = "cpu"
weights = "{models_dir}/whisper-base"

[models."whisper-base".engine_args]
compute_type = "int8"
"""


def _remote_toml(upstreams: list[str], health_interval_s: float = 1) -> str:
    listed = ", ".join(f'"{u}"' for u in upstreams)
    return f"""
[models."whisper-remote"]
kind = "transcription"
engine = "openai-upstream"

[models."whisper-remote".engine_args]
upstreams = [{listed}]
upstream_model = "whisper-base"
api_key_env = "{KEY_ENV}"
health_interval_s = {health_interval_s}
"""


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str]]:
    """Another kai-local with whisper-base, and a key for it."""
    folder = tmp_path_factory.mktemp("upstream")
    store = Store.at(folder / "data" / "kai-local.sqlite3")
    _, key = store.create_key("default")
    store.close()
    models = folder / "models.toml"
    models.write_text(WHISPER_TOML)
    server = start_gateway(
        folder / "data", models, models_dir=prepared_models_dir(), env={"KAI_PII_PRELOAD": "0"}, timeout_s=180
    )
    try:
        yield server, key
    finally:
        server.stop()


@pytest.fixture(scope="module")
async def gw(upstream: tuple[ServerProcess, str], tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    server, key = upstream
    os.environ[KEY_ENV] = key  # the engine reads the upstream's key from the variable named
    try:
        settings = echo_settings(tmp_path_factory.mktemp("gateway"), _remote_toml([f"{server.url}/api/v1"]))
        async with running_gateway(settings) as gateway:
            yield gateway
    finally:
        os.environ.pop(KEY_ENV, None)


async def _post(gw: Gateway, key: str, path: str, data: bytes, **fields: Any) -> httpx.Response:
    files = {"file": ("jfk.flac", data, "audio/flac")}
    return await gw.http.post(path, headers=gw.headers(key), files=files, data={"model": "whisper-remote", **fields})


async def test_the_answer_is_the_upstreams_transcript(gw: Gateway, upstream: tuple[ServerProcess, str]) -> None:
    server, upstream_key = upstream
    key = gw.create_key("default")
    through = await _post(gw, key, "/audio/transcriptions", JFK)
    assert through.status_code == 200, through.text
    async with httpx.AsyncClient(timeout=120) as http:
        direct = await http.post(
            f"{server.url}/api/v1/audio/transcriptions",
            headers={"Authorization": f"Bearer {upstream_key}"},
            files={"file": ("jfk.flac", JFK, "audio/flac")},
            data={"model": "whisper-base"},
        )
    assert direct.status_code == 200, direct.text
    assert through.json()["text"] == direct.json()["text"]
    assert "ask not what your country can do for you" in through.json()["text"].lower()


async def test_every_format_and_the_audio_seconds_come_from_the_gateway(gw: Gateway) -> None:
    key = gw.create_key("default")
    verbose = await _post(
        gw,
        key,
        "/audio/transcriptions",
        JFK,
        response_format="verbose_json",
        **{"timestamp_granularities[]": ["word", "segment"]},
    )
    assert verbose.status_code == 200, verbose.text
    body = verbose.json()
    assert body["language"] == "english" and 10.5 < body["duration"] < 11.5
    assert body["segments"] and body["words"][0]["word"].strip().lower() == "and"
    srt = await _post(gw, key, "/audio/transcriptions", JFK, response_format="srt")
    assert srt.status_code == 200 and srt.text.startswith("1\n00:00:00,")
    usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
    assert 21 < usage["total_audio_seconds"] < 23  # the two requests, 11 s each
    metrics = (await gw.http.get("http://testserver/metrics")).text
    assert 'kai_audio_seconds_total{model="whisper-remote"}' in metrics
    assert 'kai_upstream_healthy{model="whisper-remote",upstream="http://127.0.0.1:' in metrics
    assert "kai_upstream_healthy" in metrics and '"} 1.0' in metrics.split("kai_upstream_healthy{")[1]


async def test_translation_goes_to_the_translation_route(gw: Gateway) -> None:
    key = gw.create_key("default")
    response = await _post(gw, key, "/audio/translations", JFK)
    assert response.status_code == 200, response.text
    assert "country" in response.json()["text"].lower()


async def test_an_upload_the_upstream_refuses_is_a_400_that_says_why(gw: Gateway) -> None:
    key = gw.create_key("default")
    response = await _post(gw, key, "/audio/transcriptions", b"this is not audio at all" * 10)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["message"] and error["type"] == "invalid_request_error"


async def test_no_upstream_answering_is_503_upstream_unavailable(tmp_path: Path) -> None:
    settings = echo_settings(tmp_path, _remote_toml(["http://127.0.0.1:9/api/v1"]))  # port 9: closed
    async with running_gateway(settings) as gateway:
        key = gateway.create_key("default")
        response = await _post(gateway, key, "/audio/transcriptions", JFK)
        metrics = (await gateway.http.get("http://testserver/metrics")).text
    assert 'kai_upstream_healthy{model="whisper-remote",upstream="http://127.0.0.1:9/api/v1"} 0.0' in metrics
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "upstream_unavailable"


async def test_a_server_marked_up_but_gone_fails_over_to_the_next(
    upstream: tuple[ServerProcess, str], tmp_path: Path
) -> None:
    server, key = upstream
    os.environ[KEY_ENV] = key
    try:
        # No health check during the test: only the request can find out that the first is gone.
        toml = _remote_toml(["http://127.0.0.1:9/api/v1", f"{server.url}/api/v1"], health_interval_s=600)
        async with running_gateway(echo_settings(tmp_path, toml)) as gateway:
            pool = gateway.services.engines["whisper-remote"].pool  # type: ignore[attr-defined]
            dead = pool.upstreams[0]
            dead.healthy = True  # as if its last health check had passed
            response = await _post(gateway, gateway.create_key("default"), "/audio/transcriptions", JFK)
            assert response.status_code == 200, response.text
            assert "country" in response.json()["text"].lower()
            assert not dead.healthy and pool.upstreams[1].served == 1
    finally:
        os.environ.pop(KEY_ENV, None)
