"""Prometheus metrics of one gateway process, served at GET /metrics (text exposition format).

Counted by the gateway middleware when a request ends: requests by endpoint, status, model and
error code, their duration, tokens and audio seconds by model, limit refusals by code. Read from
the runtime when scraped: requests in flight, the thread pool's and the parse workers' admitted
jobs and replaced workers, the GPU semaphore's waiters and wait time, each upstream's health.
Each gateway process serves its own (`kai-local serve` runs one process; scrape every one).
No label carries a key, a file name or anything of a request's content: only endpoint names,
status codes, model ids and upstream URLs from models.toml.

Each app has its own registry (several apps live in one test process).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Seconds: from a cached GET to a long transcription.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

# An error code as a label: a bounded vocabulary of snake_case words, never free text.
_CODE = re.compile(r"[a-z][a-z0-9_]{0,47}")


@dataclass(frozen=True)
class Reading:
    """One sample family read at scrape time: a gauge (a level now) or a counter (a running
    total kept by the runtime object it comes from)."""

    name: str
    help: str
    samples: list[tuple[dict[str, str], float]]
    kind: str = "gauge"


# The labelled series of one kind of request: requests, duration, tokens in, tokens out, audio.
_Children = tuple[Any, Any, Any | None, Any | None, Any | None]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "kai_requests",
            "Requests answered, by endpoint, HTTP status, model and error code (empty: none).",
            ["endpoint", "status", "model", "code"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "kai_limit_refusals",
            "Requests refused by a per-key limit, by its error code.",
            ["code"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "kai_request_duration_seconds",
            "Time from request to the end of the response, by endpoint.",
            ["endpoint"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self.tokens = Counter(
            "kai_tokens",
            "Prompt (in) and completion (out) tokens, by model.",
            ["model", "direction"],
            registry=self.registry,
        )
        self.audio_seconds = Counter(
            "kai_audio_seconds",
            "Seconds of audio transcribed or translated, by model.",
            ["model"],
            registry=self.registry,
        )
        self.in_flight = 0
        # (endpoint, status, model, code) -> its labelled series; bounded: endpoints from the route
        # table, statuses, catalog models, error codes (an unknown code is "other")
        self._children: dict[tuple[str, int, str, str], _Children] = {}

    def observe(
        self,
        endpoint: str,
        status: int,
        seconds: float,
        model: str | None,
        code: str | None,
        tokens_in: int,
        tokens_out: int,
        audio: float,
    ) -> None:
        """One finished request (any status; 499: the client went away). `model` is a catalog
        id the route resolved (or empty); `code` one of the error codes of kai_local.errors and
        the engines, or an upstream's, kept only when it looks like one."""
        shown = code if code and _CODE.fullmatch(code) else ("other" if code else "")
        key = (endpoint, status, model or "", shown)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = self._labelled(*key)
        requests, duration, tokens_in_total, tokens_out_total, audio_total = children
        requests.inc()
        duration.observe(seconds)
        if tokens_in and tokens_in_total is not None:
            tokens_in_total.inc(tokens_in)
        if tokens_out and tokens_out_total is not None:
            tokens_out_total.inc(tokens_out)
        if audio and audio_total is not None:
            audio_total.inc(audio)

    def _labelled(self, endpoint: str, status: int, model: str, code: str) -> _Children:
        """The labelled series one kind of request counts in, looked up once: prometheus-client's
        `labels()` validates and locks on every call (8 us of the chat hop, 3 us with this)."""
        requests = self.requests.labels(endpoint, str(status), model, code)
        duration = self.duration.labels(endpoint)
        if not model:
            return requests, duration, None, None, None
        return (
            requests,
            duration,
            self.tokens.labels(model, "in"),
            self.tokens.labels(model, "out"),
            self.audio_seconds.labels(model),
        )

    def read_at_scrape(self, read: Callable[[], Iterable[Reading]]) -> None:
        """Gauges whose values `read` takes from the runtime each time /metrics is asked."""
        self.registry.register(_ScrapeTime(read))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _ScrapeTime(Collector):
    def __init__(self, read: Callable[[], Iterable[Reading]]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        for reading in self._read():
            labels = sorted(reading.samples[0][0]) if reading.samples else []
            kind = CounterMetricFamily if reading.kind == "counter" else GaugeMetricFamily
            family = kind(reading.name, reading.help, labels=labels)
            for values, value in reading.samples:
                family.add_metric([values[k] for k in labels], value)
            yield family
