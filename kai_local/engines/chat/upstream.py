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

import asyncio
import itertools
import logging
import os
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest, ChatUsage
from kai_local.engines.upstream_client import (
    UpstreamClient,
    UpstreamConnectionError,
    UpstreamError,
    UpstreamStatusError,
)
from kai_local.errors import InvalidRequest, ServiceUnavailable
from kai_local.settings import Settings

log = logging.getLogger("kai_local.engines.upstream")


@dataclass(frozen=True)
class UpstreamConfig:
    upstreams: tuple[str, ...]
    upstream_model: str
    api_key_env: str | None = None
    health_interval_s: float = 5.0
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 600.0

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> UpstreamConfig:
        args = dict(spec.engine_args)
        upstreams = args.pop("upstreams", None)
        if (
            not isinstance(upstreams, list)
            or not upstreams
            or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in upstreams)
        ):
            raise ValueError(f"model {spec.id!r}: engine_args.upstreams must list http(s) base URLs")
        config = cls(
            upstreams=tuple(u.rstrip("/") for u in upstreams),
            upstream_model=str(args.pop("upstream_model", spec.id)),
            api_key_env=args.pop("api_key_env", None),
            health_interval_s=float(args.pop("health_interval_s", cls.health_interval_s)),
            connect_timeout_s=float(args.pop("connect_timeout_s", cls.connect_timeout_s)),
            read_timeout_s=float(args.pop("read_timeout_s", cls.read_timeout_s)),
        )
        if args:
            raise ValueError(f"model {spec.id!r}: unknown engine_args for openai-upstream: {sorted(args)}")
        return config


@dataclass
class Upstream:
    url: str
    client: UpstreamClient
    healthy: bool = False
    max_model_len: int | None = None
    served: int = field(default=0)  # requests it answered (tests and logs look at the spread)


class UpstreamChatEngine:
    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec
        self.config = UpstreamConfig.from_spec(spec)
        self.upstreams: list[Upstream] = []
        self._turn = itertools.count()
        self._health_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        api_key = os.environ.get(self.config.api_key_env, "") if self.config.api_key_env else ""
        self.upstreams = [
            Upstream(url, UpstreamClient(url, api_key, self.config.connect_timeout_s, self.config.read_timeout_s))
            for url in self.config.upstreams
        ]
        await self.check_health()
        # Down servers do not stop start-up: the health loop lets them join when they come up.
        down = [u.url for u in self.upstreams if not u.healthy]
        if down:
            log.warning("%s: upstream(s) not answering yet: %s", self.spec.id, ", ".join(down))
        self._health_task = asyncio.get_running_loop().create_task(self._health_loop())

    async def close(self) -> None:
        if self._health_task is not None:
            self._health_task.cancel()
            await asyncio.gather(self._health_task, return_exceptions=True)
            self._health_task = None
        for upstream in self.upstreams:
            await upstream.client.close()

    async def check_health(self) -> None:
        await asyncio.gather(*(self._check(u) for u in self.upstreams))

    async def _health_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.health_interval_s)
            await self.check_health()

    async def _check(self, upstream: Upstream) -> None:
        try:
            models = await upstream.client.get_json("models", timeout_s=self.config.connect_timeout_s + 2)
        except UpstreamError as exc:
            self._mark(upstream, False, f"health check failed: {exc}")
            return
        listed = models.get("data") if isinstance(models, dict) else None
        model = next(
            (m for m in listed or () if isinstance(m, dict) and m.get("id") == self.config.upstream_model), None
        )
        if model is None:
            self._mark(upstream, False, f"does not serve {self.config.upstream_model!r}")
            return
        # vLLM lists the context length with the model; other servers may not.
        length = model.get("max_model_len")
        upstream.max_model_len = int(length) if isinstance(length, int) else None
        self._mark(upstream, True, "answers")

    def _mark(self, upstream: Upstream, healthy: bool, why: str) -> None:
        if upstream.healthy != healthy:
            log.log(
                logging.INFO if healthy else logging.WARNING,
                "%s: upstream %s %s: %s",
                self.spec.id,
                upstream.url,
                "up" if healthy else "down",
                why,
            )
        upstream.healthy = healthy

    def _order(self) -> list[Upstream]:
        """Healthy servers in round-robin order, then the others (their mark may be stale)."""
        healthy = [u for u in self.upstreams if u.healthy]
        down = [u for u in self.upstreams if not u.healthy]
        if healthy:
            start = next(self._turn) % len(healthy)
            healthy = healthy[start:] + healthy[:start]
        return healthy + down

    def _body(self, request: ChatRequest, upstream: Upstream) -> dict[str, Any]:
        sampling = request.sampling
        max_tokens = sampling.max_tokens
        if max_tokens is not None and upstream.max_model_len:
            # vLLM refuses max_tokens above its context length but clamps anything smaller to
            # the room the prompt leaves: the same policy as the in-process engine.
            max_tokens = min(max_tokens, upstream.max_model_len)
        body: dict[str, Any] = {
            "model": self.config.upstream_model,
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
        failures = []
        headers = {"X-Request-Id": request.request_id}
        for upstream in self._order():
            events = upstream.client.stream_events("chat/completions", self._body(request, upstream), headers)
            try:
                return events, await anext(events, None), upstream
            except UpstreamStatusError as exc:
                status = exc.status
                if status < 500 and status not in (401, 403, 404, 429):
                    raise _client_error(exc) from None  # the request's fault: same everywhere
                if status not in (429, 503):  # busy is not down; the rest is down or misconfigured
                    self._mark(upstream, False, f"HTTP {status}: {exc.message}")
                failures.append(f"{upstream.url}: HTTP {status}")
            except UpstreamConnectionError as exc:
                self._mark(upstream, False, f"request failed: {exc}")
                failures.append(f"{upstream.url}: {exc}")
        log.warning("%s: no upstream took request %s: %s", self.spec.id, request.request_id, "; ".join(failures))
        raise ServiceUnavailable(
            f"No upstream server for '{self.spec.id}' is available right now; retry later.",
            code="upstream_unavailable",
            headers={"Retry-After": str(max(1, round(self.config.health_interval_s)))},
        )

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
                self._mark(upstream, False, f"stream broke: {exc}")
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
