"""Abuse at the HTTP level (issue 12): malformed multipart, unauthenticated probing, oversize and
deeply nested JSON, streams dropped before their end, files at rest, and the offline switches.

The real app throughout: in-process over ASGI, and on a loopback uvicorn server where a real
client disconnect matters.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

from kai_local.api.chat_params import parse_chat_params
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest
from kai_local.engines.registry import register_engine, unregister_engine
from kai_local.errors import error_for_status
from kai_local.gateway.store import Store
from kai_local.offline import OFFLINE_ENV, enforce_offline
from tests.conftest import Gateway, echo_settings, on_loopback, running_gateway
from tests.fakes import EchoChatEngine
from tests.support import REPO
from tests.test_gateway_auth import assert_envelope

pytestmark = pytest.mark.anyio

UPLOAD_ROUTES = ["/documents/strip-metadata", "/documents/anonymize", "/audio/transcriptions"]


def chat(text: str = "hello there", **extra: Any) -> dict[str, Any]:
    return {"model": "echo-1", "messages": [{"role": "user", "content": text}], **extra}


# -- malformed multipart: Starlette's 400s in the envelope, not "404 Unknown route" ----------


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "b0undary") -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


MULTIPART_CASES = {
    "missing boundary": ("multipart/form-data", _multipart([("file", "a.txt", b"x")])),
    "nine files": (
        "multipart/form-data; boundary=b0undary",
        _multipart([("file", f"{i}.txt", b"x") for i in range(9)]),
    ),
    "65 fields": ("multipart/form-data; boundary=b0undary", _multipart([(f"f{i}", None, b"v") for i in range(65)])),
}


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
@pytest.mark.parametrize("case", list(MULTIPART_CASES))
async def test_malformed_multipart_is_400(gateway: Gateway, route: str, case: str) -> None:
    content_type, body = MULTIPART_CASES[case]
    response = await gateway.http.post(
        route, content=body, headers={**gateway.headers(gateway.create_key()), "content-type": content_type}
    )
    error = assert_envelope(response, 400, "invalid_multipart")
    assert error["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    "status,kind,code",
    [
        (400, "invalid_request_error", "invalid_request"),
        (413, "invalid_request_error", "file_too_large"),
        (418, "invalid_request_error", "invalid_request"),
        (502, "server_error", "internal_error"),
    ],
)
async def test_any_starlette_http_exception_keeps_its_status(
    gateway: Gateway, status: int, kind: str, code: str
) -> None:
    async def raises(request: Request) -> None:
        raise HTTPException(status, detail="what Starlette said")

    gateway.app.add_route("/api/v1/raises", raises)  # a route of the real app, behind the gateway
    response = await gateway.http.get("/raises", headers=gateway.headers(gateway.create_key()))
    error = assert_envelope(response, status, code)
    assert (error["type"], error["message"]) == (kind, "what Starlette said")


def test_error_for_status_uses_the_hierarchy() -> None:
    assert error_for_status(429, "slow down").body()["error"]["type"] == "rate_limit_error"
    assert error_for_status(405, "no").code == "method_not_allowed"
    assert error_for_status(411, "length").status == 411


async def test_wrong_method_keeps_its_allow_header(gateway: Gateway) -> None:
    response = await gateway.http.get("/chat/completions", headers=gateway.headers(gateway.create_key()))
    assert_envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


# -- deny by default: everything under /api/v1 and /v1 needs a key ---------------------------

PROBES = ["/api/v1/nope", "/v1/nope", "/api/v1", "/v1/", "/api/v1/chat/completions/x", "/v1/admin/keys"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", PROBES)
async def test_unknown_api_paths_need_a_key(gateway: Gateway, path: str, method: str) -> None:
    url = "http://kai.test" + path
    for headers in ({}, {"Authorization": "Bearer sk-kai-wrong"}):
        response = await gateway.http.request(method, url, headers=headers)
        assert_envelope(response, 401, "invalid_api_key")
    response = await gateway.http.request(method, url, headers=gateway.headers(gateway.create_key()))
    assert_envelope(response, 404, "not_found")


async def test_outside_the_api_stays_open(gateway: Gateway) -> None:
    assert (await gateway.http.get("http://kai.test/health")).status_code == 200
    assert_envelope(await gateway.http.get("http://kai.test/nope"), 404, "not_found")
    assert_envelope(await gateway.http.get("http://kai.test/v1x/models"), 404, "not_found")


# -- JSON bodies: their own limit, parsed off the event loop, nesting is a 400 ---------------


@pytest.fixture
async def small_json(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with running_gateway(echo_settings(tmp_path, max_json_bytes=2000)) as gw:
        yield gw


async def test_json_over_its_limit_is_413_whatever_the_upload_limit(small_json: Gateway) -> None:
    headers = small_json.headers(small_json.create_key())
    fits = json.dumps(chat("word " * 300)).encode()
    assert len(fits) <= 2000
    assert (await small_json.http.post("/chat/completions", headers=headers, content=fits)).status_code == 200

    too_big = json.dumps(chat("word " * 500)).encode()
    declared = await small_json.http.post("/chat/completions", headers=headers, content=too_big)
    error = assert_envelope(declared, 413, "request_too_large")
    assert "2000 bytes" in error["message"]

    async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for start in range(0, len(too_big), 256):
            yield too_big[start : start + 256]

    streamed = await small_json.http.post("/chat/completions", headers=headers, content=chunked())
    assert_envelope(streamed, 413, "request_too_large")


async def test_default_json_limit_is_a_few_mb(gateway: Gateway) -> None:
    assert gateway.settings.max_json_bytes == 4 * 2**20
    body = json.dumps(chat("x " * (3 * 2**20))).encode()  # 6 MB: within the upload limit (25 MB)
    response = await gateway.http.post("/chat/completions", headers=gateway.headers(gateway.create_key()), content=body)
    assert_envelope(response, 413, "request_too_large")


@pytest.mark.parametrize(
    "body",
    [
        b'{"messages": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        b'{"messages": [{"role": "user", "content": "x", "meta": '
        + b'{"a": ' * 100_000
        + b"1"
        + b"}" * 100_000
        + b"}]}",
        b'{"messages": ' + b"1" * 5000 + b"}",  # past Python's int-from-string digit limit
        b'{"messages": "\xff\xfe"}',
    ],
    ids=["arrays-200k-deep", "objects-100k-deep", "5000-digit-int", "bad-utf8"],
)
async def test_unparseable_json_is_400_not_500(gateway: Gateway, body: bytes) -> None:
    response = await gateway.http.post("/chat/completions", headers=gateway.headers(gateway.create_key()), content=body)
    assert_envelope(response, 400, "invalid_json")


@pytest.fixture
def no_gc() -> Any:
    """A collection stops every thread: it would blur what runs on the loop and what does not."""
    gc.disable()
    yield
    gc.enable()


@pytest.mark.usefixtures("no_gc")
async def test_a_large_body_does_not_stall_the_event_loop(gateway: Gateway) -> None:
    message = {"role": "user", "content": "a"}
    raw = json.dumps({"model": "echo-1", "messages": [message] * 120_000}).encode()
    assert len(raw) < gateway.settings.max_json_bytes
    # What the loop would stall for, on this machine, if the route did this itself.
    began = time.perf_counter()
    body = json.loads(raw)
    decoding_s = time.perf_counter() - began
    parse_chat_params(body)
    checking_s = time.perf_counter() - began - decoding_s

    gaps: list[float] = []

    async def ticker(done: anyio.Event) -> None:
        last = time.perf_counter()
        while not done.is_set():
            await anyio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    headers = gateway.headers(gateway.create_key())
    done = anyio.Event()
    async with anyio.create_task_group() as group:
        group.start_soon(ticker, done)
        response = await gateway.http.post("/chat/completions", content=raw, headers=headers)
        done.set()
    assert response.status_code == 200, response.text
    # json.loads is C code that holds the GIL throughout: that part stalls the loop from any
    # thread (max_json_bytes bounds it). The checks, Python code, give the GIL up in turns.
    assert max(gaps) < decoding_s + checking_s * 3 / 4, (max(gaps), decoding_s, checking_s)


# -- streams: a client that leaves just before the end is billed what it received ------------


class HangsBeforeTheEnd(EchoChatEngine):
    """Streams every word but the last, then waits forever: the client gives up first."""

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        words = request.messages[-1].content.split()
        yield ChatPrompt(prompt_tokens=7)
        for i, word in enumerate(words[:-1]):
            yield ChatDelta(0, word if i == 0 else " " + word, tokens=1)
        await anyio.sleep_forever()


async def test_stream_dropped_before_its_end_is_billed_what_was_sent(tmp_path: Path) -> None:
    register_engine("test-hangs", HangsBeforeTheEnd)
    toml = '[models."hangs"]\nkind = "chat"\nengine = "test-hangs"\nweights = "{models_dir}"\n'
    try:
        async with running_gateway(echo_settings(tmp_path, toml)) as gw, on_loopback(gw) as base:
            key = gw.create_key()
            key_id = gw.services.store.list_keys()[-1].id
            body = {
                "model": "hangs",
                "stream": True,
                "messages": [{"role": "user", "content": "one two three four five six"}],
            }
            received = ""
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                async with http.stream("POST", "/chat/completions", json=body, headers=gw.headers(key)) as response:
                    assert response.status_code == 200
                    async for line in response.aiter_lines():
                        if line.startswith("data: {"):
                            received += json.loads(line[6:])["choices"][0]["delta"].get("content", "")
                        if received == "one two three four five":
                            break  # the last word never comes: the client hangs up
            with anyio.fail_after(10):
                while gw.services.limits.in_flight(key_id):
                    await anyio.sleep(0.02)
            usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
            assert (usage["total_tokens_in"], usage["total_tokens_out"]) == (7, 5)
            assert (usage["total_requests"], usage["total_errors"]) == (1, 0)
    finally:
        unregister_engine("test-hangs")


async def test_a_finished_stream_is_billed_the_engines_totals(gateway: Gateway) -> None:
    key = gateway.create_key()
    stream = await gateway.openai(key).chat.completions.create(
        model="echo-1", messages=[{"role": "user", "content": "a b c d"}], stream=True
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "a b c d"
    usage = (await gateway.http.get("/usage", headers=gateway.headers(key))).json()
    assert (usage["total_tokens_in"], usage["total_tokens_out"]) == (4, 4)


# -- files at rest ---------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_dir_is_0700_and_its_database_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    previous = os.umask(0o022)
    try:
        Store.at(data_dir / "kai-local.sqlite3").close()
    finally:
        os.umask(previous)
    assert _mode(data_dir) == 0o700
    files = sorted(p.name for p in data_dir.iterdir())
    assert "kai-local.sqlite3" in files
    assert {p.name: _mode(p) for p in data_dir.iterdir()} == {name: 0o600 for name in files}


def test_an_open_data_dir_and_database_are_narrowed(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store.at(data_dir / "kai-local.sqlite3").close()
    os.chmod(data_dir, 0o755)  # made by an older version, or by a plain mkdir
    for path in data_dir.iterdir():
        os.chmod(path, 0o644)
    Store.at(data_dir / "kai-local.sqlite3").close()
    assert _mode(data_dir) == 0o700
    assert {_mode(p) for p in data_dir.iterdir()} == {0o600}


def test_the_cli_creates_a_private_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli-data"
    subprocess.run(
        [sys.executable, "-m", "kai_local", "products", "list", "--data-dir", str(data_dir)],
        check=True,
        capture_output=True,
        cwd=REPO,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "kai-local.sqlite3") == 0o600


# -- offline: set by assignment at process start ---------------------------------------------


def test_offline_switches_are_assigned_not_defaulted() -> None:
    environ = {name: "0" for name in OFFLINE_ENV} | {"PATH": "/bin"}
    enforce_offline(environ)
    assert environ == {
        "PATH": "/bin",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "VLLM_NO_USAGE_STATS": "1",
        "DO_NOT_TRACK": "1",
    }


def test_the_cli_process_is_offline_before_huggingface_hub_loads(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "import kai_local.cli\n"
        "assert 'huggingface_hub' not in sys.modules, 'imported before main() ran'\n"
        f"kai_local.cli.main(['models', 'list', '--data-dir', {str(tmp_path)!r}])\n"
        "import huggingface_hub.constants\n"
        "print('HUB_OFFLINE', huggingface_hub.constants.HF_HUB_OFFLINE)\n"
        f"print('ENV', *[os.environ[n] for n in {sorted(OFFLINE_ENV)!r}])\n"
    )
    env = {**os.environ, **{name: "0" for name in OFFLINE_ENV}}  # the shell says otherwise
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "HUB_OFFLINE True" in result.stdout
    assert "ENV 1 1 1 1" in result.stdout
