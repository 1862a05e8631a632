"""faster-whisper (CTranslate2) behind the Transcriber contract.

models.toml `engine_args` are split three ways: WhisperModel's constructor (compute_type,
cpu_threads, num_workers, device_index), `batch_size` (switches to BatchedInferencePipeline, the
GPU path), and everything else passed to `transcribe` (beam_size, vad_filter, ...). Unknown keys
fail at start-up rather than on the first request.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import anyio.to_thread
import numpy as np

from kai_local.catalog import ModelSpec
from kai_local.engines.speech.base import (
    Segment,
    Transcript,
    TranscriptionOptions,
    Word,
)
from kai_local.settings import Settings

MODEL_ARGS = frozenset({"compute_type", "cpu_threads", "num_workers", "device_index"})
# faster-whisper's own fallback: start greedy-ish at 0 and retry hotter when decoding fails.
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Silero VAD (bundled with faster-whisper) drops non-speech first: silence gives an empty text
# instead of Whisper's classic hallucinations ("You", "Thank you."), and it saves time.
DEFAULT_DECODE_ARGS: dict[str, Any] = {"vad_filter": True, "beam_size": 5}


def _device(spec: ModelSpec) -> tuple[str, int]:
    kind, _, index = spec.device.partition(":")
    return kind, int(index or 0)


class WhisperTranscriber:
    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec
        self._settings = settings
        self._model: Any = None  # faster_whisper.WhisperModel
        self._runner: Any = None  # the model, or a BatchedInferencePipeline around it
        self._languages: frozenset[str] = frozenset()
        args = dict(spec.engine_args)
        self._batch_size: int | None = args.pop("batch_size", None)
        self._model_args = {k: args.pop(k) for k in list(args) if k in MODEL_ARGS}
        self._decode_args = {**DEFAULT_DECODE_ARGS, **args}
        device, index = _device(spec)
        self._device = device
        self._device_index = int(self._model_args.pop("device_index", index))

    @property
    def languages(self) -> frozenset[str]:
        return self._languages

    @property
    def accelerator(self) -> str | None:
        return None if self._device == "cpu" else f"{self._device}:{self._device_index}"

    def model_kwargs(self) -> dict[str, Any]:
        """WhisperModel's constructor arguments (besides the weights folder) for this entry."""
        kwargs: dict[str, Any] = {
            "device": self._device,
            "device_index": self._device_index,
            "local_files_only": True,  # never reach for the hub
            **self._model_args,
        }
        if self._device == "cpu":
            kwargs.setdefault("compute_type", "int8")
            # One CTranslate2 worker per pool worker, so concurrent uploads really run in
            # parallel, each with every core: measured on 2 cores (whisper-base, jfk.flac), one
            # upload ran at 6.2x real time this way against 3.4x with the cores shared out, and
            # four at once at 7.1x against 6.9x.
            kwargs.setdefault("num_workers", self._settings.cpu_workers)
            kwargs.setdefault("cpu_threads", os.cpu_count() or 1)
        else:
            kwargs.setdefault("compute_type", "float16")
        return kwargs

    def transcribe_kwargs(self, options: TranscriptionOptions) -> dict[str, Any]:
        """`transcribe`'s keyword arguments for one request (the benchmark calls it directly)."""
        temperature = options.temperature
        kwargs = {
            **self._decode_args,
            "task": options.task,
            "language": options.language,
            "initial_prompt": options.prompt,
            "temperature": [temperature] if temperature else list(FALLBACK_TEMPERATURES),
            "word_timestamps": options.word_timestamps,
        }
        if self._batch_size:
            kwargs["batch_size"] = self._batch_size
        return kwargs

    async def start(self) -> None:
        await anyio.to_thread.run_sync(self._load)

    def _load(self) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        accepted = set(inspect.signature(WhisperModel.transcribe).parameters) - {"self", "audio"}
        unknown = set(self._decode_args) - accepted
        if unknown:
            raise ValueError(f"model {self.spec.id!r}: unknown engine_args {sorted(unknown)}")
        if self._device != "cpu":
            self._check_cuda()
        self._model = WhisperModel(str(self.spec.weights_dir), **self.model_kwargs())
        self._runner = BatchedInferencePipeline(model=self._model) if self._batch_size else self._model
        self._languages = frozenset(self._model.supported_languages)
        if self._device != "cpu":
            self._warm_up()

    def _gpu_hint(self, problem: str) -> RuntimeError:
        return RuntimeError(
            f"model {self.spec.id!r} on {self.spec.device}: {problem}. CTranslate2 loads "
            "libcublas.so.12 at run time; on a host with only CUDA 13 libraries, link "
            "libcublas.so.12 and libcublasLt.so.12 to them (docs/gpu.md)."
        )

    def _check_cuda(self) -> None:
        import ctranslate2

        count = ctranslate2.get_cuda_device_count()
        if count <= self._device_index:
            raise self._gpu_hint(f"CTranslate2 sees {count} CUDA device(s)")

    def _warm_up(self) -> None:
        """One second of silence through encoder and decoder: a missing cuBLAS shows up now,
        at start-up, instead of on the first request."""
        try:
            segments, _ = self._model.transcribe(
                np.zeros(16_000, dtype=np.float32),
                language="en",
                vad_filter=False,
                without_timestamps=True,
                temperature=0.0,
            )
            list(segments)
        except RuntimeError as exc:
            raise self._gpu_hint(str(exc)) from exc

    async def close(self) -> None:
        self._runner = self._model = None  # CTranslate2 frees the weights with the last reference

    def transcribe(self, audio: np.ndarray, options: TranscriptionOptions) -> Transcript:
        if self._runner is None:
            raise RuntimeError(f"model {self.spec.id!r} is not started")
        segments, info = self._runner.transcribe(audio, **self.transcribe_kwargs(options))
        # The segments are a lazy generator: the decoding happens while this loop runs.
        result = tuple(_segment(i, s) for i, s in enumerate(segments))
        return Transcript(language=info.language, duration=float(info.duration), segments=result)


def _segment(index: int, s: Any) -> Segment:
    return Segment(
        id=index,
        seek=int(s.seek),
        start=round(float(s.start), 3),
        end=round(float(s.end), 3),
        text=s.text,
        tokens=tuple(int(t) for t in s.tokens),
        temperature=float(s.temperature or 0.0),
        avg_logprob=float(s.avg_logprob),
        compression_ratio=float(s.compression_ratio),
        no_speech_prob=float(s.no_speech_prob),
        words=tuple(
            Word(w.word, round(float(w.start), 3), round(float(w.end), 3), float(w.probability)) for w in s.words or ()
        ),
    )
