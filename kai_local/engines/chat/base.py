"""The chat engine contract: one request in, a stream of text deltas and a final usage out.

The deltas carry their token counts, and the prompt's size comes first, so a stream the
client drops before its end is still billed what it received.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Protocol

from kai_local.catalog import ModelSpec


@dataclass(frozen=True)
class ChatMessage:
    role: str  # system | user | assistant
    content: str


@dataclass(frozen=True)
class SamplingOptions:
    temperature: float | None = None  # None: the model's default (OpenAI: 1.0)
    top_p: float | None = None
    max_tokens: int | None = None  # None: up to the model's context length
    n: int = 1
    stop: tuple[str, ...] = ()
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    seed: int | None = None
    ignore_eos: bool = False  # benchmarks: generate exactly max_tokens


@dataclass(frozen=True)
class ChatRequest:
    request_id: str
    messages: tuple[ChatMessage, ...]
    sampling: SamplingOptions


@dataclass(frozen=True)
class ChatPrompt:
    """Yielded once before any delta, by an engine that knows the prompt's size by then."""

    prompt_tokens: int


@dataclass(frozen=True)
class ChatDelta:
    """New text for choice `index`; `finish_reason` ("stop" | "length") on its last delta;
    `tokens`: the completion tokens generated since the previous delta of any choice."""

    index: int
    text: str
    finish_reason: str | None = None
    tokens: int = 0


@dataclass(frozen=True)
class ChatUsage:
    """Yielded once, after every choice finished: the engine's real token counts."""

    prompt_tokens: int
    completion_tokens: int


ChatEvent = ChatPrompt | ChatDelta | ChatUsage


class ChatEngine(Protocol):
    spec: ModelSpec

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        """Stream the completion. Closing the iterator early (client gone) must abort the
        request in the engine. A prompt over the context raises InvalidRequest with code
        `context_length_exceeded`."""
        ...
