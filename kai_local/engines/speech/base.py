"""The speech contract: decoded audio and options in, a timed transcript out.

A Transcriber's `transcribe` is blocking (it is CPU- or GPU-bound); callers run it off the
event loop through `kai_local.engines.speech.runner`, which bounds it by the CPU pool and, for
an accelerator, the GPU semaphore.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from kai_local.catalog import ModelSpec

Task = Literal["transcribe", "translate"]


@dataclass(frozen=True)
class TranscriptionOptions:
    task: Task = "transcribe"
    language: str | None = None  # ISO 639-1; None: detect
    prompt: str | None = None  # Whisper's initial prompt (style, spellings)
    temperature: float | None = None  # None or 0: 0 with fallback to higher on failure
    word_timestamps: bool = False


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    id: int
    seek: int
    start: float
    end: float
    text: str
    tokens: tuple[int, ...]
    temperature: float
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Transcript:
    language: str  # ISO 639-1 code of the speech (also when translating), detected or given
    duration: float  # seconds of audio
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments).strip()

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(word for segment in self.segments for word in segment.words)


class Transcriber(Protocol):
    spec: ModelSpec

    @property
    def languages(self) -> frozenset[str]:
        """ISO 639-1 codes the model knows; an English-only model knows only "en"."""
        ...

    @property
    def accelerator(self) -> str | None:
        """The GPU semaphore's device name ("cuda:0") if the model runs on one, else None."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    def transcribe(self, audio: np.ndarray, options: TranscriptionOptions) -> Transcript:
        """Blocking. `audio`: float32 mono samples at 16 kHz."""
        ...


@runtime_checkable
class UploadTranscriber(Protocol):
    """A transcriber on another server (openai-upstream): it takes the upload as it came, and
    the server there decodes it. Its `transcribe` is not used."""

    async def transcribe_upload(
        self, media: bytes, filename: str, options: TranscriptionOptions, request_id: str
    ) -> Transcript: ...
