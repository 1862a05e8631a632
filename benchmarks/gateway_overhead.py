"""Gateway overhead: what kai-local's gateway (auth, limits, usage, logging) costs per request,
against a bare Starlette app on the same server settings, loaded by the same client (wrk).

    .venv/bin/python benchmarks/gateway_overhead.py [--store postgresql] [--duration 5] [--rounds 3]

Two requests, each with 16 connections (throughput) and 1 connection (latency without queueing):
- `GET /api/v1/models`: the bare app returns the same JSON the gateway answers with;
- `POST /api/v1/chat/completions`, not streamed, max_tokens 8, on an OpenAI-compatible stub that
  answers at once (in this script only: benchmarks/upstream_overhead.py's), so that the gateway
  is what is measured; the bare app forwards the body to the stub and its answer back (httpx).
The servers:
- bare: the bare Starlette app;
- sqlite: the gateway on a SQLite store (limits in the process's memory);
- with `--store postgresql`, on a throwaway PostgreSQL 15 cluster (Debian's, default durability):
  postgresql (one gateway process, limits shared through the database) and postgresql x2 (two
  gateway processes on one port, SO_REUSEPORT, the kernel spreading connections over them).
Each is one or two uvicorn processes with httptools and one INFO access line per request. The
products have no effective limits, but every limit is still checked. Servers take turns cell by
cell, in an order that alternates round by round; the tables show each cell's median.
Where the time goes: during the PostgreSQL cells at 16 connections, the CPU each party used
(gateway processes, PostgreSQL's processes, the stub, wrk), in % of one core (2 cores: 200 %).
Targets: the gateway keeps 70 % of the bare app's /models throughput and adds under 1 ms at p50
(issue 5); PostgreSQL's shared limits add under 1 ms at p50 over SQLite (issue 14).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support import ServerProcess, free_port, start_server

MODEL = "stub-model"
CHAT = {"model": MODEL, "messages": [{"role": "user", "content": "Say something short."}], "max_tokens": 8}
CELLS = (("models", 16), ("models", 1), ("chat", 16), ("chat", 1))


# --- the servers, run in child processes of this script --------------------------------------


def serve(kind: str, port: int, data_dir: Path, body_file: Path, models_file: Path, upstream: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from kai_local.app import create_app
    from kai_local.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if kind == "gateway":  # KAI_STORE_URL from the environment picks the store
        app = create_app(replace(Settings.from_env(), data_dir=data_dir, models_file=models_file, pii_preload=False))
    else:
        body = json.loads(body_file.read_text())
        transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=None, max_keepalive_connections=256))

        async def models(request: Request) -> Response:  # the gateway's JSON, rendered per request
            return JSONResponse(body)

        async def chat(request: Request) -> Response:
            outgoing = httpx.Request(
                "POST", f"{upstream}/v1/chat/completions", content=await request.body(), headers=_JSON
            )
            answer = await transport.handle_async_request(outgoing)
            content = await answer.aread()
            await answer.aclose()
            return Response(content, status_code=answer.status_code, media_type="application/json")

        app = Starlette(
            routes=[
                Route("/api/v1/models", models),
                Route("/api/v1/chat/completions", chat, methods=["POST"]),
                Route("/health", models),
            ]
        )
    # SO_REUSEPORT: a second gateway process may listen on the same port (the x2 server).
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, log_level="info", access_log=kind == "bare", http="httptools")
    uvicorn.Server(config).run(sockets=[sock])


_JSON = {"Content-Type": "application/json"}


@dataclass
class Server:
    name: str
    processes: list[ServerProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.processes[0].url

    def stop(self) -> None:
        for process in self.processes:
            process.stop()


def start(name: str, kind: str, copies: int, workdir: Path, upstream: str, store_url: str | None) -> Server:
    port, server = free_port(), Server(name)
    command = [sys.executable, __file__, "--serve", kind, "--port", str(port), "--upstream", upstream]
    command += ["--workdir", str(workdir)]
    env = {name: value for name, value in os.environ.items() if name != "KAI_STORE_URL"}
    if store_url:
        env["KAI_STORE_URL"] = store_url
    for _ in range(copies):
        server.processes.append(start_server(command, port, env=env, log=subprocess.DEVNULL))
    return server


# --- load ------------------------------------------------------------------------------------


def parse_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"cannot read wrk's latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def wrk(url: str, key: str, what: str, duration: int, connections: int, workdir: Path) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", f"Authorization: Bearer {key}"]
    if what == "chat":
        script = workdir / "chat.lua"
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(CHAT))}\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        command += ["-s", str(script), f"{url}/api/v1/chat/completions"]
    else:
        command.append(f"{url}/api/v1/models")
    return run_wrk(command, f"{url} ({what})")


def run_wrk(command: list[str], target: str) -> dict[str, float]:
    """Run wrk (with --latency) and read its req/s, p50 and p99; any non-2xx answer is an error."""
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} failed responses from {target}:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": parse_ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99": parse_ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
    }


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def cpu_shares(
    parties: dict[str, list[psutil.Process]], run: Callable[[], dict[str, float]]
) -> tuple[dict[str, float], dict[str, float]]:
    """`run()` and the CPU each party used meanwhile, in % of one core (wrk: the reaped child)."""
    before = {name: _cpu_seconds(procs) for name, procs in parties.items()}
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic()
    result = run()
    wall = psutil.time.monotonic() - wall  # type: ignore[attr-defined]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shares = {name: 100 * (_cpu_seconds(procs) - before[name]) / wall for name, procs in parties.items()}
    shares["wrk"] = 100 * (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / wall
    return shares, result


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    postmaster = psutil.Process(int((data_dir / "postmaster.pid").read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


# --- the run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", choices=["gateway", "bare"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--upstream")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    if args.serve:
        w = args.workdir
        serve(args.serve, args.port, w / "data", w / "models.json", w / "models.toml", args.upstream)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (scripts/setup.sh installs it)")

    from contextlib import ExitStack

    from kai_local.gateway.products import Product
    from kai_local.gateway.store import Store
    from tests.postgres import throwaway_cluster

    unlimited = Product(name="bench", label="Bench", rate_limit_per_minute=10**9, max_concurrent=10**6)
    servers: dict[str, Server] = {}
    keys: dict[str, str] = {}
    cells: dict[tuple[str, str, int], list[dict[str, float]]] = {}
    profiles: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        stub_port = free_port()
        stub_cmd = [sys.executable, str(REPO / "benchmarks" / "upstream_overhead.py"), "--tokens", "8"]
        stub = start_server([*stub_cmd, "--serve", "stub", "--port", str(stub_port)], stub_port, log=subprocess.DEVNULL)
        stack.callback(stub.stop)
        upstream = stub.url
        (workdir / "models.toml").write_text(
            f'[models."{MODEL}"]\nkind = "chat"\nengine = "openai-upstream"\n'
            f'[models."{MODEL}".engine_args]\nupstreams = ["{upstream}/v1"]\n'
        )
        stores = {"sqlite": None}
        cluster = None
        if args.store == "postgresql":
            cluster = stack.enter_context(throwaway_cluster(durable=True))
            stores["postgresql"] = cluster.create_database("kai")
        for name, url in stores.items():
            store = Store.at(url or workdir / "data" / "kai-local.sqlite3")
            store.create_product(unlimited)
            keys[name] = store.create_key("bench")[1]
            store.close()
        (workdir / "models.json").write_text("{}")

        plan = [("sqlite", "gateway", 1, "sqlite")]
        if cluster is not None:
            plan += [("postgresql", "gateway", 1, "postgresql"), ("postgresql x2", "gateway", 2, "postgresql")]
        try:
            first = start("sqlite", "gateway", 1, workdir, upstream, None)
            reply = httpx.get(f"{first.url}/api/v1/models", headers={"Authorization": f"Bearer {keys['sqlite']}"})
            reply.raise_for_status()
            first.stop()
            (workdir / "models.json").write_bytes(reply.content)
            servers["bare"] = start("bare", "bare", 1, workdir, upstream, None)
            keys["bare"] = "none"
            for name, kind, copies, store_name in plan:
                servers[name] = start(name, kind, copies, workdir, upstream, stores[store_name])
                keys[name] = keys[store_name]
            for name, server in servers.items():  # answers checked, connections and caches warm
                chat = httpx.post(
                    f"{server.url}/api/v1/chat/completions",
                    json=CHAT,
                    headers={"Authorization": f"Bearer {keys[name]}"},
                )
                assert chat.status_code == 200 and chat.json()["choices"][0]["message"]["content"], chat.text
                for what in ("models", "chat"):
                    wrk(server.url, keys[name], what, 1, 4, workdir)

            names = list(servers)
            for round_no in range(args.rounds):
                order = names if round_no % 2 == 0 else names[::-1]
                for what, connections in CELLS:
                    for name in order:
                        server = servers[name]

                        def run(
                            server: Server = server, name: str = name, what: str = what, connections: int = connections
                        ) -> dict[str, float]:
                            return wrk(server.url, keys[name], what, args.duration, connections, workdir)

                        if name.startswith("postgresql") and connections > 1 and cluster is not None:
                            parties = {
                                "gateway": [psutil.Process(p.pid) for p in server.processes],
                                "postgresql": postgres_processes(cluster.data),
                                "stub": [psutil.Process(stub.pid)],
                            }
                            shares, result = cpu_shares(parties, run)
                            profiles[f"{name}, {what}"] = shares
                        else:
                            result = run()
                        cells.setdefault((name, what, connections), []).append(result)
                        print(
                            f"round {round_no + 1}/{args.rounds} {what:6s} c={connections:<2d} {name:14s} "
                            f"{result['rps']:8.0f} req/s  p50 {result['p50']:7.3f} ms  p99 {result['p99']:7.2f} ms",
                            file=sys.stderr,
                            flush=True,
                        )
        finally:
            for server in servers.values():
                server.stop()

    report(cells, profiles, args)


def report(cells: dict, profiles: dict, args: argparse.Namespace) -> None:
    med = {
        cell: {m: statistics.median(r[m] for r in runs) for m in ("rps", "p50", "p99")} for cell, runs in cells.items()
    }
    names = list(dict.fromkeys(name for name, _, _ in cells))
    print(f"\nwrk -t1, {args.duration} s per run, median of {args.rounds} rounds (servers alternate order)\n")
    for what, title in (("models", "GET /api/v1/models"), ("chat", "POST /api/v1/chat/completions (stub upstream)")):
        print(f"{title}\n")
        print(
            "| server | req/s, 16 conn | p50 ms, 16 conn | p99 ms, 16 conn | req/s, 1 conn | p50 ms, 1 conn | p99 ms, 1 conn |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in names:
            hi, lo = med[(name, what, 16)], med[(name, what, 1)]
            print(
                f"| {name} | {hi['rps']:.0f} | {hi['p50']:.2f} | {hi['p99']:.2f} | "
                f"{lo['rps']:.0f} | {lo['p50']:.3f} | {lo['p99']:.3f} |"
            )
        print()
    bare, sqlite = med[("bare", "models", 16)], med[("sqlite", "models", 16)]
    print(
        f"/models: sqlite gateway keeps {sqlite['rps'] / bare['rps']:.2f} of the bare app's req/s (target >= 0.70), "
        f"adds {med[('sqlite', 'models', 1)]['p50'] - med[('bare', 'models', 1)]['p50']:.3f} ms p50 at 1 conn "
        "(target < 1 ms)"
    )
    if "postgresql" in names:
        for what in ("models", "chat"):
            added = med[("postgresql", what, 1)]["p50"] - med[("sqlite", what, 1)]["p50"]
            ratio = med[("postgresql", what, 16)]["rps"] / med[("sqlite", what, 16)]["rps"]
            two = med[("postgresql x2", what, 16)]["rps"] / med[("postgresql", what, 16)]["rps"]
            print(
                f"{what}: PostgreSQL's shared limits add {added:.3f} ms p50 at 1 conn over SQLite (target < 1 ms); "
                f"req/s at 16 conn {ratio:.2f} of SQLite's; two gateway processes give {two:.2f}x one"
            )
        print("\nCPU during the 16-connection runs, % of one core (last round; the machine has 2 cores = 200 %):\n")
        print("| run | gateway | PostgreSQL | stub upstream | wrk |")
        print("|---|---:|---:|---:|---:|")
        for run_name, shares in profiles.items():
            print(
                f"| {run_name} | {shares['gateway']:.0f} | {shares['postgresql']:.0f} | "
                f"{shares['stub']:.0f} | {shares['wrk']:.0f} |"
            )


if __name__ == "__main__":
    main()
