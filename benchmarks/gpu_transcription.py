"""GPU check of the transcription engine: `WhisperTranscriber` on CUDA with the
`whisper-large-v3-turbo` entry of models.toml (float16, batch_size 16 -> BatchedInferencePipeline),
timed side by side with faster-whisper's BatchedInferencePipeline called directly.

No weights of large-v3-turbo exist on the device machine, so `build` makes a random-weight model
of its exact shape (d_model 1280, 32 encoder / 4 decoder layers, 20 heads, ffn 5120, 128 mel bins,
vocabulary 51866) with transformers, in float16 on the GPU, and converts it with CTranslate2's
TransformersConverter. Random weights rarely emit end-of-text, so chunks decode up to
`--max-new-tokens` tokens (passed as an engine_arg, i.e. to `transcribe`; the start-up self-check
decodes Whisper's full 448): bounded work, the same on both sides (their tokens are compared),
and garbage text. Real-time factors are therefore indicative only; the
engine / direct ratio is the figure.

Three steps; PyAV is not on the device, so the audio travels decoded:

    # here, once: decode the test audio (the project's own PyAV decoder), large-v3 tokenizer
    .venv/bin/python benchmarks/gpu_transcription.py prepare            # -> .gpucheck/
    # device: wheels, cuBLAS 12 -> 13 links (docs/gpu.md), build, bench; see gpu_check.sh
    bash benchmarks/gpu_check.sh
    # here, end to end on CPU with a tiny random model of the same vocabulary and mel bins:
    .venv/bin/python benchmarks/gpu_transcription.py bench --device cpu --tiny \
        --model-dir /tmp/kai-gpucheck/tiny --rounds 3      # builds the tiny model if missing

`bench` reports: the engine's start-up (its CUDA self-check transcribes one second of silence)
and which libcublas the process mapped; per clip (11 s, ~83 s), the median wall time of the
engine and of the direct pipeline over `--rounds` alternating rounds, their real-time factors and
the median of the per-round ratios of their speeds (engine RTF / direct RTF, as in
benchmarks/transcription.py: 100 % = no overhead); 1 and 4 concurrent jobs through the GPU
semaphore (slots 1 and 2) as the gateway runs them, with the most jobs seen inside the engine at
once; and 4 jobs against a 50 ms wait timeout (expect 503 `gpu_busy` for all but one).
Writes gpu_transcription.json to $OUT when OUT is set (else next to --model-dir).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DATA = REPO / ".gpucheck"  # ignored (.git/info/exclude), carried to the device machine
SAMPLE_RATE = 16_000

# large-v3's vocabulary: base's 51865 plus <|yue|> at 50358, after the other 99 languages.
YUE_ID = 50358
VOCAB_SIZE = 51866
SHAPES = {
    # openai/whisper-large-v3-turbo's config.json
    "large-v3-turbo": {
        "d_model": 1280,
        "encoder_layers": 32,
        "decoder_layers": 4,
        "encoder_attention_heads": 20,
        "decoder_attention_heads": 20,
        "encoder_ffn_dim": 5120,
        "decoder_ffn_dim": 5120,
    },
    "tiny": {
        "d_model": 64,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 4,
        "decoder_attention_heads": 4,
        "encoder_ffn_dim": 256,
        "decoder_ffn_dim": 256,
    },
}
# large-v3-turbo's generation_config alignment heads (word timestamps; unused here)
TURBO_ALIGNMENT_HEADS = [[2, 4], [2, 11], [3, 3], [3, 6], [3, 11], [3, 14]]


def _shift(ids: list[int]) -> list[int]:
    return [i + 1 if i >= YUE_ID else i for i in ids]


# --------------------------------------------------------------------------------- prepare (here)


def prepare(args: argparse.Namespace) -> None:
    """Decoded audio and large-v3 tokenizer files, into `args.data` (carried to the device)."""
    from kai_local.engines.speech.media import decode_media
    from kai_local.settings import Settings
    from tests.support import TESTDATA

    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)

    def load(name: str) -> np.ndarray:
        return decode_media((TESTDATA / "audio" / name).read_bytes(), 3600.0).samples

    jfk, multi = load("jfk.flac"), load("multilingual.mp3")
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    parts = [("multilingual.mp3", multi), ("gap", gap), ("jfk.flac", jfk), ("gap", gap), ("jfk.flac", jfk)]
    audio = np.concatenate([p for _, p in parts]).astype(np.float32)
    np.save(data / "audio.npy", audio)
    offsets, at = [], 0
    for name, part in parts:
        offsets.append({"name": name, "start": at, "end": at + part.size})
        at += part.size
    jfk_span = offsets[2]
    clips = {
        "jfk-11s": [jfk_span["start"], jfk_span["end"]],
        f"mixed-{audio.size / SAMPLE_RATE:.0f}s": [0, int(audio.size)],
    }

    base_dir = Settings.from_env().models_dir / "whisper-base"
    base_tok = json.loads((base_dir / "tokenizer.json").read_text())
    (data / "tokenizer.json").write_text(json.dumps(large_v3_tokenizer(base_tok)))
    base_cfg = json.loads((base_dir / "config.json").read_text())
    preprocessor = {
        "chunk_length": 30,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "feature_size": 128,
        "hop_length": 160,
        "n_fft": 400,
        "n_samples": 480000,
        "nb_max_frames": 3000,
        "padding_side": "right",
        "padding_value": 0.0,
        "processor_class": "WhisperProcessor",
        "return_attention_mask": False,
        "sampling_rate": 16000,
    }
    (data / "preprocessor_config.json").write_text(json.dumps(preprocessor, indent=2))
    meta = {
        "clips": clips,
        "parts": offsets,
        "suppress_tokens": _shift(base_cfg["suppress_ids"]),
        "begin_suppress_tokens": base_cfg["suppress_ids_begin"],
    }
    (data / "meta.json").write_text(json.dumps(meta, indent=2))
    check_tokenizer(data / "tokenizer.json")
    for f in sorted(data.iterdir()):
        print(f"{f.stat().st_size / 2**20:7.2f} MiB  {f}")
    print(f"audio: {audio.size / SAMPLE_RATE:.1f} s; clips {clips}")


def large_v3_tokenizer(base: dict[str, Any]) -> dict[str, Any]:
    """whisper-base's tokenizer.json in large-v3's layout: <|yue|> inserted at 50358, every later
    special token (task tokens, <|notimestamps|>, timestamps) one id up; 51866 tokens."""
    out = copy.deepcopy(base)
    added = []
    for token in out["added_tokens"]:
        if token["id"] >= YUE_ID:
            token["id"] += 1
        added.append(token)
        if token["content"] == "<|su|>":
            added.append({**token, "id": YUE_ID, "content": "<|yue|>"})
    out["added_tokens"] = sorted(added, key=lambda t: t["id"])
    for entry in out["post_processor"]["special_tokens"].values():
        entry["ids"] = _shift(entry["ids"])
    return out


def check_tokenizer(path: Path) -> None:
    import tokenizers

    tok = tokenizers.Tokenizer.from_file(str(path))
    expected = {
        "<|endoftext|>": 50257,
        "<|startoftranscript|>": 50258,
        "<|en|>": 50259,
        "<|su|>": 50357,
        "<|yue|>": 50358,
        "<|translate|>": 50359,
        "<|transcribe|>": 50360,
        "<|notimestamps|>": 50364,
        "<|0.00|>": 50365,
        "<|30.00|>": 51865,
    }
    got = {k: tok.token_to_id(k) for k in expected}
    if got != expected or tok.get_vocab_size() != VOCAB_SIZE:
        raise SystemExit(f"large-v3 tokenizer is off: {got}, size {tok.get_vocab_size()}")
    assert tok.decode(tok.encode(" And so my fellow Americans").ids) == " And so my fellow Americans"


# --------------------------------------------------------------------------- build (device, here)


def build(args: argparse.Namespace) -> None:
    """A random-weight model of large-v3-turbo's shape, converted to CTranslate2 float16."""
    import shutil

    import torch
    import transformers
    from ctranslate2.converters import TransformersConverter

    out: Path = args.model_dir
    if (out / "model.bin").exists() and not args.force:
        print(f"build: {out} exists, reused")
        return
    data: Path = args.data
    meta = json.loads((data / "meta.json").read_text())
    cuda = args.device.startswith("cuda")
    dtype = torch.float16 if (args.init_dtype or ("float16" if cuda else "float32")) == "float16" else torch.float32
    shape = SHAPES["tiny" if args.tiny else "large-v3-turbo"]
    config = transformers.WhisperConfig(
        vocab_size=VOCAB_SIZE,
        num_mel_bins=128,
        max_source_positions=1500,
        max_target_positions=448,
        bos_token_id=50257,
        eos_token_id=50257,
        pad_token_id=50257,
        decoder_start_token_id=50258,
        begin_suppress_tokens=meta["begin_suppress_tokens"],
        suppress_tokens=meta["suppress_tokens"],
        **shape,
    )
    src = Path(tempfile.mkdtemp(prefix="kai-gpucheck-src-"))
    config.save_pretrained(src)  # the converter reads config and tokenizer from a folder
    for name in ("tokenizer.json", "preprocessor_config.json"):
        shutil.copy(data / name, src / name)
    lang_to_id = {f"<|{code}|>": i for code, i in _language_ids(data / "tokenizer.json")}
    timings: dict[str, float] = {}

    class RandomWeights(TransformersConverter):
        """The converter with the model made here instead of read from disk."""

        def load_model(self, model_class, model_name_or_path, **kwargs):
            t0 = time.perf_counter()
            torch.manual_seed(0)
            # Built and initialised where it is fast (float16 on the GPU), then moved to the
            # CPU: the converter writes the tensors' host memory.
            with torch.device(args.device):
                try:
                    model = model_class._from_config(kwargs["config"], dtype=dtype)
                except TypeError:  # a transformers without `dtype` here
                    model = model_class(kwargs["config"]).to(dtype)
            if cuda:
                torch.cuda.synchronize()
            model = model.to("cpu").eval()
            gen = model.generation_config
            gen.lang_to_id = lang_to_id
            gen.suppress_tokens = meta["suppress_tokens"]
            gen.begin_suppress_tokens = meta["begin_suppress_tokens"]
            if not args.tiny:
                gen.alignment_heads = TURBO_ALIGNMENT_HEADS
            timings["init_s"] = time.perf_counter() - t0
            return model

    t0 = time.perf_counter()
    converter = RandomWeights(str(src), copy_files=["tokenizer.json", "preprocessor_config.json"])
    converter.convert(str(out), quantization="float16", force=True)
    timings["total_s"] = time.perf_counter() - t0
    shutil.rmtree(src, ignore_errors=True)
    cfg = json.loads((out / "config.json").read_text())
    vocab = json.loads((out / "vocabulary.json").read_text())
    size = (out / "model.bin").stat().st_size
    print(
        f"build: {'tiny' if args.tiny else 'large-v3-turbo'} random weights, {dtype} on {args.device}: "
        f"init {timings['init_s']:.1f} s, total {timings['total_s']:.1f} s; model.bin "
        f"{size / 2**20:.0f} MiB, vocabulary {len(vocab)}, {len(cfg['lang_ids'])} languages, "
        f"{len(cfg['suppress_ids'])} suppressed ids -> {out}"
    )
    if len(vocab) != VOCAB_SIZE or len(cfg["lang_ids"]) != 100:
        raise SystemExit("converted model does not have large-v3's vocabulary/languages")


def _language_ids(tokenizer_json: Path) -> list[tuple[str, int]]:
    import tokenizers

    tok = tokenizers.Tokenizer.from_file(str(tokenizer_json))
    return [(t[2:-2], i) for t, i in sorted(tok.get_vocab().items(), key=lambda x: x[1]) if 50259 <= i <= YUE_ID]


# ------------------------------------------------------------------------------- bench (device)


def _stub_pyav() -> None:
    """faster_whisper/audio.py does `import av` at import time but uses it only to decode files;
    this check passes decoded samples, and PyAV is not installed on the device machine. Only in
    this script, and only when PyAV is missing: an empty module, any use of which fails."""
    try:
        import av  # noqa: F401
    except ImportError:
        stub = types.ModuleType("av")
        stub.__doc__ = "stub: PyAV is not installed here (benchmarks/gpu_transcription.py)"

        def _missing(name: str) -> Any:
            raise ImportError(f"PyAV is not installed here (av.{name} used)")

        stub.__getattr__ = _missing  # type: ignore[attr-defined]
        sys.modules["av"] = stub


class Tracker:
    """How many jobs are inside the engine at once (the GPU semaphore should bound it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = self.max_active = 0

    def __enter__(self) -> None:
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.active -= 1


def _loaded_cublas() -> list[str]:
    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return []
    return sorted({line.split()[-1] for line in maps if "libcublas" in line})


def _nvidia_smi() -> str | None:
    try:
        return (
            subprocess.run(
                ["nvidia-smi", "--query-gpu=name,driver_version,memory.used,memory.total", "--format=csv,noheader"],
                check=False,
                capture_output=True,
                text=True,
                timeout=20,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def bench(args: argparse.Namespace) -> None:
    if not (args.model_dir / "model.bin").exists():
        # built in its own process: torch (and its cuBLAS) stays out of the measured one
        cmd = [
            sys.executable,
            __file__,
            "build",
            "--device",
            args.device,
            "--data",
            str(args.data),
            "--model-dir",
            str(args.model_dir),
        ] + ["--tiny"] * args.tiny
        subprocess.run(cmd, check=True)
    _stub_pyav()
    import anyio
    import ctranslate2
    import faster_whisper

    from kai_local.catalog import ModelCatalog
    from kai_local.engines.speech.base import TranscriptionOptions
    from kai_local.engines.speech.whisper import WhisperTranscriber
    from kai_local.engines.speech.windows import transcribe_in_windows
    from kai_local.errors import ServiceUnavailable
    from kai_local.runtime.gpu import GpuSemaphore
    from kai_local.runtime.workpool import CpuPool
    from kai_local.settings import DEFAULT_MODELS_FILE, Settings

    cuda = args.device.startswith("cuda")
    results: dict[str, Any] = {
        "device_arg": args.device,
        "python": platform.python_version(),
        "ctranslate2": ctranslate2.__version__,
        "faster_whisper": faster_whisper.__version__,
        "cuda_devices_ct2": ctranslate2.get_cuda_device_count(),
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH", ""),
        "gpu": _nvidia_smi() if cuda else None,
        "model_dir": str(args.model_dir),
        "max_new_tokens": args.max_new_tokens,
    }
    # The real entry of models.toml, pointed at the random-weight model; on CPU (the local logic
    # check) float32, which CTranslate2 has there, instead of float16.
    entry = ModelCatalog.load(DEFAULT_MODELS_FILE, Path("/nonexistent")).models["whisper-large-v3-turbo"]
    engine_args = {**entry.engine_args, "max_new_tokens": args.max_new_tokens}
    if not cuda:
        engine_args["compute_type"] = "float32"
    spec = dataclasses.replace(
        entry,
        weights=args.model_dir,
        device=entry.device if cuda else "cpu",
        engine_args=engine_args,
    )
    results["spec"] = {"id": spec.id, "device": spec.device, "engine_args": spec.engine_args}
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="kai-gpucheck-")))
    transcriber = WhisperTranscriber(spec, settings)

    # 1. start-up: on CUDA, start() runs the self-check (CUDA device count, one second of
    # silence through encoder and decoder). A missing cuBLAS raises here with the docs/gpu.md hint.
    t0 = time.perf_counter()
    try:
        anyio.run(transcriber.start)
    except Exception as exc:
        results["startup"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        print(f"START-UP FAILED: {type(exc).__name__}: {exc}", flush=True)
        _write(results, args)
        raise SystemExit(3) from None
    startup_s = time.perf_counter() - t0
    if not cuda:  # on CUDA start() ran it; here run the same self-check to test the logic
        transcriber._warm_up()
    results["startup"] = {
        "ok": True,
        "seconds": round(startup_s, 2),
        "self_check": "ran" if cuda else "ran (cpu)",
        "runner": type(transcriber._runner).__name__,
        "libcublas_mapped": _loaded_cublas(),
        "compute_type": transcriber.model_kwargs()["compute_type"],
    }
    print(
        f"start-up ok in {startup_s:.1f} s (self-check on {spec.device}: passed); runner "
        f"{results['startup']['runner']}; libcublas mapped: "
        f"{results['startup']['libcublas_mapped'] or 'none'}",
        flush=True,
    )
    if args.startup_only:
        _write(results, args)
        return

    # 2. engine vs faster-whisper's pipeline called directly: its own WhisperModel with the
    # engine's constructor arguments, the engine's transcribe options for the same request.
    direct = faster_whisper.BatchedInferencePipeline(
        model=faster_whisper.WhisperModel(str(args.model_dir), **transcriber.model_kwargs())
    )
    options = TranscriptionOptions(language=args.language)
    kwargs = transcriber.transcribe_kwargs(options)
    results["transcribe_kwargs"] = {k: v for k, v in kwargs.items()}
    results["gpu_after_load"] = _nvidia_smi() if cuda else None
    audio = np.load(args.data / "audio.npy")
    meta = json.loads((args.data / "meta.json").read_text())
    clips = {name: audio[a:b] for name, (a, b) in meta["clips"].items()}

    def run_direct(samples: np.ndarray) -> tuple[float, list[int]]:
        t = time.perf_counter()
        segments, _ = direct.transcribe(samples, **kwargs)
        tokens = [tok for s in segments for tok in s.tokens]
        return time.perf_counter() - t, tokens

    def run_engine(samples: np.ndarray) -> tuple[float, list[int]]:
        t = time.perf_counter()
        transcript = transcribe_in_windows(transcriber.transcribe, samples, options)
        return time.perf_counter() - t, [tok for s in transcript.segments for tok in s.tokens]

    single: list[dict[str, Any]] = []
    for name, samples in clips.items():
        seconds = samples.size / SAMPLE_RATE
        _, ref = run_direct(samples)  # warm-up, untimed
        _, got = run_engine(samples)
        d_times, e_times, ratios = [], [], []
        for r in range(args.rounds):
            order = (run_direct, run_engine) if r % 2 == 0 else (run_engine, run_direct)
            times = {fn: fn(samples)[0] for fn in order}
            d_times.append(times[run_direct])
            e_times.append(times[run_engine])
            ratios.append(times[run_direct] / times[run_engine])  # engine's share of speed
        row = {
            "clip": name,
            "audio_s": round(seconds, 1),
            "rounds": args.rounds,
            "direct_s": statistics.median(d_times),
            "engine_s": statistics.median(e_times),
            "engine_speed_vs_direct": statistics.median(ratios),
            "ratio_range": [min(ratios), max(ratios)],
            "tokens": len(got),
            "same_tokens": got == ref,
        }
        row["direct_rtf"] = seconds / row["direct_s"]
        row["engine_rtf"] = seconds / row["engine_s"]
        single.append(row)
        print(
            f"  {name}: direct {row['direct_s']:.3f} s, engine {row['engine_s']:.3f} s, "
            f"engine keeps {row['engine_speed_vs_direct']:.1%} of direct's speed",
            flush=True,
        )
    results["single"] = single

    # 3. concurrent jobs through the GPU semaphore as the gateway runs them
    # (kai_local.engines.speech.runner.run_transcription, minus the PyAV decoding: the samples
    # are already decoded). A CPU model takes no slot in the gateway; the local CPU run uses
    # "cpu:0" as the slot's name only to test this logic.
    long_name = max(clips, key=lambda n: clips[n].size)
    samples = clips[long_name]
    device = transcriber.accelerator or "cpu:0"

    async def jobs(n: int, gate: GpuSemaphore, pool: CpuPool, tracker: Tracker) -> list[Any]:
        def job() -> Any:
            with tracker:
                return transcribe_in_windows(transcriber.transcribe, samples, options)

        async def one() -> Any:
            async with gate.slot(device):
                return await pool.run(job)

        out: list[Any] = [None] * n

        async def keep(i: int) -> None:
            try:
                out[i] = await one()
            except Exception as exc:
                out[i] = exc

        async with anyio.create_task_group() as tg:
            for i in range(n):
                tg.start_soon(keep, i)
        return out

    concurrent: list[dict[str, Any]] = []
    for slots in args.slots:
        for n in (1, 4):
            gate = GpuSemaphore(slots, wait_timeout_s=600.0)
            pool = CpuPool(workers=4, queue_limit=16)  # the semaphore, not the pool, limits
            tracker = Tracker()
            t = time.perf_counter()
            out = anyio.run(jobs, n, gate, pool, tracker)
            wall = time.perf_counter() - t
            errors = [repr(o) for o in out if isinstance(o, BaseException)]
            row = {
                "slots": slots,
                "jobs": n,
                "audio_s": round(n * samples.size / SAMPLE_RATE, 1),
                "wall_s": wall,
                "rtf": n * samples.size / SAMPLE_RATE / wall,
                "max_inside": tracker.max_active,
                "errors": errors,
                "slots_free_after": gate.available(device),
            }
            concurrent.append(row)
            print(
                f"  slots {slots}, {n} job(s): {wall:.2f} s, at most {tracker.max_active} "
                f"inside, {len(errors)} error(s)",
                flush=True,
            )
    results["concurrent"] = concurrent

    # 4. a slot that stays busy past the wait timeout: 503 gpu_busy, as designed
    gate = GpuSemaphore(1, wait_timeout_s=0.05)
    out = anyio.run(jobs, 4, gate, CpuPool(workers=4, queue_limit=16), Tracker())
    busy = [o for o in out if isinstance(o, ServiceUnavailable) and o.code == "gpu_busy"]
    other = [repr(o) for o in out if isinstance(o, BaseException) and o not in busy]
    results["busy"] = {
        "jobs": 4,
        "ok": sum(1 for o in out if not isinstance(o, BaseException)),
        "gpu_busy": len(busy),
        "other_errors": other,
    }
    _print_table(results)
    _write(results, args)
    ok = all(not r["errors"] and r["max_inside"] <= r["slots"] for r in concurrent) and (
        results["busy"]["ok"],
        results["busy"]["gpu_busy"],
        other,
    ) == (1, 3, [])
    print("RESULT:", "PASS" if ok else "FAIL", flush=True)
    if not ok:
        raise SystemExit(1)


def _print_table(r: dict[str, Any]) -> None:
    print()
    print(
        f"device: {r['gpu'] or r['device_arg']}; ctranslate2 {r['ctranslate2']}, "
        f"faster-whisper {r['faster_whisper']}, python {r['python']}"
    )
    print(f"spec: {r['spec']}; max_new_tokens per chunk: {r['max_new_tokens']}")
    s = r["startup"]
    print(
        f"start-up: {s['seconds']} s, self-check {s['self_check']}, runner {s['runner']}, "
        f"compute {s['compute_type']}, libcublas: {', '.join(s['libcublas_mapped']) or '-'}"
    )
    print()
    print(
        "| clip | audio s | direct s | engine s | direct RTF | engine RTF | engine / direct "
        "RTF (range) | tokens | same output |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in r["single"]:
        lo, hi = row["ratio_range"]
        print(
            f"| {row['clip']} | {row['audio_s']} | {row['direct_s']:.3f} | "
            f"{row['engine_s']:.3f} | {row['direct_rtf']:.1f}x | {row['engine_rtf']:.1f}x | "
            f"{row['engine_speed_vs_direct']:.1%} ({lo:.0%}-{hi:.0%}) | {row['tokens']} | "
            f"{'yes' if row['same_tokens'] else 'NO'} |"
        )
    print()
    print("| GPU slots | concurrent jobs | audio s | wall s | RTF | most inside engine | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in r["concurrent"]:
        print(
            f"| {row['slots']} | {row['jobs']} | {row['audio_s']} | {row['wall_s']:.2f} | "
            f"{row['rtf']:.1f}x | {row['max_inside']} | {len(row['errors'])} |"
        )
    b = r["busy"]
    print()
    print(
        f"wait timeout 50 ms, 1 slot, 4 jobs: {b['ok']} ok, {b['gpu_busy']} x 503 gpu_busy, "
        f"other errors {b['other_errors'] or 'none'}"
    )


def _write(results: dict[str, Any], args: argparse.Namespace) -> None:
    out = Path(os.environ["OUT"]) if os.environ.get("OUT") else args.model_dir.parent
    name = "gpu_transcription_startup.json" if args.startup_only else "gpu_transcription.json"
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {out / name}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="here: decoded audio + large-v3 tokenizer -> --data")
    p.add_argument("--data", type=Path, default=DATA)
    for name in ("build", "bench"):
        p = sub.add_parser(name)
        p.add_argument("--data", type=Path, default=DATA)
        p.add_argument("--device", default="cuda", help="cuda or cpu")
        p.add_argument("--model-dir", type=Path, default=Path("/tmp/kai-gpucheck/model"))
        p.add_argument(
            "--tiny", action="store_true", help="tiny random config (CPU test); bench: built if --model-dir has none"
        )
        if name == "build":
            p.add_argument("--force", action="store_true")
            p.add_argument(
                "--init-dtype",
                choices=["float16", "float32"],
                default=None,
                help="dtype the random model is made in (default: float16 on cuda)",
            )
        else:
            p.add_argument("--rounds", type=int, default=5)
            p.add_argument("--slots", type=int, nargs="+", default=[1, 2])
            p.add_argument("--max-new-tokens", type=int, default=128)
            p.add_argument("--language", default=None, help="default: detected")
            p.add_argument("--startup-only", action="store_true")
    args = parser.parse_args()
    {"prepare": prepare, "build": build, "bench": bench}[args.command](args)


if __name__ == "__main__":
    main()
