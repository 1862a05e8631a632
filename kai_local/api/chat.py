"""POST /chat/completions: OpenAI's chat completions, plain or streamed as server-sent events.

The body is checked in chat_params.py; a client that goes away stops the work (disconnect.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response

from kai_local.api.chat_params import parse_chat_params
from kai_local.api.context import json_body, loaded_chat_engine, request_id_of, usage_of
from kai_local.api.disconnect import EventStreamResponse, unless_disconnected
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest, ChatUsage
from kai_local.errors import KaiError
from kai_local.gateway.usage import UsageRecord

# Nginx's "client closed request": logged and stored for a request whose client went away.
CLIENT_CLOSED = 499


# No proxy may buffer or cache the event stream.
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SSE_DONE = b"data: [DONE]\n\n"


async def create_chat_completion(request: Request) -> Response:
    params = await json_body(request, parse_chat_params)
    spec, engine = loaded_chat_engine(request, params.model)
    usage = usage_of(request)
    request_id = request_id_of(request)
    completion = _Completion("chatcmpl-" + request_id.removeprefix("req_"), int(time.time()), spec.id)
    events = engine.generate(ChatRequest(request_id, params.messages, params.sampling))
    try:
        if params.stream:
            # Pull the first event before answering, so errors such as context_length_exceeded
            # still become a proper status instead of a broken stream.
            finished, first = await unless_disconnected(request, _first_output(events, usage))
        else:
            finished, collected = await unless_disconnected(request, _answer(events, usage, params.sampling.n))
    except BaseException:
        await _close(events)
        raise
    if not finished:
        await _close(events)  # aborts the request in the engine
        return Response(status_code=CLIENT_CLOSED)
    if params.stream:
        stream = _stream(completion, first, events, params.sampling.n, params.include_usage, usage)  # type: ignore[arg-type]
        return EventStreamResponse(stream, headers=SSE_HEADERS, last_event=SSE_DONE)
    await _close(events)
    choices, totals = collected  # type: ignore[misc]
    usage.tokens_in, usage.tokens_out = totals.prompt_tokens, totals.completion_tokens
    return Response(orjson.dumps(completion.body(choices, totals)), media_type="application/json")


@dataclass(frozen=True)
class _Completion:
    """What the answer and every chunk of one completion repeat."""

    id: str
    created: int
    model: str

    def body(self, choices: list[dict[str, Any]], totals: ChatUsage) -> dict[str, Any]:
        head = {"id": self.id, "object": "chat.completion", "created": self.created, "model": self.model}
        return {**head, "choices": choices, "usage": _usage_body(totals)}

    def chunk(self, choices: list[dict[str, Any]], **extra: Any) -> bytes:
        payload = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
            **extra,
        }
        return b"data: " + orjson.dumps(payload) + b"\n\n"


async def _stream(
    completion: _Completion,
    first: ChatEvent,
    events: AsyncGenerator[ChatEvent, None],
    n: int,
    include_usage: bool,
    usage: UsageRecord,
) -> AsyncIterator[bytes]:
    """The completion as server-sent events, from the first event already pulled on."""

    def rendered(event: ChatEvent) -> bytes:
        if isinstance(event, ChatUsage):
            usage.tokens_in = event.prompt_tokens
            usage.tokens_out = event.completion_tokens
            return completion.chunk([], usage=_usage_body(event)) if include_usage else b""
        if isinstance(event, ChatPrompt):
            usage.tokens_in = event.prompt_tokens
            return b""
        # Counted as it goes out: a client that leaves before the final usage (which replaces
        # these counts) is billed the tokens it received.
        usage.tokens_out += event.tokens
        if not (event.text or event.finish_reason):
            return b""
        delta = {"content": event.text} if event.text else {}
        return completion.chunk(
            [{"index": event.index, "delta": delta, "logprobs": None, "finish_reason": event.finish_reason}]
        )

    try:
        role = {"role": "assistant", "content": ""}
        roles = b"".join(
            completion.chunk([{"index": index, "delta": role, "logprobs": None, "finish_reason": None}])
            for index in range(n)
        )
        yield roles + rendered(first)  # ready together: one write
        while (event := await anext(events, None)) is not None:
            if out := rendered(event):
                yield out
        yield SSE_DONE
    except KaiError as exc:
        # Too late for a status: tell the client in the stream, as OpenAI does, and
        # count the request as failed.
        usage.failed = True
        yield b"data: " + orjson.dumps(exc.body()) + b"\n\n"
    finally:
        # Client gone or stream done: closing the iterator aborts the engine's request.
        await _close(events)


async def _close(events: AsyncGenerator[ChatEvent, None]) -> None:
    """Close the engine's stream (aborting its request if it still runs), even when cancelled."""
    with anyio.CancelScope(shield=True):
        await events.aclose()


async def _first_output(events: AsyncIterator[ChatEvent], usage: UsageRecord) -> ChatEvent:
    """The engine's first delta (or its usage). The prompt's size, yielded before it, is
    recorded at once: billed even if the client leaves before the answer."""
    event = await anext(events)
    while isinstance(event, ChatPrompt):
        usage.tokens_in = event.prompt_tokens
        event = await anext(events)
    return event


async def _answer(
    events: AsyncIterator[ChatEvent], usage: UsageRecord, n: int
) -> tuple[list[dict[str, Any]], ChatUsage]:
    """The whole answer, for a client that asked for one JSON body."""
    return await _collect(await _first_output(events, usage), events, n)


async def _collect(
    first: ChatEvent, events: AsyncIterator[ChatEvent], n: int
) -> tuple[list[dict[str, Any]], ChatUsage]:
    texts: list[list[str]] = [[] for _ in range(n)]
    finish: list[str | None] = [None] * n
    totals = ChatUsage(0, 0)
    event: ChatEvent | None = first
    while event is not None:
        if isinstance(event, ChatDelta):
            texts[event.index].append(event.text)
            finish[event.index] = event.finish_reason or finish[event.index]
        elif isinstance(event, ChatUsage):
            totals = event
        event = await anext(events, None)
    choices = [
        {
            "index": i,
            "message": {"role": "assistant", "content": "".join(texts[i])},
            "logprobs": None,
            "finish_reason": finish[i] or "stop",
        }
        for i in range(n)
    ]
    return choices, totals


def _usage_body(usage: ChatUsage) -> dict[str, int]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
    }
