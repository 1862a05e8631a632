"""Transcription forwarded to OpenAI-compatible servers elsewhere: another kai-local, vLLM's
Whisper support, speaches. The same pool as the chat upstream (kai_local.engines.upstream_pool:
round robin, health checks, failover) and the same forwarding client.

    [models."whisper-pool"]
    kind = "transcription"
    engine = "openai-upstream"

    [models."whisper-pool".engine_args]
    upstreams = ["http://10.0.0.21:8000/api/v1"]
    upstream_model = "whisper-large-v3"    # the name the servers serve (default: this id)
    api_key_env = "KAI_UPSTREAM_KEY"        # the servers' key, if they want one

The upload goes on as it came (multipart); the server there decodes it. The answer is asked for
as verbose_json and read back into a Transcript, so every response format, and the audio
seconds counted in usage, come from this gateway as for a local model. A failure before the
answer moves on to the next server; an upload the server refuses (4xx) is the client's 400.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kai_local.catalog import ModelSpec
from kai_local.engines.speech.base import Segment, Transcript, TranscriptionOptions, Word
from kai_local.engines.speech.languages import LANGUAGE_NAMES
from kai_local.engines.upstream_client import UpstreamConnectionError, UpstreamStatusError
from kai_local.engines.upstream_pool import Upstream, UpstreamPool
from kai_local.errors import InternalError, InvalidRequest
from kai_local.settings import Settings

_CODE_OF_NAME = {name: code for code, name in LANGUAGE_NAMES.items()}


class UpstreamTranscriber:
    accelerator: str | None = None  # the servers there own their accelerators

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec
        self.pool = UpstreamPool(spec)

    @property
    def languages(self) -> frozenset[str]:
        """Whisper's languages: the servers there refuse what their model does not know."""
        return frozenset(LANGUAGE_NAMES)

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    def transcribe(self, audio: np.ndarray, options: TranscriptionOptions) -> Transcript:
        raise InternalError("An upstream transcriber takes the upload itself (transcribe_upload).")

    async def transcribe_upload(
        self, media: bytes, filename: str, options: TranscriptionOptions, request_id: str
    ) -> Transcript:
        path = "audio/translations" if options.task == "translate" else "audio/transcriptions"
        fields: dict[str, str | list[str]] = {
            "model": self.pool.config.upstream_model,
            "response_format": "verbose_json",
            "timestamp_granularities[]": ["segment", "word"] if options.word_timestamps else ["segment"],
        }
        if options.language and options.task == "transcribe":
            fields["language"] = options.language
        if options.prompt:
            fields["prompt"] = options.prompt
        if options.temperature is not None:
            fields["temperature"] = str(options.temperature)
        files = {"file": (filename or "audio", media, "application/octet-stream")}
        headers = {"X-Request-Id": request_id}

        async def attempt(upstream: Upstream) -> Transcript:
            response = await upstream.client.post_multipart(path, files, fields, headers)
            try:
                transcript = transcript_from_verbose_json(response.json())
            except (ValueError, TypeError, KeyError) as exc:
                raise UpstreamConnectionError(f"not a verbose_json transcript: {exc}") from None
            upstream.served += 1
            return transcript

        return await self.pool.first_to_answer(request_id, attempt, _client_error)


def transcript_from_verbose_json(body: Any) -> Transcript:
    """OpenAI's verbose_json (language by name, segments, words at the top) as a Transcript."""
    if not isinstance(body, dict):
        raise TypeError("the answer is not a JSON object")
    words = [
        Word(str(w["word"]), float(w["start"]), float(w["end"]), float(w.get("probability", 1.0)))
        for w in body.get("words") or ()
    ]
    raw_segments = body.get("segments") or []
    segments = []
    for i, raw in enumerate(raw_segments):
        start, end = float(raw.get("start", 0.0)), float(raw.get("end", 0.0))
        last = i == len(raw_segments) - 1
        # Each word goes to the segment it starts in (the last one takes any word after it).
        mine = tuple(w for w in words if w.start >= start and (w.start < end or last))
        segments.append(
            Segment(
                id=int(raw.get("id", i)),
                seek=int(raw.get("seek", 0)),
                start=start,
                end=end,
                text=str(raw.get("text", "")),
                tokens=tuple(int(t) for t in raw.get("tokens") or ()),
                temperature=float(raw.get("temperature", 0.0)),
                avg_logprob=float(raw.get("avg_logprob", 0.0)),
                compression_ratio=float(raw.get("compression_ratio", 0.0)),
                no_speech_prob=float(raw.get("no_speech_prob", 0.0)),
                words=mine,
            )
        )
    duration = float(body.get("duration") or (segments[-1].end if segments else 0.0))
    text = str(body.get("text") or "").strip()
    if not segments and text:  # a server that sends no segments: one for the whole text
        segments.append(Segment(0, 0, 0.0, duration, " " + text, (), 0.0, 0.0, 0.0, 0.0, tuple(words)))
    language = str(body.get("language") or "")
    return Transcript(
        language=_CODE_OF_NAME.get(language.lower(), language), duration=duration, segments=tuple(segments)
    )


def _client_error(exc: UpstreamStatusError) -> InvalidRequest:
    """The upstream's refusal of the upload, as our own 400 with its message and code."""
    code = exc.error.get("code")
    param = exc.error.get("param")
    return InvalidRequest(
        exc.message,
        param=param if isinstance(param, str) else "file",
        code=code if isinstance(code, str) else None,
    )
