"""POST /chat/completions: OpenAI's chat completions, plain or streamed as server-sent events.

The body is checked in chat_params.py; a client that goes away stops the work (disconnect.py)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from kai_local.api.chat_params import parse_chat_params
from kai_local.api.context import json_body, loaded_chat_engine, request_id_of, usage_of
from kai_local.api.disconnect import unless_disconnected
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest, ChatUsage
from kai_local.errors import KaiError
from kai_local.gateway.usage import UsageRecord

# Nginx's "client closed request": logged and stored for a request whose client went away.
CLIENT_CLOSED = 499


async def create_chat_completion(request: Request) -> Response:
    params = await json_body(request, parse_chat_params)
    spec, engine = loaded_chat_engine(request, params.model)
    usage = usage_of(request)
    chat_request = ChatRequest(request_id_of(request), params.messages, params.sampling)
    completion_id = "chatcmpl-" + request_id_of(request).removeprefix("req_")
    created = int(time.time())
    events = engine.generate(chat_request)
    try:
        # Pull the first event before answering, so errors such as context_length_exceeded
        # still become a proper status instead of a broken stream.
        finished, first = await unless_disconnected(request, _first_output(events, usage))
        if finished and not params.stream:
            finished, collected = await unless_disconnected(
                request,
                _collect(first, events, params.sampling.n),  # type: ignore[arg-type]
            )
    except BaseException:
        with anyio.CancelScope(shield=True):
            await events.aclose()
        raise
    if not finished:
        with anyio.CancelScope(shield=True):
            await events.aclose()  # aborts the request in the engine
        return Response(status_code=CLIENT_CLOSED)

    if not params.stream:
        with anyio.CancelScope(shield=True):
            await events.aclose()
        choices, totals = collected  # type: ignore[misc]
        usage.tokens_in, usage.tokens_out = totals.prompt_tokens, totals.completion_tokens
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": spec.id,
                "choices": choices,
                "usage": _usage_body(totals),
            }
        )

    async def sse() -> AsyncIterator[str]:
        def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": spec.id,
                "choices": choices,
                **extra,
            }
            return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

        try:
            for index in range(params.sampling.n):
                yield chunk(
                    [
                        {
                            "index": index,
                            "delta": {"role": "assistant", "content": ""},
                            "logprobs": None,
                            "finish_reason": None,
                        }
                    ]
                )
            event: ChatEvent | None = first
            while event is not None:
                if isinstance(event, ChatUsage):
                    usage.tokens_in = event.prompt_tokens
                    usage.tokens_out = event.completion_tokens
                    if params.include_usage:
                        yield chunk([], usage=_usage_body(event))
                elif isinstance(event, ChatPrompt):
                    usage.tokens_in = event.prompt_tokens
                else:
                    # Counted as it goes out: a client that leaves before the final usage
                    # (which replaces these counts) is billed the tokens it received.
                    usage.tokens_out += event.tokens
                    if event.text or event.finish_reason:
                        delta = {"content": event.text} if event.text else {}
                        yield chunk(
                            [
                                {
                                    "index": event.index,
                                    "delta": delta,
                                    "logprobs": None,
                                    "finish_reason": event.finish_reason,
                                }
                            ]
                        )
                event = await anext(events, None)
            yield "data: [DONE]\n\n"
        except KaiError as exc:
            # Too late for a status: tell the client in the stream, as OpenAI does, and
            # count the request as failed.
            usage.failed = True
            yield f"data: {json.dumps(exc.body(), ensure_ascii=False)}\n\n"
        finally:
            # Client gone or stream done: closing the iterator aborts the engine's request.
            with anyio.CancelScope(shield=True):
                await events.aclose()

    return StreamingResponse(
        sse(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _first_output(events: AsyncIterator[ChatEvent], usage: UsageRecord) -> ChatEvent:
    """The engine's first delta (or its usage). The prompt's size, yielded before it, is
    recorded at once: billed even if the client leaves before the answer."""
    event = await anext(events)
    while isinstance(event, ChatPrompt):
        usage.tokens_in = event.prompt_tokens
        event = await anext(events)
    return event


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
