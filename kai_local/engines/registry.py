"""Maps the `engine = "..."` key of models.toml to the class that serves it.

Built-in engines are named by import path so heavy libraries (vLLM, ctranslate2) are imported
only when a model that needs them is loaded. Tests register fakes through `register_engine`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from kai_local.catalog import ModelSpec
from kai_local.settings import Settings


class Engine(Protocol):
    """What the lifespan needs of every engine; chat and speech Protocols extend it."""

    spec: ModelSpec

    async def start(self) -> None: ...

    async def close(self) -> None: ...


EngineFactory = Callable[[ModelSpec, Settings], Engine]

_BUILTIN: dict[str, str] = {
    "vllm": "kai_local.engines.chat.vllm_engine:VllmChatEngine",
    "openai-upstream": "kai_local.engines.chat.upstream:UpstreamChatEngine",
    "faster-whisper": "kai_local.engines.speech.whisper:WhisperTranscriber",
}
# An engine name that serves more than one kind of model, by kind.
_BUILTIN_FOR_KIND: dict[tuple[str, str], str] = {
    ("transcription", "openai-upstream"): "kai_local.engines.speech.upstream:UpstreamTranscriber",
}
_REGISTERED: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    _REGISTERED[name] = factory


def unregister_engine(name: str) -> None:
    _REGISTERED.pop(name, None)


def build_engine(spec: ModelSpec, settings: Settings) -> Engine:
    factory: Any = _REGISTERED.get(spec.engine)
    if factory is None:
        target = _BUILTIN_FOR_KIND.get((spec.kind, spec.engine)) or _BUILTIN.get(spec.engine)
        if target is None:
            known = sorted(set(_BUILTIN) | set(_REGISTERED))
            raise ValueError(f"model {spec.id!r}: unknown engine {spec.engine!r}; known: {known}")
        module_name, _, attr = target.partition(":")
        factory = getattr(importlib.import_module(module_name), attr)
    engine: Engine = factory(spec, settings)
    return engine
