"""A pool of OpenAI-compatible servers for one model, shared by the upstream engines (chat and
transcription): round robin over the healthy ones, health checks in the background, failover to
the next server when one fails before answering.

    [models."NAME".engine_args]
    upstreams = ["http://10.0.0.11:8000/v1", "http://10.0.0.12:8000/v1"]
    upstream_model = "Meta-Llama-3_3-70B-Instruct"   # the name the servers serve (default: this id)
    api_key_env = "KAI_UPSTREAM_KEY"                  # if the servers want a key (--api-key)

A server that refuses connections or answers 5xx is marked down and the request goes to the
next one. Servers marked down are checked again every `health_interval_s` (GET /models, which
must list `upstream_model`) and rejoin when they answer.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kai_local.catalog import ModelSpec
from kai_local.engines.upstream_client import (
    UpstreamClient,
    UpstreamConnectionError,
    UpstreamError,
    UpstreamStatusError,
)
from kai_local.errors import InvalidRequest, ServiceUnavailable

log = logging.getLogger("kai_local.engines.upstream")

T = TypeVar("T")


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


class UpstreamPool:
    def __init__(self, spec: ModelSpec) -> None:
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
            self.mark(upstream, False, f"health check failed: {exc}")
            return
        listed = models.get("data") if isinstance(models, dict) else None
        model = next(
            (m for m in listed or () if isinstance(m, dict) and m.get("id") == self.config.upstream_model), None
        )
        if model is None:
            self.mark(upstream, False, f"does not serve {self.config.upstream_model!r}")
            return
        # vLLM lists the context length with the model; other servers may not.
        length = model.get("max_model_len")
        upstream.max_model_len = int(length) if isinstance(length, int) else None
        self.mark(upstream, True, "answers")

    def mark(self, upstream: Upstream, healthy: bool, why: str) -> None:
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

    def order(self) -> list[Upstream]:
        """Healthy servers in round-robin order, then the others (their mark may be stale)."""
        healthy = [u for u in self.upstreams if u.healthy]
        down = [u for u in self.upstreams if not u.healthy]
        if healthy:
            start = next(self._turn) % len(healthy)
            healthy = healthy[start:] + healthy[:start]
        return healthy + down

    async def first_to_answer(
        self,
        request_id: str,
        attempt: Callable[[Upstream], Awaitable[T]],
        client_error: Callable[[UpstreamStatusError], InvalidRequest],
    ) -> T:
        """`attempt` on the servers in turn until one answers. A status that is the request's
        fault (4xx but 401/403/404/429) is raised at once as `client_error` makes it; a server
        that is down or misconfigured is marked so; none answering: 503 upstream_unavailable."""
        failures = []
        for upstream in self.order():
            try:
                return await attempt(upstream)
            except UpstreamStatusError as exc:
                status = exc.status
                if status < 500 and status not in (401, 403, 404, 429):
                    raise client_error(exc) from None  # the request's fault: same everywhere
                if status not in (429, 503):  # busy is not down; the rest is down or misconfigured
                    self.mark(upstream, False, f"HTTP {status}: {exc.message}")
                failures.append(f"{upstream.url}: HTTP {status}")
            except UpstreamConnectionError as exc:
                self.mark(upstream, False, f"request failed: {exc}")
                failures.append(f"{upstream.url}: {exc}")
        log.warning("%s: no upstream took request %s: %s", self.spec.id, request_id, "; ".join(failures))
        raise ServiceUnavailable(
            f"No upstream server for '{self.spec.id}' is available right now; retry later.",
            code="upstream_unavailable",
            headers={"Retry-After": str(max(1, round(self.config.health_interval_s)))},
        )
