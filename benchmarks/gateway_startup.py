"""Start-up of a gateway-only instance (every model remote) beside one with the bundled local
models, in one run: seconds from `kai-local serve` to its first `/health` answer, and the memory
the server then holds (RSS of the process and its children).

    .venv/bin/python benchmarks/gateway_startup.py [--rounds 3]

- remote only, PII engine on first use: a models.toml with one chat and one transcription model,
  both `engine = "openai-upstream"` (the upstream addresses need not answer: health checks run in
  the background), `KAI_PII_PRELOAD=0`;
- remote only, default: the same with the PII engine (spaCy, Presidio) loaded at start, as
  `kai-local serve` does unless told otherwise;
- bundled local models: the repository's models.toml (SmolLM2 on vLLM's CPU backend, whisper-base
  and whisper-tiny.en on faster-whisper), the baseline.
The rows alternate round by round; the table shows the median.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import start_gateway

REMOTE_TOML = """
[models."llama-remote"]
kind = "chat"
engine = "openai-upstream"
[models."llama-remote".engine_args]
upstreams = ["http://127.0.0.1:9/v1"]

[models."whisper-remote"]
kind = "transcription"
engine = "openai-upstream"
[models."whisper-remote".engine_args]
upstreams = ["http://127.0.0.1:9/api/v1"]
"""


def rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def start_once(workdir: Path, models: Path, env: dict[str, str]) -> tuple[float, float]:
    from kai_local.settings import Settings

    prepared = Settings.from_env().models_dir  # where scripts/setup.sh prepared the bundled weights
    began = time.monotonic()
    server = start_gateway(
        workdir / "data", models, models_dir=prepared, env=env, log=subprocess.DEVNULL, timeout_s=900
    )
    seconds = time.monotonic() - began
    try:
        time.sleep(1)  # engines' first background work settles
        return seconds, rss_mb(server.pid)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        remote = workdir / "remote.toml"
        remote.write_text(REMOTE_TOML)
        rows = {
            "remote only, PII engine on first use": (remote, {"KAI_PII_PRELOAD": "0"}),
            "remote only, default (PII engine loaded at start)": (remote, {}),
            "bundled local models (baseline)": (REPO / "models.toml", {}),
        }
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in rows}
        for round_no in range(args.rounds):
            names = list(rows) if round_no % 2 == 0 else list(rows)[::-1]
            for name in names:
                models, env = rows[name]
                results[name].append(start_once(workdir, models, env))
                seconds, rss = results[name][-1]
                print(f"round {round_no + 1}: {name}: {seconds:.1f} s, {rss:.0f} MB", file=sys.stderr, flush=True)
    print(f"\n`kai-local serve` to its first /health answer, median of {args.rounds} rounds\n")
    print("| models.toml | start-up s | RSS MB | start-up vs baseline |")
    print("|---|---:|---:|---:|")
    base = statistics.median(s for s, _ in results["bundled local models (baseline)"])
    for name, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        rss = statistics.median(r for _, r in runs)
        print(f"| {name} | {seconds:.1f} | {rss:.0f} | {seconds / base:.2f} |")


if __name__ == "__main__":
    main()
