"""Test engines registered through the real extension point (the engine registry).

Used only by tests that are about the gateway, never by tests of an engine itself.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import anyio
import anyio.lowlevel

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatPrompt, ChatRequest, ChatUsage
from kai_local.settings import Settings


class EchoChatEngine:
    """Answers with the last user message, one token per word; waits on `gate` first when one
    is set."""

    gate: anyio.Event | None = None
    started = 0
    finished = 0
    aborted = 0

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        cls = type(self)
        cls.started += 1
        try:
            if cls.gate is not None:
                await cls.gate.wait()
            prompt_tokens = sum(len(m.content.split()) for m in request.messages)
            yield ChatPrompt(prompt_tokens)
            words = request.messages[-1].content.split()
            for i, word in enumerate(words):
                last = i == len(words) - 1
                yield ChatDelta(0, word if i == 0 else " " + word, "stop" if last else None, tokens=1)
                await anyio.lowlevel.checkpoint()
            yield ChatUsage(prompt_tokens=prompt_tokens, completion_tokens=len(words))
            cls.finished += 1
        except BaseException:
            cls.aborted += 1
            raise

    @classmethod
    def reset(cls) -> None:
        cls.gate = None
        cls.started = cls.finished = cls.aborted = 0


class HoldingChatEngine:
    """For limits across processes: streams "held", then waits until the file named by the last
    user message exists (the test creates it to let every held request finish), then "done"."""

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        release = anyio.Path(request.messages[-1].content)
        yield ChatPrompt(1)
        yield ChatDelta(0, "held", None, tokens=1)
        while not await release.exists():
            await anyio.sleep(0.02)
        yield ChatDelta(0, " done", "stop", tokens=1)
        yield ChatUsage(prompt_tokens=1, completion_tokens=2)
