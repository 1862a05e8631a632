"""Gateway overhead: authenticated GET /api/v1/models through uvicorn, against a bare Starlette
app that returns the same JSON on the same server settings, loaded by the same client (wrk).

    .venv/bin/python benchmarks/gateway_overhead.py [--duration 10] [--connections 16] [--rounds 3]

The two servers run one after the other, alternating A/B for `--rounds` rounds, each a fresh
single uvicorn process with the same settings (httptools, INFO logging, one access line per
request: uvicorn's own for the bare app, the gateway's own for the gateway, which turns
uvicorn's off as `kai-local serve` does); the table shows the median round. Targets: the gateway keeps at least
70 % of the bare app's throughput and adds under 1 ms at p50.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import ServerProcess, free_port, start_server


def serve(kind: str, port: int, data_dir: Path, body_file: Path) -> None:
    """Run one server in this process (the benchmark starts itself with --serve)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from kai_local.app import create_app
    from kai_local.settings import Settings

    # Both log one INFO line per request, as `kai-local serve` does (stderr is discarded).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if kind == "gateway":
        settings = replace(Settings.from_env(), data_dir=data_dir, load_engines=False)
        app = create_app(settings)
    else:
        body = json.loads(body_file.read_text())

        async def models(request):  # the same JSON the gateway answers with, rendered per request
            return JSONResponse(body)

        app = Starlette(routes=[Route("/api/v1/models", models), Route("/health", models)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=kind == "bare")


def start(kind: str, data_dir: Path, body_file: Path) -> ServerProcess:
    port = free_port()
    command = [
        sys.executable,
        __file__,
        "--serve",
        kind,
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--body-file",
        str(body_file),
    ]
    return start_server(command, port, log=subprocess.DEVNULL)


def parse_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"cannot read wrk's latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk(port: int, key: str, duration: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {key}",
            f"http://127.0.0.1:{port}/api/v1/models",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = parse_ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = parse_ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} failed responses:\n{out}")
    return {"rps": rps, "p50": p50, "p99": p99}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=["gateway", "bare"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--body-file", type=Path)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.data_dir, args.body_file)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (scripts/setup.sh installs it)")

    from kai_local.gateway.products import Product
    from kai_local.gateway.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        data_dir, body_file = Path(tmp) / "data", Path(tmp) / "models.json"
        store = Store.at(data_dir / "kai-local.sqlite3")
        store.create_product(Product(name="bench", label="Bench", rate_limit_per_minute=10**9))
        _, key = store.create_key("bench")
        store.close()
        body_file.write_text("{}")
        server = start("gateway", data_dir, body_file)
        try:
            reply = httpx.get(f"{server.url}/api/v1/models", headers={"Authorization": f"Bearer {key}"})
            reply.raise_for_status()
            body_file.write_bytes(reply.content)
        finally:
            server.stop()

        results: dict[str, list[dict[str, float]]] = {"bare": [], "gateway": []}
        for round_no in range(args.rounds):
            for kind in ("bare", "gateway"):
                server = start(kind, data_dir, body_file)
                try:
                    wrk(server.port, key, 2, args.connections)  # warm-up
                    loaded = wrk(server.port, key, args.duration, args.connections)
                    # Latency without queueing: one connection, one request at a time.
                    single = wrk(server.port, key, args.duration, 1)
                    results[kind].append({**loaded, "p50_c1": single["p50"], "p99_c1": single["p99"]})
                finally:
                    server.stop()
                r = results[kind][-1]
                print(
                    f"round {round_no + 1}/{args.rounds} {kind:8s} {r['rps']:9.0f} req/s  "
                    f"p50 {r['p50']:.2f} ms  p50@c1 {r['p50_c1']:.3f} ms",
                    file=sys.stderr,
                    flush=True,
                )

    metrics = ("rps", "p50", "p99", "p50_c1", "p99_c1")
    med = {k: {m: statistics.median(r[m] for r in v) for m in metrics} for k, v in results.items()}
    print(f"\nGET /api/v1/models, wrk -t1, {args.duration}s per run, median of {args.rounds} alternating rounds")
    print(
        f"| server | req/s (c={args.connections}) | p50 ms (c={args.connections}) | "
        f"p99 ms (c={args.connections}) | p50 ms (c=1) | p99 ms (c=1) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for kind in ("bare", "gateway"):
        m = med[kind]
        print(f"| {kind} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['p50_c1']:.3f} | {m['p99_c1']:.3f} |")
    ratio = med["gateway"]["rps"] / med["bare"]["rps"]
    added = med["gateway"]["p50_c1"] - med["bare"]["p50_c1"]
    print(
        f"\nthroughput ratio gateway/bare: {ratio:.2f} (target >= 0.70); "
        f"added p50 latency at c=1: {added:.3f} ms (target < 1 ms)"
    )


if __name__ == "__main__":
    main()
