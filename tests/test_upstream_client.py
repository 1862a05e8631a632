"""The forwarding client for OpenAI-compatible upstreams (kai_local.engines.upstream_client),
against a small Starlette server on a real loopback socket that sends the exact bytes each case
needs. The chat engine on top of it runs against real vLLM servers in test_chat_upstream.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import (
    ChatDelta,
    ChatMessage,
    ChatPrompt,
    ChatRequest,
    ChatUsage,
    SamplingOptions,
)
from kai_local.engines.chat.upstream import UpstreamChatEngine
from kai_local.engines.upstream_client import (
    UpstreamClient,
    UpstreamConnectionError,
    UpstreamStatusError,
    _EventParser,
)
from kai_local.settings import Settings
from tests.conftest import serve_on_loopback

pytestmark = pytest.mark.anyio

# Raw event streams, exactly as they go on the wire.
STREAMS = {
    "plain": b'data: {"n": 1}\n\ndata: {"n": 2}\n\ndata: [DONE]\n\n',
    # a comment line, an event field, CRLF line ends and no space after the colon
    "variants": b': keep-alive\r\n\r\nevent: message\r\ndata:{"n": 1}\r\n\r\ndata: [DONE]\r\n\r\n',
    # one event's JSON over two data lines
    "multiline": b'data: {"n":\ndata: 3}\n\ndata: [DONE]\n\n',
    # the server ends without [DONE] and without the last blank line
    "unterminated": b'data: {"n": 1}\n\ndata: {"n": 2}',
    "in_stream_error": b'data: {"n": 1}\n\ndata: {"error": {"message": "boom", "code": 400}}\n\n',
    "not_json": b"data: {oops\n\n",
}


def _vllm_chunk(choices: list, completion: int) -> bytes:
    usage = {"prompt_tokens": 7, "completion_tokens": completion, "total_tokens": 7 + completion}
    return b"data: " + json.dumps({"id": "c", "choices": choices, "usage": usage}).encode() + b"\n\n"


# What vLLM sends with continuous usage stats, all at once (a fast server, or a gateway behind).
STREAMS["vllm"] = (
    _vllm_chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}], 0)
    + b"".join(
        _vllm_chunk([{"index": 0, "delta": {"content": w}, "finish_reason": None}], n)
        for n, w in [(1, "Hal"), (2, "lo"), (3, " Welt")]
    )
    + _vllm_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}], 3)
    + _vllm_chunk([], 3)
    + b"data: [DONE]\n\n"
)


class Recorder:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.client_ports: list[int] = []  # the gateway side's port: one per connection
        self.disconnected = asyncio.Event()


def upstream_app(recorder: Recorder) -> Starlette:
    async def chat(request: Request) -> Response:
        body = json.loads(await request.body())
        recorder.bodies.append(body)
        recorder.headers.append(dict(request.headers))
        recorder.client_ports.append(request.scope["client"][1])
        case = body.get("case") or body["model"]  # the chat engine's requests name it as the model
        if case == "status":
            error = {"error": {"message": "prompt too long", "type": "BadRequestError", "param": "input_tokens"}}
            return JSONResponse(error, status_code=400)
        if case == "status_text":
            return Response("upstream exploded", status_code=502)
        if case == "endless":

            async def endless() -> AsyncIterator[bytes]:
                try:
                    n = 0
                    while True:
                        n += 1
                        yield b'data: {"n": %d}\n\n' % n
                        await anyio.sleep(0.01)
                finally:
                    recorder.disconnected.set()  # Starlette stops the generator when the client goes

            return StreamingResponse(endless(), media_type="text/event-stream")
        return Response(STREAMS[case], media_type="text/event-stream")

    async def models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": "m", "max_model_len": 4096}, {"id": "vllm"}]})

    async def transcribe(request: Request) -> Response:
        form = await request.form()
        upload = form["file"]
        assert not isinstance(upload, str)
        return JSONResponse({"name": upload.filename, "size": len(await upload.read()), "model": form["model"]})

    return Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/v1/models", models),
            Route("/v1/audio/transcriptions", transcribe, methods=["POST"]),
        ]
    )


@pytest.fixture
async def served() -> AsyncIterator[tuple[UpstreamClient, Recorder]]:
    recorder = Recorder()
    async with serve_on_loopback(upstream_app(recorder)) as base:
        client = UpstreamClient(base + "/v1", api_key="sk-upstream", connect_timeout_s=2, read_timeout_s=10)
        try:
            yield client, recorder
        finally:
            await client.close()


async def _events(client: UpstreamClient, case: str) -> list[dict[str, Any]]:
    """Every event, in order, whatever reads they came in."""
    return [e async for batch in client.stream_events("chat/completions", {"case": case}) for e in batch]


async def test_events_arrive_as_dicts_with_the_body_and_headers_sent_once(served) -> None:
    client, recorder = served
    events = [
        e
        async for batch in client.stream_events("chat/completions", {"case": "plain", "x": "ü"}, {"X-Request-Id": "r1"})
        for e in batch
    ]
    assert events == [{"n": 1}, {"n": 2}]
    assert recorder.bodies == [{"case": "plain", "x": "ü"}]
    sent = recorder.headers[0]
    assert sent["authorization"] == "Bearer sk-upstream"
    assert sent["x-request-id"] == "r1"
    assert sent["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("case", "expected"),
    [("variants", [{"n": 1}]), ("multiline", [{"n": 3}]), ("unterminated", [{"n": 1}, {"n": 2}])],
)
async def test_event_stream_variants_parse_as_the_sse_spec_says(served, case: str, expected: list) -> None:
    client, _ = served
    assert await _events(client, case) == expected


async def test_an_error_status_raises_with_the_servers_error_before_any_event(served) -> None:
    client, _ = served
    with pytest.raises(UpstreamStatusError) as caught:
        await _events(client, "status")
    assert caught.value.status == 400
    assert caught.value.message == "prompt too long"
    assert caught.value.error["param"] == "input_tokens"
    with pytest.raises(UpstreamStatusError) as caught:
        await _events(client, "status_text")
    assert caught.value.status == 502 and caught.value.body is None


async def test_an_error_inside_the_stream_raises_with_its_code(served) -> None:
    client, _ = served
    seen = []
    with pytest.raises(UpstreamStatusError) as caught:
        async for batch in client.stream_events("chat/completions", {"case": "in_stream_error"}):
            seen += batch
    assert seen == [{"n": 1}]
    assert caught.value.status == 400 and caught.value.message == "boom"


async def test_an_event_that_is_not_json_is_a_connection_error(served) -> None:
    client, _ = served
    with pytest.raises(UpstreamConnectionError, match="not a JSON event"):
        await _events(client, "not_json")


async def test_closing_the_stream_early_closes_the_connection(served) -> None:
    client, recorder = served
    events = client.stream_events("chat/completions", {"case": "endless"})
    assert (await anext(events))[0] == {"n": 1}
    await events.aclose()
    with anyio.fail_after(5):  # the server sees its client go
        await recorder.disconnected.wait()


async def test_a_finished_stream_leaves_its_connection_for_the_next_request(served) -> None:
    client, recorder = served
    for _ in range(3):
        assert await _events(client, "plain") == [{"n": 1}, {"n": 2}]
    assert len(set(recorder.client_ports)) == 1, recorder.client_ports
    events = client.stream_events("chat/completions", {"case": "endless"})
    await anext(events)
    await events.aclose()  # cut short: that connection is closed, the next request opens one
    assert await _events(client, "plain") == [{"n": 1}, {"n": 2}]
    assert len(set(recorder.client_ports)) == 2, recorder.client_ports


async def test_a_refused_connection_is_a_connection_error() -> None:
    client = UpstreamClient("http://127.0.0.1:9/v1", connect_timeout_s=1)  # port 9: discard, closed
    try:
        with pytest.raises(UpstreamConnectionError):
            await _events(client, "plain")
        with pytest.raises(UpstreamConnectionError):
            await client.get_json("models")
    finally:
        await client.close()


async def test_get_json_and_multipart(served) -> None:
    client, _ = served
    assert (await client.get_json("models"))["data"][0]["max_model_len"] == 4096
    response = await client.post_multipart(
        "audio/transcriptions", {"file": ("a.wav", b"RIFF" + b"\0" * 100, "audio/wav")}, {"model": "whisper"}
    )
    assert response.json() == {"name": "a.wav", "size": 104, "model": "whisper"}


@pytest.mark.parametrize("case", ["plain", "variants", "multiline", "unterminated"])
def test_events_split_anywhere_across_network_reads_parse_the_same(case: str) -> None:
    """A read may end inside a line, between CR and LF, or inside the [DONE] marker."""
    raw = STREAMS[case]
    whole = _EventParser()
    expected = whole.feed(raw)
    expected += [e for e in [whole.end()] if e is not None]
    byte_by_byte = _EventParser()
    events = [event for i in range(len(raw)) for event in byte_by_byte.feed(raw[i : i + 1])]
    events += [e for e in [byte_by_byte.end()] if e is not None]
    assert events == expected
    assert b"[DONE]" in expected or case == "unterminated"


async def test_the_engine_passes_on_what_arrived_at_once_as_one_delta(served) -> None:
    """The upstream sent every token in one write: the engine yields the prompt size, one delta
    with all the text and tokens, and the totals; nothing is lost or counted twice."""
    _, recorder = served
    base = served[0].base_url
    spec = ModelSpec(
        id="m",
        kind="chat",
        engine="openai-upstream",
        weights=None,
        engine_args={"upstreams": [base], "upstream_model": "vllm", "health_interval_s": 60},
    )
    engine = UpstreamChatEngine(spec, Settings.from_env())
    await engine.start()
    try:
        request = ChatRequest("req_1", (ChatMessage("user", "Hallo?"),), SamplingOptions(max_tokens=3))
        events = [event async for event in engine.generate(request)]
    finally:
        await engine.close()
    assert events == [
        ChatPrompt(7),
        ChatDelta(0, "Hallo Welt", "stop", tokens=3),
        ChatUsage(prompt_tokens=7, completion_tokens=3),
    ]
    assert recorder.bodies[-1]["stream"] is True
