"""Transcription speed: real-time factor (audio seconds per wall second, higher is better) of
POST /api/v1/audio/transcriptions through a real `kai-local serve` (uvicorn on 127.0.0.1), side by
side with calling faster-whisper directly in this process with the same model and options.

    .venv/bin/python benchmarks/transcription.py [--model whisper-base] [--audio FILE]
        [--concurrency 1 4] [--rounds 5]

Both sides decode the upload (PyAV) and transcribe it; `concurrency` uploads of the same file run
at once (threads for the direct side, HTTP requests for the gateway). The two alternate, round
after round; the table shows medians, and for the ratio the median of the per-round ratios
(with their range). Target: the gateway keeps >= 95 % of direct.
On a shared, busy machine wall times swing; the CPU seconds each side spent (this process for
direct, the server process for the gateway) show the work itself, and swing much less.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kai_local.catalog import ModelCatalog, ModelSpec
from kai_local.engines.speech.base import TranscriptionOptions
from kai_local.engines.speech.whisper import WhisperTranscriber
from kai_local.preparation import prepare_models
from kai_local.settings import Settings
from tests.support import TESTDATA, start_gateway

# Deterministic at temperature 0: no fallback to sampling, so both sides do the same work.
# (multilingual.mp3's German half, taken for English, falls back to sampling at 1.0.)
DEFAULT_AUDIO = TESTDATA / "audio" / "jfk.flac"


def one_model_toml(spec: ModelSpec, path: Path) -> Path:
    """A models.toml holding only `spec`, so the server loads nothing else (no vLLM)."""
    lines = [
        f'[models."{spec.id}"]',
        *(
            f"{k} = {json.dumps(v)}"
            for k, v in {
                "kind": spec.kind,
                "engine": spec.engine,
                "device": spec.device,
                "weights": str(spec.weights),
            }.items()
        ),
        f'[models."{spec.id}".engine_args]',
        *(f"{k} = {json.dumps(v)}" for k, v in spec.engine_args.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


class Gateway:
    """`kai-local serve` in a child process, with one key."""

    def __init__(self, spec: ModelSpec, workdir: Path) -> None:
        data_dir = workdir / "data"
        models_file = one_model_toml(spec, workdir / "models.toml")
        cli = [sys.executable, "-m", "kai_local"]
        created = subprocess.run(
            [*cli, "keys", "create", "--product", "default", "--data-dir", str(data_dir)],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        self.key = created.stdout.strip().splitlines()[-1]
        self.server = start_gateway(data_dir, models_file, log=workdir / "server.log", timeout_s=300)
        self.url = f"{self.server.url}/api/v1/audio/transcriptions"

    def run(self, data: bytes, name: str, concurrency: int) -> tuple[float, float, list[str]]:
        async def all_at_once() -> list[str]:
            async with httpx.AsyncClient(timeout=1800) as client:

                async def one() -> str:
                    response = await client.post(
                        self.url,
                        headers={"Authorization": f"Bearer {self.key}"},
                        files={"file": (name, data)},
                        data={"model": "whisper-1"},
                    )
                    response.raise_for_status()
                    return response.json()["text"]

                return await asyncio.gather(*(one() for _ in range(concurrency)))

        server = psutil.Process(self.server.pid)
        cpu, began = sum(server.cpu_times()[:2]), time.perf_counter()
        texts = asyncio.run(all_at_once())
        return time.perf_counter() - began, sum(server.cpu_times()[:2]) - cpu, texts

    def close(self) -> None:
        self.server.stop(timeout_s=60)


class Direct:
    """faster-whisper itself, configured exactly as the gateway's engine configures it."""

    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        from faster_whisper import WhisperModel

        engine = WhisperTranscriber(spec, settings)
        self.model = WhisperModel(str(spec.weights), **engine.model_kwargs())
        self.kwargs = engine.transcribe_kwargs(TranscriptionOptions())
        self.description = {**engine.model_kwargs(), **self.kwargs}

    def once(self, data: bytes) -> str:
        from faster_whisper.audio import decode_audio

        segments, _ = self.model.transcribe(decode_audio(io.BytesIO(data)), **self.kwargs)
        return "".join(s.text for s in segments).strip()

    def run(self, data: bytes, name: str, concurrency: int) -> tuple[float, float, list[str]]:
        cpu, began = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            texts = list(pool.map(self.once, [data] * concurrency))
        return time.perf_counter() - began, time.process_time() - cpu, texts


def audio_seconds(data: bytes) -> float:
    from faster_whisper.audio import decode_audio

    return len(decode_audio(io.BytesIO(data))) / 16_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="whisper-base")
    parser.add_argument("--audio", type=Path, default=DEFAULT_AUDIO)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    settings = Settings.from_env()
    catalog = ModelCatalog.load(settings.models_file, settings.models_dir)
    prepare_models(catalog, [args.model])
    spec = catalog.models[args.model]
    data = args.audio.read_bytes()
    seconds = audio_seconds(data)

    with tempfile.TemporaryDirectory(prefix="kai-bench-") as tmp:
        gateway = Gateway(spec, Path(tmp))
        try:
            direct = Direct(spec, settings)
            sides: dict[str, Callable[..., tuple[float, float, list[str]]]] = {
                "direct": direct.run,
                "gateway": gateway.run,
            }
            walls: dict[tuple[str, int], list[float]] = {}
            cpus: dict[tuple[str, int], list[float]] = {}
            texts: dict[str, set[str]] = {"direct": set(), "gateway": set()}
            for side, run in sides.items():  # warm-up: first-call costs off the clock
                texts[side].update(run(data, args.audio.name, 1)[2])
            steps = [
                (r, c, s)
                for r in range(args.rounds)
                for c in args.concurrency
                for s in (("direct", "gateway") if r % 2 == 0 else ("gateway", "direct"))
            ]
            for _, concurrency, side in tqdm(steps, desc="transcribing", unit="run"):
                wall, cpu, out = sides[side](data, args.audio.name, concurrency)
                walls.setdefault((side, concurrency), []).append(wall)
                cpus.setdefault((side, concurrency), []).append(cpu)
                texts[side].update(out)
        finally:
            gateway.close()

    print(
        f"\nmodel {spec.id} ({json.dumps(direct.description)}), audio {args.audio.name} "
        f"({seconds:.1f} s), {args.rounds} rounds, medians; distinct transcripts: direct "
        f"{len(texts['direct'])}, gateway {len(texts['gateway'])}, in common "
        f"{len(texts['direct'] & texts['gateway'])}\n"
    )
    print(
        "| concurrent uploads | audio s | direct RTF | gateway RTF | gateway / direct "
        "(range) | direct CPU s | gateway CPU s | direct / gateway CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c in args.concurrency:
        direct_rtf = seconds * c / statistics.median(walls[("direct", c)])
        gateway_rtf = seconds * c / statistics.median(walls[("gateway", c)])
        # Each round runs the two sides back to back, under about the same load from whatever
        # else runs on the machine: the median of the per-round ratios is the steadier figure.
        ratios = [d / g for d, g in zip(walls[("direct", c)], walls[("gateway", c)])]
        direct_cpu = statistics.median(cpus[("direct", c)])
        gateway_cpu = statistics.median(cpus[("gateway", c)])
        print(
            f"| {c} | {seconds * c:.0f} | {direct_rtf:.2f}x | {gateway_rtf:.2f}x "
            f"| {statistics.median(ratios):.1%} ({min(ratios):.0%}-{max(ratios):.0%}) "
            f"| {direct_cpu:.1f} | {gateway_cpu:.1f} | {direct_cpu / gateway_cpu:.1%} |"
        )
    print(
        f"\n(cpu cores: {os.cpu_count()}; RTF = audio seconds / wall seconds; "
        f"load average at the end: {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
