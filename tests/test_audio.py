"""POST /audio/transcriptions and /audio/translations on the real faster-whisper models.

The gateway starts once per session with only the Whisper entries of the real models.toml (so
vLLM does not start) and the prepared embedded weights. Audio comes from tests/data/audio;
other containers and the videos are made from it with ffmpeg. Transcripts are checked by key
words and a normalised word error rate, never by exact punctuation.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import jiwer
import numpy as np
import openai
import pytest

from kai_local.catalog import ModelCatalog
from kai_local.preparation import prepare_models
from kai_local.settings import Settings
from tests.conftest import Gateway, prepared_models_dir, running_gateway
from tests.support import REPO, TESTDATA

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

AUDIO = TESTDATA / "audio"
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
WHISPER_MODELS = ("whisper-base", "whisper-tiny.en", "whisper-large-v3-turbo")
SRT_TIME = r"\d{2}:\d{2}:\d{2},\d{3}"
VTT_TIME = r"\d{2}:\d{2}:\d{2}\.\d{3}"


# --- helpers ------------------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    return re.sub(r"[^\w' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate (jiwer) after lower-casing and dropping punctuation."""
    return jiwer.wer(" ".join(words_of(reference)), " ".join(words_of(hypothesis)))


def whisper_models_toml(path: Path) -> Path:
    """The Whisper entries of the real models.toml, written back as TOML."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"

    entries = tomllib.loads((REPO / "models.toml").read_text())["models"]
    lines = []
    for model_id in WHISPER_MODELS:
        lines.append(f'[models."{model_id}"]')
        lines += [f"{k} = {value(v)}" for k, v in entries[model_id].items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True, timeout=120)


def subtitle_cues(body: str, time_pattern: str) -> list[tuple[str, list[str]]]:
    """(timing line, text lines) of each cue; asserts the block layout on the way."""
    cues = []
    for block in body.strip().split("\n\n"):
        lines = block.split("\n")
        timing = next(i for i, line in enumerate(lines) if "-->" in line)
        assert re.fullmatch(f"{time_pattern} --> {time_pattern}", lines[timing]), lines[timing]
        cues.append((lines[timing], lines[timing + 1 :]))
        if time_pattern == SRT_TIME:
            assert timing == 1 and lines[0] == str(len(cues)), block  # numbered 1, 2, 3 ...
    return cues


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def check_cues(cues: list[tuple[str, list[str]]]) -> str:
    previous_end = 0.0
    for timing, lines in cues:
        start, end = (seconds(s) for s in timing.split(" --> "))
        assert previous_end <= start <= end, timing
        previous_end = end
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= 42 for line in lines), lines
    return " ".join(line for _, lines in cues for line in lines)


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test clips in every accepted container, made once with ffmpeg."""
    out = tmp_path_factory.mktemp("media")
    jfk = AUDIO / "jfk.flac"
    clips = {"flac": jfk}
    for ext, codec in {"mp3": [], "m4a": [], "wav": [], "ogg": [], "aac": [], "webm": ["-c:a", "libopus"]}.items():
        clips[ext] = out / f"jfk.{ext}"
        ffmpeg("-i", jfk, *codec, clips[ext])
    picture = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10"]
    clips["video.mp4"] = out / "jfk-video.mp4"
    ffmpeg(
        *picture, "-i", jfk, "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", clips["video.mp4"]
    )
    for ext, codecs in {"mov": ["-c", "copy"], "mkv": ["-c", "copy"], "avi": ["-c:v", "mpeg4", "-c:a", "mp3"]}.items():
        clips[f"video.{ext}"] = out / f"jfk-video.{ext}"
        ffmpeg("-i", clips["video.mp4"], *codecs, clips[f"video.{ext}"])
    clips["video.webm"] = out / "jfk-video.webm"
    ffmpeg(
        *picture,
        "-i",
        jfk,
        "-shortest",
        "-c:v",
        "libvpx",
        "-deadline",
        "realtime",
        "-c:a",
        "libopus",
        clips["video.webm"],
    )
    clips["no-audio.mp4"] = out / "no-audio.mp4"
    ffmpeg(*picture, "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", clips["no-audio.mp4"])
    clips["silence.wav"] = out / "silence.wav"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "5", clips["silence.wav"])
    clips["german.ogg"] = out / "german.ogg"  # the German half of multilingual.mp3
    ffmpeg("-ss", "30", "-i", AUDIO / "multilingual.mp3", clips["german.ogg"])
    return clips


def audio_settings(tmp: Path, **overrides: Any) -> Settings:
    models_dir = prepared_models_dir()
    models_file = whisper_models_toml(tmp / "models.toml")
    # Idempotent and offline; normally scripts/setup.sh has done it already.
    prepare_models(ModelCatalog.load(models_file, models_dir), ["whisper-base", "whisper-tiny.en"])
    return replace(
        Settings(), data_dir=tmp / "data", models_file=models_file, models_dir_override=models_dir, **overrides
    )


@pytest.fixture(scope="session")
async def audio_gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    async with running_gateway(audio_settings(tmp_path_factory.mktemp("audio"))) as gw:
        yield gw


@pytest.fixture(scope="session")
def key(audio_gw: Gateway) -> str:
    return audio_gw.create_key("default")


@pytest.fixture
def client(audio_gw: Gateway, key: str) -> openai.AsyncOpenAI:
    return audio_gw.openai(key)


async def post(
    gw: Gateway, key: str, path: str, data: bytes, name: str = "clip.flac", **fields: str | list[str]
) -> Any:
    return await gw.http.post(path, headers=gw.headers(key), files={"file": (name, data)}, data=fields)


# --- the embedded models ------------------------------------------------------------------


async def test_models_listed(audio_gw: Gateway, key: str) -> None:
    ids = {m["id"] for m in (await audio_gw.http.get("/models", headers=audio_gw.headers(key))).json()["data"]}
    assert {"whisper-base", "whisper-tiny.en"} <= ids
    assert "whisper-large-v3-turbo" not in ids  # no weights here: known, not served
    assert set(audio_gw.services.engines) == {"whisper-base", "whisper-tiny.en"}


# --- response formats through the official SDK ---------------------------------------------


async def test_json(client: openai.AsyncOpenAI) -> None:
    result = await client.audio.transcriptions.create(
        model="whisper-1", file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes())
    )
    assert wer(JFK, result.text) <= 0.1, result.text
    assert result.text == result.text.strip()


async def test_text(client: openai.AsyncOpenAI) -> None:
    text = await client.audio.transcriptions.create(
        model="whisper-1", file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes()), response_format="text"
    )
    assert isinstance(text, str) and text.endswith("\n")
    assert wer(JFK, text) <= 0.1, text


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
async def test_subtitles(client: openai.AsyncOpenAI, fmt: str) -> None:
    body = await client.audio.transcriptions.create(
        model="whisper-1", file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes()), response_format=fmt
    )
    if fmt == "vtt":
        assert body.startswith("WEBVTT\n\n")
        body = body.removeprefix("WEBVTT\n\n")
    cues = subtitle_cues(body, SRT_TIME if fmt == "srt" else VTT_TIME)
    # One 11 s, 100-character Whisper segment becomes several readable cues.
    assert len(cues) >= 2
    assert seconds(cues[-1][0].split(" --> ")[1]) == pytest.approx(11.0, abs=0.5)
    assert wer(JFK, check_cues(cues)) <= 0.1


async def test_verbose_json_with_words(client: openai.AsyncOpenAI) -> None:
    result = await client.audio.transcriptions.create(
        model="whisper-1",
        file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes()),
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    assert result.language == "english"
    assert result.duration == pytest.approx(11.0, abs=0.05)
    assert result.usage is not None and result.usage.seconds == pytest.approx(11.0, abs=0.05)
    assert wer(JFK, result.text) <= 0.1
    assert result.segments and [s.id for s in result.segments] == list(range(len(result.segments)))
    for segment in result.segments:
        assert 0 <= segment.start < segment.end <= 11.05
        assert segment.tokens and segment.temperature == 0.0
        assert segment.avg_logprob < 0 and 0 <= segment.no_speech_prob <= 1
        assert segment.compression_ratio > 0
    assert result.words is not None
    assert [w.word for w in result.words if w.word.strip(",.").lower() == "americans"]
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and all(w.start <= w.end for w in result.words)
    assert wer(JFK, " ".join(w.word for w in result.words)) <= 0.1


async def test_verbose_json_segments_only(audio_gw: Gateway, key: str) -> None:
    response = await post(
        audio_gw,
        key,
        "/audio/transcriptions",
        (AUDIO / "jfk.flac").read_bytes(),
        model="whisper-tiny.en",
        response_format="verbose_json",
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["task"] == "transcribe" and "words" not in body
    assert set(body["segments"][0]) == {
        "id",
        "seek",
        "start",
        "end",
        "text",
        "tokens",
        "temperature",
        "avg_logprob",
        "compression_ratio",
        "no_speech_prob",
    }


# --- languages, prompt, temperature, translation ------------------------------------------


async def test_german_detected(client: openai.AsyncOpenAI, media: dict[str, Path]) -> None:
    result = await client.audio.transcriptions.create(
        model="whisper-base",
        file=("german.ogg", media["german.ogg"].read_bytes()),
        response_format="verbose_json",
    )
    assert result.language == "german"
    found = set(words_of(result.text))
    assert {"software", "dokumentationsdateien"} & found and {"die", "der", "und"} & found, result.text


async def test_language_prompt_and_temperature(client: openai.AsyncOpenAI) -> None:
    result = await client.audio.transcriptions.create(
        model="whisper-base",
        file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes()),
        language="en",
        prompt="A speech by President Kennedy.",
        temperature=0.2,
    )
    assert wer(JFK, result.text) <= 0.15, result.text


# The openai SDK marks audio.translations.create deprecated; the endpoint is ours to serve all the same.
@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")
async def test_translation_to_english(client: openai.AsyncOpenAI, media: dict[str, Path]) -> None:
    result = await client.audio.translations.create(
        model="whisper-base", file=("german.ogg", media["german.ogg"].read_bytes())
    )
    found = set(words_of(result.text))
    assert "software" in found and {"the", "to", "and"} <= found, result.text
    assert not {"die", "der", "und"} & found, result.text


# --- containers: detected by content, video's audio track used -----------------------------


@pytest.mark.parametrize(
    "clip",
    ["mp3", "m4a", "wav", "ogg", "aac", "webm", "video.mp4", "video.webm", "video.mov", "video.avi", "video.mkv"],
)
async def test_containers(client: openai.AsyncOpenAI, media: dict[str, Path], clip: str) -> None:
    # Named .bin: the format must come from the content.
    result = await client.audio.transcriptions.create(
        model="whisper-tiny.en", file=("upload.bin", media[clip].read_bytes())
    )
    assert wer(JFK, result.text) <= 0.15, result.text


async def test_silence_is_empty_text(client: openai.AsyncOpenAI, media: dict[str, Path]) -> None:
    result = await client.audio.transcriptions.create(
        model="whisper-1",
        file=("silence.wav", media["silence.wav"].read_bytes()),
        response_format="verbose_json",
    )
    assert result.text == "" and result.segments == [] and result.duration == pytest.approx(5.0)


# --- bad files ------------------------------------------------------------------------------


def _truncated_mp4(media: dict[str, Path]) -> bytes:
    return media["video.mp4"].read_bytes()[:20_000]  # ffmpeg writes the index (moov) last


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("no-audio.mp4", lambda m: m["no-audio.mp4"].read_bytes(), "no_audio_stream"),
        ("cut.mp4", _truncated_mp4, "corrupt_file"),
        ("cut.flac", lambda m: (AUDIO / "jfk.flac").read_bytes()[:3000], "corrupt_file"),
        ("notes.mp3", lambda m: b"These are meeting notes, not audio.\n" * 20, "unsupported_file_format"),
        ("empty.wav", lambda m: b"", "empty_file"),
    ],
)
async def test_bad_files(audio_gw: Gateway, key: str, media: dict[str, Path], name: str, make: Any, code: str) -> None:
    response = await post(audio_gw, key, "/audio/transcriptions", make(media), name=name)
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == code, error
    assert error["param"] == "file" and error["type"] == "invalid_request_error"


async def test_image_is_unsupported(client: openai.AsyncOpenAI, tmp_path: Path) -> None:
    png = tmp_path / "frame.png"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1", png)
    with pytest.raises(openai.BadRequestError) as caught:
        await client.audio.transcriptions.create(model="whisper-1", file=("frame.mp3", png.read_bytes()))
    assert caught.value.code == "unsupported_file_format"


async def test_over_limit_file(audio_gw: Gateway) -> None:
    audio_gw.create_product("tiny-uploads", max_file_size=100_000)
    client = audio_gw.openai(audio_gw.create_key("tiny-uploads"))
    with pytest.raises(openai.APIStatusError) as caught:
        await client.audio.transcriptions.create(
            model="whisper-1", file=("jfk.flac", (AUDIO / "jfk.flac").read_bytes())
        )
    assert caught.value.status_code == 413 and caught.value.code == "file_too_large"


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fields", "status", "code", "param"),
    [
        ("/audio/transcriptions", {"language": "deu"}, 400, "invalid_language", "language"),
        ("/audio/transcriptions", {"language": "d1"}, 400, "invalid_language", "language"),
        ("/audio/transcriptions", {"language": "xx"}, 400, "unsupported_language", "language"),
        (
            "/audio/transcriptions",
            {"model": "whisper-tiny.en", "language": "de"},
            400,
            "unsupported_language",
            "language",
        ),
        ("/audio/transcriptions", {"prompt": "x" * 1001}, 400, "invalid_value", "prompt"),
        ("/audio/transcriptions", {"temperature": "1.5"}, 400, "invalid_value", "temperature"),
        ("/audio/transcriptions", {"temperature": "-0.1"}, 400, "invalid_value", "temperature"),
        ("/audio/transcriptions", {"temperature": "nan"}, 400, "invalid_value", "temperature"),
        ("/audio/transcriptions", {"temperature": "warm"}, 400, "invalid_type", "temperature"),
        ("/audio/transcriptions", {"response_format": "xml"}, 400, "invalid_value", "response_format"),
        (
            "/audio/transcriptions",
            {"timestamp_granularities[]": "word"},
            400,
            "invalid_value",
            "timestamp_granularities",
        ),
        (
            "/audio/transcriptions",
            {"response_format": "verbose_json", "timestamp_granularities[]": "phoneme"},
            400,
            "invalid_value",
            "timestamp_granularities",
        ),
        ("/audio/transcriptions", {"stream": "true"}, 400, "unsupported_value", "stream"),
        ("/audio/transcriptions", {"model": "gpt-4o-transcribe"}, 404, "model_not_found", "model"),
        ("/audio/transcriptions", {"model": "whisper-large-v3-turbo"}, 404, "model_not_found", "model"),
        ("/audio/translations", {"model": "whisper-tiny.en"}, 400, "translation_not_supported", "model"),
        ("/audio/translations", {"response_format": "yaml"}, 400, "invalid_value", "response_format"),
    ],
)
async def test_bad_parameters(
    audio_gw: Gateway, key: str, path: str, fields: dict[str, str], status: int, code: str, param: str
) -> None:
    response = await post(audio_gw, key, path, (AUDIO / "jfk.flac").read_bytes(), **fields)
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["param"]) == (status, code, param), error


async def test_missing_file(audio_gw: Gateway, key: str) -> None:
    response = await audio_gw.http.post(
        "/audio/transcriptions",
        headers=audio_gw.headers(key),
        data={"model": "whisper-1"},
        files={"other": ("a", b"x")},
    )
    assert response.status_code == 400 and response.json()["error"]["param"] == "file"
    response = await audio_gw.http.post(
        "/audio/transcriptions", headers=audio_gw.headers(key), json={"file": "jfk.flac"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_content_type"


async def test_empty_values_are_defaults_and_usage_is_recorded(audio_gw: Gateway) -> None:
    key = audio_gw.create_key("default")
    response = await post(
        audio_gw,
        key,
        "/audio/transcriptions",
        (AUDIO / "jfk.flac").read_bytes(),
        model="",
        language="",
        prompt="",
        temperature="",
        response_format="",
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"text", "usage"} and wer(JFK, response.json()["text"]) <= 0.1
    usage = (await audio_gw.http.get("/usage", headers=audio_gw.headers(key))).json()
    assert usage["total_ok"] == 1 and usage["total_audio_seconds"] == pytest.approx(11.0, abs=0.05)
    store = audio_gw.services.store
    record = store.find_key(key, usage["period"])
    assert record is not None
    rows = [row[1:3] for row in store.usage_rows(record.key.id)]
    assert rows == [("audio_transcriptions", "whisper-base")]  # the product default, by its id


# --- the bounded pool -----------------------------------------------------------------------


async def test_busy_pool_answers_503(tmp_path: Path) -> None:
    settings = audio_settings(tmp_path, cpu_workers=1, cpu_queue_limit=0)
    data = (AUDIO / "jfk.flac").read_bytes()
    async with running_gateway(settings) as gw:
        key = gw.create_key("default")
        responses: list[Any] = []

        async def one() -> None:
            responses.append(await post(gw, key, "/audio/transcriptions", data, model="whisper-tiny.en"))

        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(one)
        statuses = sorted(r.status_code for r in responses)
        assert statuses[0] == 200 and 503 in statuses, statuses
        busy = next(r for r in responses if r.status_code == 503)
        assert busy.json()["error"]["code"] == "server_busy" and busy.headers["retry-after"]
        assert gw.services.cpu_pool.admitted == 0


# --- engine configuration (no model load; the GPU path cannot run on this machine) -----------


def test_gpu_entry_configures_batched_float16() -> None:
    from kai_local.engines.speech.base import TranscriptionOptions
    from kai_local.engines.speech.whisper import WhisperTranscriber

    catalog = ModelCatalog.load(REPO / "models.toml", prepared_models_dir())
    engine = WhisperTranscriber(catalog.models["whisper-large-v3-turbo"], Settings())
    assert engine.accelerator == "cuda:0"
    assert engine.model_kwargs() == {
        "device": "cuda",
        "device_index": 0,
        "local_files_only": True,
        "compute_type": "float16",
    }
    kwargs = engine.transcribe_kwargs(TranscriptionOptions(language="de", temperature=0.3))
    assert kwargs["batch_size"] == 16 and kwargs["language"] == "de" and kwargs["temperature"] == [0.3]

    cpu = WhisperTranscriber(catalog.models["whisper-base"], replace(Settings(), cpu_workers=2))
    assert cpu.accelerator is None
    assert cpu.model_kwargs()["compute_type"] == "int8" and cpu.model_kwargs()["num_workers"] == 2
    assert "batch_size" not in cpu.transcribe_kwargs(TranscriptionOptions())
    assert cpu.transcribe_kwargs(TranscriptionOptions())["temperature"][0] == 0.0  # with fallback


async def test_unknown_engine_arg_fails_at_start() -> None:
    from kai_local.catalog import ModelSpec
    from kai_local.engines.speech.whisper import WhisperTranscriber

    spec = ModelSpec(
        id="w",
        kind="transcription",
        engine="faster-whisper",
        weights=prepared_models_dir() / "whisper-tiny.en",
        engine_args={"beam_sise": 2},
    )
    with pytest.raises(ValueError, match="beam_sise"):
        await WhisperTranscriber(spec, Settings()).start()


# --- long audio in windows ----------------------------------------------------------------------


def test_cut_points_fall_in_pauses() -> None:
    from kai_local.engines.speech.windows import cut_points

    rng = np.random.default_rng(0)
    samples = rng.uniform(-0.5, 0.5, 16_000 * 50).astype(np.float32)
    samples[16_000 * 17 : 16_000 * 18] = 0.0  # a one-second pause, 3 s before the 20 s mark
    samples[16_000 * 36 : 16_000 * 37] = 0.0
    points = cut_points(samples, window_seconds=20)
    assert points[0] == 0 and len(points) == 3
    assert 17 * 16_000 <= points[1] < 18 * 16_000
    assert 36 * 16_000 <= points[2] < 37 * 16_000


async def test_windows_join_into_one_transcript(audio_gw: Gateway) -> None:
    from kai_local.engines.speech.base import TranscriptionOptions
    from kai_local.engines.speech.media import decode_media
    from kai_local.engines.speech.windows import transcribe_in_windows

    speech = decode_media((AUDIO / "jfk.flac").read_bytes(), 60).samples
    samples = np.concatenate([speech, np.zeros(16_000, np.float32), speech])  # 23 s
    engine = audio_gw.services.engines["whisper-tiny.en"]
    transcript = await anyio.to_thread.run_sync(
        lambda: transcribe_in_windows(engine.transcribe, samples, TranscriptionOptions(), 14)
    )
    assert transcript.duration == pytest.approx(23.0)
    assert wer(f"{JFK} {JFK}", transcript.text) <= 0.15, transcript.text
    assert [s.id for s in transcript.segments] == list(range(len(transcript.segments)))
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and transcript.segments[-1].end == pytest.approx(23.0, abs=0.5)
    assert all(s.end <= 23.0 for s in transcript.segments)
    assert any(s.start >= 11.0 and "ask" in s.text.lower() for s in transcript.segments)
