"""Chat throughput: the same load through the HTTP endpoint and straight into the engine.

    .venv/bin/python benchmarks/chat_throughput.py [--concurrency 1,8,32] [--requests 4]
        [--max-tokens 64] [--rounds 1] [--model smollm2-135m-instruct]

One process runs the gateway on uvicorn (127.0.0.1, its real middleware, auth, limits, usage
store and SSE rendering) with the model's vLLM engine in-process. For each concurrency C, C
clients each send `--requests` streamed requests one after the other:

  gateway: an HTTP client in a separate process (so its CPU is not the server's event loop)
           POSTs /api/v1/chat/completions with stream=true and reads the SSE stream;
  direct:  the same requests handed to the same engine's `generate()` in this process.

Both use the same prompts and sampling (greedy, `max_tokens` fixed with `ignore_eos`, so every
request makes exactly that many tokens). Reported per C: output tokens/s over the phase's wall
time, time to first token p50/p99, and the gateway/direct throughput ratio. With `--rounds` > 1
the order alternates and the table shows the median round. Target: ratio >= 0.95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SUBJECTS = [
    "the sea",
    "a lighthouse",
    "a red fox",
    "the city at night",
    "an old map",
    "winter",
    "a violin",
    "the desert",
    "a train journey",
    "a small garden",
    "the moon",
    "a storm",
]


def prompt_of(index: int) -> str:
    return f"Write a short story about {SUBJECTS[index % len(SUBJECTS)]} (number {index})."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the HTTP client (runs as a subprocess: --client) ---------------------------------------


async def http_client(url: str, key: str, model: str, concurrency: int, requests: int, max_tokens: int) -> None:
    """C clients x M requests; prints one JSON line per request, then the phase's wall time."""
    import httpx

    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=600) as http:

        async def one(index: int) -> None:
            body = {
                "model": model,
                "messages": [{"role": "user", "content": prompt_of(index)}],
                "max_tokens": max_tokens,
                "temperature": 0,
                "ignore_eos": True,
                "stream": True,
                "stream_options": {"include_usage": True},
            }
            began = time.perf_counter()
            ttft = None
            tokens = 0
            async with http.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}: {await response.aread()!r}")
                async for line in response.aiter_lines():
                    if not line.startswith("data: {"):
                        continue
                    if ttft is None and '"content": "' in line and '"content": ""' not in line:
                        ttft = time.perf_counter() - began
                    if '"usage"' in line:
                        tokens = json.loads(line[6:])["usage"]["completion_tokens"]
            print(json.dumps({"ttft": ttft, "tokens": tokens}), flush=True)

        async def client(number: int) -> None:
            for i in range(requests):
                await one(number * requests + i)

        # Warm this fresh process up (lazy imports, first connection) before the clock starts.
        await http.get(url.removesuffix("/api/v1") + "/health")
        began = time.perf_counter()
        await asyncio.gather(*(client(c) for c in range(concurrency)))
        print(json.dumps({"wall": time.perf_counter() - began}), flush=True)


# --- the server side and the direct load -----------------------------------------------------


@dataclass
class Phase:
    path: str
    concurrency: int
    tokens: int
    wall: float
    ttfts: list[float]

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.wall


async def direct_phase(engine: Any, concurrency: int, requests: int, max_tokens: int, progress: Any) -> Phase:
    from kai_local.engines.chat.base import ChatDelta, ChatMessage, ChatRequest, ChatUsage, SamplingOptions

    ttfts: list[float] = []
    totals: list[int] = []
    sampling = SamplingOptions(temperature=0, max_tokens=max_tokens, ignore_eos=True)

    async def one(index: int) -> None:
        request = ChatRequest(
            f"direct-{concurrency}-{index}-{time.monotonic_ns()}", (ChatMessage("user", prompt_of(index)),), sampling
        )
        began = time.perf_counter()
        first = None
        async for event in engine.generate(request):
            if first is None and isinstance(event, ChatDelta) and event.text:
                first = time.perf_counter() - began
            if isinstance(event, ChatUsage):
                totals.append(event.completion_tokens)
        ttfts.append(first or 0.0)
        progress.update(1)

    async def client(number: int) -> None:
        for i in range(requests):
            await one(number * requests + i)

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(concurrency)))
    return Phase("direct", concurrency, sum(totals), time.perf_counter() - began, ttfts)


async def gateway_phase(
    url: str, key: str, model: str, concurrency: int, requests: int, max_tokens: int, progress: Any
) -> Phase:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--client",
        url,
        "--key",
        key,
        "--model",
        model,
        "--concurrency",
        str(concurrency),
        "--requests",
        str(requests),
        "--max-tokens",
        str(max_tokens),
        stdout=asyncio.subprocess.PIPE,
    )
    ttfts: list[float] = []
    tokens = 0
    wall = 0.0
    assert process.stdout is not None
    async for raw in process.stdout:
        record = json.loads(raw)
        if "wall" in record:
            wall = record["wall"]
        else:
            ttfts.append(record["ttft"] or 0.0)
            tokens += record["tokens"]
            progress.update(1)
    if await process.wait() != 0 or not wall:
        raise RuntimeError("the HTTP client failed")
    return Phase("gateway", concurrency, tokens, wall, ttfts)


async def run(args: argparse.Namespace) -> None:
    import uvicorn
    from tqdm import tqdm

    from kai_local.app import create_app
    from kai_local.settings import Settings

    levels = [int(c) for c in args.concurrency.split(",")]
    work = Path(tempfile.mkdtemp(prefix="kai-chat-bench-"))
    # Like `kai-local serve`: INFO logs (one access line per request) into a file.
    logging.basicConfig(
        filename=work / "server.log", level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    base = Settings.from_env()
    models_dir = work / "models"
    models_dir.mkdir()
    (models_dir / args.model).symlink_to(base.models_dir / args.model)  # only this model loads
    settings = replace(base, data_dir=work / "data", models_dir_override=models_dir)
    app = create_app(settings)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    serving = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    print(f"starting the gateway and the {args.model} engine ...", file=sys.stderr)
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.1)
    services = app.state.services
    from kai_local.gateway.products import Product

    services.store.create_product(
        Product(name="bench", label="Bench", max_concurrent=1024, rate_limit_per_minute=10**9)
    )
    key = services.store.create_key("bench")[1]
    engine = services.engines[args.model]
    url = f"http://127.0.0.1:{port}/api/v1"

    total = sum(c * args.requests for c in levels) * 2 * args.rounds + 2
    rounds: dict[tuple[str, int], list[Phase]] = {}
    with tqdm(total=total, unit="req", file=sys.stderr) as progress:
        # Warm-up, one request each way (first-call costs are not what we measure).
        await direct_phase(engine, 1, 1, 8, progress)
        await gateway_phase(url, key, args.model, 1, 1, 8, progress)
        for round_number in range(args.rounds):
            for concurrency in levels:
                order = ["direct", "gateway"] if round_number % 2 == 0 else ["gateway", "direct"]
                for path in order:
                    progress.set_description(f"{path} C={concurrency}")
                    if path == "direct":
                        phase = await direct_phase(engine, concurrency, args.requests, args.max_tokens, progress)
                    else:
                        phase = await gateway_phase(
                            url, key, args.model, concurrency, args.requests, args.max_tokens, progress
                        )
                    rounds.setdefault((path, concurrency), []).append(phase)

    server.should_exit = True
    await serving
    sock.close()

    def median_phase(path: str, concurrency: int) -> Phase:
        phases = sorted(rounds[(path, concurrency)], key=lambda p: p.tokens_per_s)
        return phases[len(phases) // 2]

    print(
        f"\nmodel {args.model}, {args.requests} requests per client, {args.max_tokens} output "
        f"tokens each (ignore_eos), greedy, {args.rounds} round(s)\n"
    )
    print(
        "| C | direct tok/s | gateway tok/s | gateway/direct | direct TTFT p50 / p99 (ms) "
        "| gateway TTFT p50 / p99 (ms) |"
    )
    print("|---|---|---|---|---|---|")
    for concurrency in levels:
        direct, gateway = median_phase("direct", concurrency), median_phase("gateway", concurrency)
        ratio = gateway.tokens_per_s / direct.tokens_per_s

        def ttft(p: Phase) -> str:
            return f"{percentile(p.ttfts, 0.5) * 1000:.0f} / {percentile(p.ttfts, 0.99) * 1000:.0f}"

        print(
            f"| {concurrency} | {direct.tokens_per_s:.1f} | {gateway.tokens_per_s:.1f} | "
            f"{ratio:.1%} | {ttft(direct)} | {ttft(gateway)} |"
        )
    print(f"\nserver log: {work / 'server.log'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts")
    parser.add_argument("--requests", type=int, default=4, help="requests per client (M)")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(
            http_client(args.client, args.key, args.model, int(args.concurrency), args.requests, args.max_tokens)
        )
    else:
        # The loop `kai-local serve` runs on (uvicorn picks uvloop when it is installed).
        try:
            import uvloop
        except ImportError:
            asyncio.run(run(args))
        else:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(run(args))


if __name__ == "__main__":  # vLLM starts its engine processes with spawn: keep this guard
    main()
