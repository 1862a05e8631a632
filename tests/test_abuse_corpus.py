"""The abuse corpus (tests/abuse_corpus.py) against the real app: every hostile upload comes
back 4xx in the OpenAI envelope within its deadline, while legitimate requests to every endpoint,
sent at the same time, succeed; and the server process itself does not grow with the bombs
(they are parsed in the capped worker processes).
"""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import pytest
from PIL import Image

from tests.abuse_corpus import NAMES, Case, case_named, corpus
from tests.conftest import Gateway, echo_settings, running_gateway

pytestmark = [pytest.mark.anyio, pytest.mark.slow]  # bombs run to their deadlines

# Small budgets so that a bomb that is only stopped by its deadline ends quickly here.
PARSE_S, OCR_S, METADATA_S = 5.0, 5.0, 5.0
DEADLINE_S = PARSE_S + OCR_S + 10 + 15  # the worker's backstop, plus queueing behind a neighbour


@pytest.fixture(scope="module")
async def gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    settings = replace(
        echo_settings(tmp_path_factory.mktemp("abuse")),
        pii_preload=True,
        extract_parse_timeout_s=PARSE_S,
        extract_ocr_timeout_s=OCR_S,
        metadata_timeout_s=METADATA_S,
    )
    async with running_gateway(settings) as gateway:
        yield gateway


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(out, "PNG")
    return out.getvalue()


async def send(gw: Gateway, key: str, case: Case) -> tuple[int, dict[str, Any] | None, float]:
    began = time.monotonic()
    response = await gw.http.post(
        f"/{case.endpoint}", headers=gw.headers(key), files={case.field: (case.filename, case.data)}
    )
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
    return response.status_code, body, time.monotonic() - began


async def legitimate(gw: Gateway, key: str) -> dict[str, int]:
    """One ordinary request to every endpoint."""
    statuses: dict[str, int] = {}
    client = gw.openai(key)
    chat = await client.chat.completions.with_raw_response.create(
        model="echo-1", messages=[{"role": "user", "content": "Hallo"}]
    )
    statuses["chat"] = chat.status_code
    statuses["models"] = (await gw.http.get("/models", headers=gw.headers(key))).status_code
    statuses["usage"] = (await gw.http.get("/usage", headers=gw.headers(key))).status_code
    letter = Case("letter", "documents/anonymize", "brief.txt", b"Herr Max Mustermann, Graz.")
    statuses["anonymize"] = (await send(gw, key, letter))[0]
    photo = Case("photo", "documents/strip-metadata", "photo.png", png())
    statuses["strip-metadata"] = (await send(gw, key, photo))[0]
    return statuses


def roomy_key(gw: Gateway) -> str:
    """A key whose own rate and concurrency limits never get in the way here."""
    if "abuse" not in {p.name for p in gw.services.store.list_products()}:
        gw.create_product("abuse", max_concurrent=100, rate_limit_per_minute=10_000)
    return gw.create_key("abuse")


@pytest.mark.parametrize("name", NAMES)  # the uploads are made when the first case runs, not at collection
async def test_each_bomb_is_refused_within_its_deadline(gw: Gateway, name: str) -> None:
    case = case_named(name)
    status, body, took = await send(gw, roomy_key(gw), case)
    assert case.answered_well(status), (status, body)
    if status != 200:
        assert body is not None and set(body["error"]) == {"message", "type", "param", "code"}
    assert took < DEADLINE_S, f"{case.name} took {took:.1f} s"


DOCUMENT_BOMBS = [name for name in NAMES if case_named(name).endpoint == "documents/anonymize"]


@pytest.mark.parametrize("name", DOCUMENT_BOMBS)
async def test_each_document_bomb_is_refused_by_redact_too(gw: Gateway, name: str) -> None:
    """/documents/redact reads the upload as anonymize does, then parses it again to rewrite it:
    the same hostile files come back 4xx (or, harmless, as a file) within the deadline of both."""
    case = replace(case_named(name), endpoint="documents/redact")
    status, body, took = await send(gw, roomy_key(gw), case)
    assert 400 <= status < 500 or status == 200, (status, body)
    if status != 200:
        assert body is not None and set(body["error"]) == {"message", "type", "param", "code"}
    assert took < 2 * DEADLINE_S, f"{case.name} took {took:.1f} s"


async def test_legitimate_requests_succeed_while_every_bomb_is_in_flight(gw: Gateway) -> None:
    key = roomy_key(gw)
    bombs: dict[str, int] = {}
    legit: dict[str, int] = {}

    async def bomb(case: Case) -> None:
        bombs[case.name] = (await send(gw, key, case))[0]

    async def ordinary() -> None:
        await anyio.sleep(0.5)  # the bombs hold the workers by now
        legit.update(await legitimate(gw, key))

    with anyio.fail_after(3 * DEADLINE_S):
        async with anyio.create_task_group() as tg:
            for case in corpus():
                tg.start_soon(bomb, case)
            tg.start_soon(ordinary)
    assert legit == {"chat": 200, "models": 200, "usage": 200, "anonymize": 200, "strip-metadata": 200}
    assert all(case.answered_well(bombs[case.name]) for case in corpus()), bombs


async def test_the_server_process_does_not_grow_with_the_bombs(gw: Gateway) -> None:
    """Twice the workers' worth of bombs, back to back: the server's own RSS stays put (the
    workers, capped by RLIMIT_AS, hold the parse); a small allowance for allocator noise."""
    key = roomy_key(gw)
    before = _rss_mb()
    heavy = [c for c in corpus() if c.name in ("pdf-double-flate-bomb", "docx-paragraph-bomb")]
    with anyio.fail_after(3 * DEADLINE_S):
        async with anyio.create_task_group() as tg:
            for case in heavy * gw.settings.cpu_workers:
                tg.start_soon(send, gw, key, case)
    assert _rss_mb() - before < 200, f"server RSS grew from {before:.0f} to {_rss_mb():.0f} MB"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")
