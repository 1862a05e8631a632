"""POST /chat/completions: OpenAI's chat completions, plain or streamed as server-sent events."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from kai_local.api.context import json_body, loaded_chat_engine, request_id_of, usage_of
from kai_local.api.validation import (
    optional_bool,
    optional_int,
    optional_number,
    optional_str,
)
from kai_local.engines.chat.base import (
    ChatDelta,
    ChatEvent,
    ChatMessage,
    ChatPrompt,
    ChatRequest,
    ChatUsage,
    SamplingOptions,
)
from kai_local.errors import InvalidRequest, KaiError
from kai_local.gateway.usage import UsageRecord

# OpenAI's newer "developer" role is what "system" was; both reach the template as "system".
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
MAX_STOP_SEQUENCES = 4
MAX_TOKENS = 32768  # the spec's range; an engine clamps it further to the room in the context
# OpenAI request fields this server cannot honour: refused rather than silently ignored, when
# set to anything but their "off" value.
UNSUPPORTED: dict[str, tuple[Any, ...]] = {
    "tools": (None, []),
    "functions": (None, []),
    "tool_choice": (None, "none"),
    "function_call": (None, "none"),
    "logprobs": (None, False),
    "top_logprobs": (None,),
    "audio": (None,),
    "prediction": (None,),
}
# Nginx's "client closed request": logged and stored for a request whose client went away.
CLIENT_CLOSED = 499

T = TypeVar("T")


@dataclass(frozen=True)
class ChatParams:
    model: str | None
    messages: tuple[ChatMessage, ...]
    sampling: SamplingOptions
    stream: bool
    include_usage: bool


def _message_content(content: Any, index: int) -> str:
    param = f"messages[{index}].content"
    if isinstance(content, list):  # OpenAI's content parts: text only
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(
                part.get("text"), str
            ):
                raise InvalidRequest(
                    "Only text content parts ({'type': 'text', 'text': '...'}) are supported.",
                    param=param,
                    code="invalid_type",
                )
            texts.append(part["text"])
        content = "".join(texts)
    if not isinstance(content, str):
        raise InvalidRequest(f"'{param}' must be a string.", param=param, code="invalid_type")
    if not content:
        raise InvalidRequest(
            f"'{param}' must be at least 1 character.", param=param, code="invalid_value"
        )
    return content


def _messages(body: dict[str, Any]) -> tuple[ChatMessage, ...]:
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise InvalidRequest(
            "'messages' must be an array with at least 1 item.", param="messages", code="invalid_value"
        )
    messages = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InvalidRequest(
                f"'messages[{index}]' must be an object.", param=f"messages[{index}]", code="invalid_type"
            )
        role = item.get("role")
        if not isinstance(role, str) or role not in ROLES:
            raise InvalidRequest(
                f"'messages[{index}].role' must be one of {', '.join(ROLES)}; got {role!r}.",
                param=f"messages[{index}].role",
                code="invalid_value",
            )
        messages.append(ChatMessage(role=ROLES[role], content=_message_content(item.get("content"), index)))
    return tuple(messages)


def _stop(body: dict[str, Any]) -> tuple[str, ...]:
    stop = body.get("stop")
    if stop is None:
        return ()
    items = [stop] if isinstance(stop, str) else stop
    if (
        not isinstance(items, list)
        or not all(isinstance(s, str) and s for s in items)
        or len(items) > MAX_STOP_SEQUENCES
    ):
        raise InvalidRequest(
            f"'stop' must be a non-empty string or an array of up to {MAX_STOP_SEQUENCES} of them.",
            param="stop",
            code="invalid_value",
        )
    return tuple(items)


def _max_tokens(body: dict[str, Any]) -> int | None:
    """`max_completion_tokens` (what current OpenAI SDKs send) or the older `max_tokens`."""
    newer = optional_int(body, "max_completion_tokens", 1, MAX_TOKENS)
    older = optional_int(body, "max_tokens", 1, MAX_TOKENS)
    if newer is not None and older is not None and newer != older:
        raise InvalidRequest(
            "Set 'max_completion_tokens' or 'max_tokens', not both with different values.",
            param="max_tokens",
            code="invalid_value",
        )
    return newer if newer is not None else older


def _refuse_unsupported(body: dict[str, Any]) -> None:
    for name, off in UNSUPPORTED.items():
        if name in body and body[name] not in off:
            raise InvalidRequest(
                f"'{name}' is not supported by this server.", param=name, code="unsupported_parameter"
            )
    response_format = body.get("response_format")
    if response_format is not None and response_format != {"type": "text"}:
        raise InvalidRequest(
            "Only 'response_format': {'type': 'text'} is supported.",
            param="response_format",
            code="unsupported_parameter",
        )


def parse_chat_params(body: dict[str, Any]) -> ChatParams:
    _refuse_unsupported(body)
    stream_options = body.get("stream_options")
    if stream_options is not None and not isinstance(stream_options, dict):
        raise InvalidRequest(
            "'stream_options' must be an object.", param="stream_options", code="invalid_type"
        )
    sampling = SamplingOptions(
        temperature=optional_number(body, "temperature", 0, 2),
        top_p=optional_number(body, "top_p", 0, 1),
        max_tokens=_max_tokens(body),
        n=optional_int(body, "n", 1, 10) or 1,
        stop=_stop(body),
        presence_penalty=optional_number(body, "presence_penalty", -2, 2) or 0.0,
        frequency_penalty=optional_number(body, "frequency_penalty", -2, 2) or 0.0,
        seed=optional_int(body, "seed", -(2**63), 2**63 - 1),
        # vLLM's extension: generate exactly max_tokens (benchmarks).
        ignore_eos=bool(optional_bool(body, "ignore_eos")),
    )
    return ChatParams(
        model=optional_str(body, "model") or None,
        messages=_messages(body),
        sampling=sampling,
        stream=bool(optional_bool(body, "stream")),
        include_usage=bool(optional_bool(stream_options or {}, "include_usage")),
    )


async def _unless_disconnected(request: Request, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Await `work`, cancelling it if the client disconnects first: (finished, result).

    Only for the time before a response starts; a started stream is watched by Starlette's
    StreamingResponse. The body is already read, so the next ASGI message is the disconnect.
    """
    results: list[T] = []
    failures: list[Exception] = []
    async with anyio.create_task_group() as group:
        group.start_soon(_cancel_on_disconnect, request, group.cancel_scope)
        try:
            results.append(await work)
        except Exception as exc:  # re-raised below as it is: the task group would wrap it
            failures.append(exc)
        group.cancel_scope.cancel()
    if failures:
        raise failures[0]
    return (True, results[0]) if results else (False, None)


async def _cancel_on_disconnect(request: Request, scope: anyio.CancelScope) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


async def create_chat_completion(request: Request) -> Response:
    params = await json_body(request, parse_chat_params)
    spec, engine = loaded_chat_engine(request, params.model)
    usage = usage_of(request)
    chat_request = ChatRequest(request_id_of(request), params.messages, params.sampling)
    completion_id = "chatcmpl-" + request_id_of(request).removeprefix("req_")
    created = int(time.time())
    events = aiter(engine.generate(chat_request))
    try:
        # Pull the first event before answering, so errors such as context_length_exceeded
        # still become a proper status instead of a broken stream.
        finished, first = await _unless_disconnected(request, _first_output(events, usage))
        if finished and not params.stream:
            finished, collected = await _unless_disconnected(
                request, _collect(first, events, params.sampling.n)  # type: ignore[arg-type]
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
                yield chunk([{"index": index, "delta": {"role": "assistant", "content": ""},
                              "logprobs": None, "finish_reason": None}])
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
                        yield chunk([{"index": event.index, "delta": delta, "logprobs": None,
                                      "finish_reason": event.finish_reason}])
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
