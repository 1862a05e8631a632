"""POST /audio/transcriptions and /audio/translations: OpenAI's Whisper API on local models.

Parse and validate the multipart form, resolve the model, run the transcription in the bounded
pool (kai_local.engines.speech.runner), render the requested format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from kai_local.api.context import loaded_transcriber, request_id_of, services_of, usage_of
from kai_local.api.uploads import Upload, UploadForm, read_form
from kai_local.engines.speech.base import (
    Task,
    Transcriber,
    Transcript,
    TranscriptionOptions,
)
from kai_local.engines.speech.languages import language_name
from kai_local.engines.speech.runner import run_transcription
from kai_local.engines.speech.subtitles import to_srt, to_vtt
from kai_local.errors import InvalidRequest
from kai_local.gateway.auth import principal_of

RESPONSE_FORMATS = ("json", "text", "srt", "verbose_json", "vtt")
GRANULARITIES = ("segment", "word")
MAX_PROMPT_CHARS = 1000
FALSE_VALUES = ("false", "0")


@dataclass(frozen=True)
class AudioParams:
    upload: Upload
    model: str | None
    response_format: str
    granularities: tuple[str, ...]
    options: TranscriptionOptions


def _choice(form: UploadForm, name: str, choices: tuple[str, ...], default: str) -> str:
    value = form.value(name) or default
    if value not in choices:
        raise InvalidRequest(
            f"'{name}' must be one of {', '.join(choices)}; got {value!r}.",
            param=name,
            code="invalid_value",
        )
    return value


def _temperature(form: UploadForm) -> float | None:
    raw = form.value("temperature")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidRequest(
            f"'temperature' must be a number; got {raw!r}.", param="temperature", code="invalid_type"
        ) from None
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise InvalidRequest(
            f"'temperature' must be between 0 and 1; got {raw}.",
            param="temperature",
            code="invalid_value",
        )
    return value


def _language(form: UploadForm) -> str | None:
    raw = form.value("language")
    if raw is None:
        return None
    if len(raw) != 2 or not raw.isascii() or not raw.isalpha():
        raise InvalidRequest(
            f"'language' must be a 2-letter ISO-639-1 code such as 'de' or 'en'; got {raw!r}.",
            param="language",
            code="invalid_language",
        )
    return raw.lower()


def _prompt(form: UploadForm) -> str | None:
    prompt = form.value("prompt")
    if prompt is not None and len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidRequest(
            f"'prompt' must not be longer than {MAX_PROMPT_CHARS} characters; got {len(prompt)}.",
            param="prompt",
            code="invalid_value",
        )
    return prompt


def _granularities(form: UploadForm, response_format: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(form.values("timestamp_granularities")))
    unknown = [v for v in values if v not in GRANULARITIES]
    if unknown:
        raise InvalidRequest(
            f"'timestamp_granularities' may hold {' and '.join(GRANULARITIES)}; got {unknown[0]!r}.",
            param="timestamp_granularities",
            code="invalid_value",
        )
    if values and response_format != "verbose_json":
        raise InvalidRequest(
            "'timestamp_granularities' needs response_format 'verbose_json'.",
            param="timestamp_granularities",
            code="invalid_value",
        )
    return values or ("segment",)


def parse_audio_params(form: UploadForm, task: Task) -> AudioParams:
    stream = form.value("stream")
    if stream is not None and stream.lower() not in FALSE_VALUES:
        raise InvalidRequest("Streaming is not supported for Whisper models.", param="stream", code="unsupported_value")
    response_format = _choice(form, "response_format", RESPONSE_FORMATS, "json")
    granularities = _granularities(form, response_format)
    options = TranscriptionOptions(
        task=task,
        language=_language(form),
        prompt=_prompt(form),
        temperature=_temperature(form),
        word_timestamps="word" in granularities,
    )
    upload = form.single_file("file", "a 'file' to transcribe")
    return AudioParams(upload, form.value("model"), response_format, granularities, options)


def check_language(transcriber: Transcriber, options: TranscriptionOptions) -> None:
    known = transcriber.languages
    model_id = transcriber.spec.id
    if known == {"en"} and options.task == "translate":
        raise InvalidRequest(
            f"The model '{model_id}' is English-only and cannot translate; use a multilingual model.",
            param="model",
            code="translation_not_supported",
        )
    if options.language is None or options.language in known:
        return
    if known == {"en"}:
        message = f"The model '{model_id}' is English-only; it cannot transcribe '{options.language}'."
    else:
        message = f"The model '{model_id}' does not know the language '{options.language}'."
    raise InvalidRequest(message, param="language", code="unsupported_language")


def _verbose(transcript: Transcript, task: Task, granularities: tuple[str, ...]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task": task,
        # OpenAI names the language of the text: English for a translation.
        "language": language_name("en" if task == "translate" else transcript.language),
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
    }
    if "segment" in granularities:
        body["segments"] = [
            {
                "id": s.id,
                "seek": s.seek,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "tokens": list(s.tokens),
                "temperature": s.temperature,
                "avg_logprob": s.avg_logprob,
                "compression_ratio": s.compression_ratio,
                "no_speech_prob": s.no_speech_prob,
            }
            for s in transcript.segments
        ]
    if "word" in granularities:
        body["words"] = [{"word": w.word.strip(), "start": w.start, "end": w.end} for w in transcript.words]
    body["usage"] = _usage(transcript)
    return body


def _usage(transcript: Transcript) -> dict[str, Any]:
    return {"type": "duration", "seconds": round(transcript.duration, 3)}


def render(transcript: Transcript, params: AudioParams) -> Response:
    fmt = params.response_format
    if fmt == "json":
        return JSONResponse({"text": transcript.text, "usage": _usage(transcript)})
    if fmt == "verbose_json":
        return JSONResponse(_verbose(transcript, params.options.task, params.granularities))
    if fmt == "srt":
        return PlainTextResponse(to_srt(transcript))
    if fmt == "vtt":
        return PlainTextResponse(to_vtt(transcript), media_type="text/vtt")
    return PlainTextResponse(transcript.text + "\n")


async def _handle(request: Request, task: Task) -> Response:
    services = services_of(request)
    params = parse_audio_params(await read_form(request), task)
    _, transcriber = loaded_transcriber(request, params.model)
    usage = usage_of(request)
    check_language(transcriber, params.options)
    transcript = await run_transcription(
        transcriber,
        params.upload.data,
        params.options,
        pool=services.cpu_pool,
        decoder=services.parse_pool,
        gpu=services.gpu,
        max_audio_seconds=services.settings.max_audio_seconds,
        decode_timeout_s=services.settings.media_decode_timeout_s,
        owner=principal_of(request).key.id,
        filename=params.upload.filename,
        request_id=request_id_of(request),
    )
    usage.audio_seconds = transcript.duration
    return render(transcript, params)


async def create_transcription(request: Request) -> Response:
    return await _handle(request, "transcribe")


async def create_translation(request: Request) -> Response:
    return await _handle(request, "translate")
