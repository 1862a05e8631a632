"""Chat forwarded to OpenAI-compatible vLLM servers elsewhere (scale-out): round robin over the
healthy ones, health checks in the background, failover to the next server when one fails
before answering.

    [models."llama-3.3-70b-pool".engine_args]
    upstreams = ["http://10.0.0.11:8000/v1", "http://10.0.0.12:8000/v1"]
    upstream_model = "Meta-Llama-3_3-70B-Instruct"   # the name the servers serve (default: this id)
    api_key_env = "KAI_UPSTREAM_KEY"                  # if the servers want a key (--api-key)

Every request is streamed from the upstream (also when the client asked for one JSON answer),
so closing the iterator closes the connection, and vLLM aborts the request when its client goes.
A server that refuses connections or answers 5xx is marked down and the request goes to the
next one; a failure after the first token cannot be retried without repeating text, so it ends
the request. Servers marked down are checked again every `health_interval_s`
(GET /models, which must list `upstream_model`) and rejoin when they answer.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest, ChatUsage
from kai_local.engines.upstream_client import UpstreamConnectionError, UpstreamError, UpstreamStatusError
from kai_local.engines.upstream_pool import Upstream, UpstreamPool
from kai_local.errors import InvalidRequest, ServiceUnavailable
from kai_local.settings import Settings


class UpstreamChatEngine:
    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec
        self.pool = UpstreamPool(spec)

    @property
    def upstreams(self) -> list[Upstream]:
        return self.pool.upstreams

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    def _body(self, request: ChatRequest, upstream: Upstream) -> dict[str, Any]:
        sampling = request.sampling
        max_tokens = sampling.max_tokens
        if max_tokens is not None and upstream.max_model_len:
            # vLLM refuses max_tokens above its context length but clamps anything smaller to
            # the room the prompt leaves: the same policy as the in-process engine.
            max_tokens = min(max_tokens, upstream.max_model_len)
        body: dict[str, Any] = {
            "model": self.pool.config.upstream_model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "n": sampling.n,
            "stream": True,
            # vLLM's running counts on every chunk: a stream cut short is still billed right.
            "stream_options": {"include_usage": True, "continuous_usage_stats": True},
            "presence_penalty": sampling.presence_penalty,
            "frequency_penalty": sampling.frequency_penalty,
        }
        optional = {
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "max_tokens": max_tokens,
            "seed": sampling.seed,
            "stop": list(sampling.stop) or None,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        if sampling.ignore_eos:
            body["ignore_eos"] = True  # a vLLM extension
        return body

    async def _open(
        self, request: ChatRequest
    ) -> tuple[AsyncGenerator[list[dict[str, Any]], None], list[dict[str, Any]] | None, Upstream]:
        """The first server in turn that accepts the request: its event stream, the first events
        (None: the stream ended at once) and the server. Up to the first events nothing has been
        passed on, so any failure until then moves on to the next server."""
        headers = {"X-Request-Id": request.request_id}

        async def attempt(
            upstream: Upstream,
        ) -> tuple[AsyncGenerator[list[dict[str, Any]], None], list[dict[str, Any]] | None, Upstream]:
            events = upstream.client.stream_events("chat/completions", self._body(request, upstream), headers)
            return events, await anext(events, None), upstream

        return await self.pool.first_to_answer(request.request_id, attempt, _client_error)

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        events, batch, upstream = await self._open(request)
        usage: dict[str, Any] | None = None
        counted: dict[int, int] = {}  # completion tokens per choice, as reported so far
        try:
            while batch is not None:
                # What arrived in one read goes on as one delta per choice: a stream that runs
                # ahead of us (a fast server, a busy gateway) is passed on in fewer, larger
                # pieces instead of falling further behind one small write at a time.
                merged: dict[int, ChatDelta] = {}
                for chunk in batch:
                    chunk_usage = chunk.get("usage")
                    if chunk_usage:
                        if usage is None and not counted:  # the first chunk (the role) has it
                            yield ChatPrompt(chunk_usage["prompt_tokens"])
                        usage = chunk_usage  # the last one, after every choice, holds the totals
                    for choice in chunk.get("choices") or ():
                        text = (choice.get("delta") or {}).get("content") or ""
                        finish_reason = choice.get("finish_reason")
                        if text or finish_reason:
                            # A choice's chunk carries that choice's running count: this delta's
                            # tokens are what it adds to the count its earlier deltas carried.
                            index = choice.get("index", 0)
                            before = counted.get(index, 0)
                            running = chunk_usage["completion_tokens"] if chunk_usage else before
                            counted[index] = max(before, running)
                            delta = ChatDelta(index, text, finish_reason, tokens=counted[index] - before)
                            merged[index] = _joined(merged[index], delta) if index in merged else delta
                for delta in merged.values():
                    yield delta
                batch = await anext(events, None)
        except UpstreamError as exc:
            # After the first token: retrying elsewhere would repeat text, so the request ends.
            if isinstance(exc, UpstreamConnectionError):
                self.pool.mark(upstream, False, f"stream broke: {exc}")
            raise ServiceUnavailable(
                f"The upstream server for '{self.spec.id}' failed during the answer.",
                code="upstream_error",
            ) from None
        finally:
            # Done, or our client went away: closing the connection makes vLLM abort it.
            await events.aclose()
        upstream.served += 1
        yield ChatUsage(
            prompt_tokens=usage["prompt_tokens"] if usage else 0,
            completion_tokens=usage["completion_tokens"] if usage else 0,
        )


def _joined(first: ChatDelta, then: ChatDelta) -> ChatDelta:
    return ChatDelta(
        first.index, first.text + then.text, then.finish_reason or first.finish_reason, first.tokens + then.tokens
    )


def _client_error(exc: UpstreamStatusError) -> InvalidRequest:
    """An upstream 400 as our own, keeping OpenAI's code for what clients branch on."""
    message = exc.message
    param = exc.error.get("param")
    if param == "input_tokens" or "maximum context length" in message:
        return InvalidRequest(message, code="context_length_exceeded", param="messages")
    return InvalidRequest(message, param=param if isinstance(param, str) else None)
