"""The upstream hop: a chat completion through kai-local's openai-upstream engine, beside the same
request sent to the upstream directly and through a bare reverse proxy, in one run.

    .venv/bin/python benchmarks/upstream_overhead.py [--duration 5] [--rounds 2] [--tokens 8] [--litellm]

- upstream: an OpenAI-compatible stub that answers at once (in this script only): `--tokens`
  content chunks with vLLM's running usage on each, or one JSON answer when not streamed.
- bare proxy: Starlette + httpx passing the body and the answer's bytes through unchanged, a few
  lines: the floor for a Python hop (httpx's pooled transport called directly, as kai-local does;
  uvicorn's access log on, as kai-local logs each request).
- kai-local: `kai-local serve` with the model as `engine = "openai-upstream"` on the stub and a
  product without effective limits; its answer is checked once before timing.
- litellm (only with --litellm, if `pip install litellm[proxy]` works into a separate virtualenv):
  a peer, not a dependency.

Every server is a single uvicorn process on 127.0.0.1. wrk -t1 sends POST /chat/completions
(max_tokens = --tokens), non-streamed and streamed, with 1 and 16 connections; the servers take
turns cell by cell, in an order that alternates round by round, and the table shows each cell's
median over the rounds. Targets (issue 17): kai-local adds under 1 ms at p50 with 1 connection
(over the bare proxy), and keeps at least 0.5 of the bare proxy's req/s at 16 connections.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.gateway_overhead import run_wrk  # wrk's req/s and latencies
from tests.support import ServerProcess, free_port, start_gateway, start_server

MODEL = "stub-model"
CONNECTIONS = (1, 16)
MODES = ("plain", "stream")


# --- the servers this script runs in child processes ------------------------------------------


def serve_stub(port: int, tokens: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    created = int(time.time())
    head = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": created, "model": MODEL}

    def usage(completion: int) -> dict[str, int]:
        return {"prompt_tokens": 12, "completion_tokens": completion, "total_tokens": 12 + completion}

    def event(choices: list, completion: int | None) -> bytes:
        chunk = {**head, "choices": choices, **({"usage": usage(completion)} if completion is not None else {})}
        return b"data: " + json.dumps(chunk).encode() + b"\n\n"

    def sse(continuous: bool, final_usage: bool) -> bytes:
        running = (lambda n: n) if continuous else (lambda n: None)
        parts = [
            event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}], running(0))
        ]
        parts += [
            event([{"index": 0, "delta": {"content": f" w{i}"}, "finish_reason": None}], running(i + 1))
            for i in range(tokens)
        ]
        parts.append(event([{"index": 0, "delta": {}, "finish_reason": "length"}], running(tokens)))
        if final_usage:
            parts.append(event([], tokens))
        return b"".join(parts) + b"data: [DONE]\n\n"

    streams = {(c, u): sse(c, u) for c in (False, True) for u in (False, True)}
    answer = {
        **head,
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "".join(f" w{i}" for i in range(tokens))},
                "finish_reason": "length",
            }
        ],
        "usage": usage(tokens),
    }

    async def chat(request: Request) -> Response:
        body = json.loads(await request.body())
        if not body.get("stream"):
            return JSONResponse(answer)
        options = body.get("stream_options") or {}
        key = (bool(options.get("continuous_usage_stats")), bool(options.get("include_usage")))
        return Response(streams[key], media_type="text/event-stream")

    async def models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": MODEL, "object": "model", "max_model_len": 8192}]})

    async def health(request: Request) -> Response:
        return Response("ok")

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", chat, methods=["POST"]),
            Route("/v1/models", models),
            Route("/health", health),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_bare_proxy(port: int, upstream: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.background import BackgroundTask
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    # httpx as kai-local uses it: the pooled transport called directly, without the client's
    # cookie, auth and redirect layers, so that the floor is as low as httpx goes.
    transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=None, max_keepalive_connections=256))
    url = f"{upstream}/v1/chat/completions"

    async def forward(request: Request) -> Response:
        outgoing = httpx.Request(
            "POST", url, content=await request.body(), headers={"Content-Type": "application/json"}
        )
        answer = await transport.handle_async_request(outgoing)
        media_type = answer.headers.get("content-type")
        if media_type != "text/event-stream":  # one JSON answer: read it, send it
            content = await answer.aread()
            await answer.aclose()
            return Response(content, status_code=answer.status_code, media_type=media_type)
        return StreamingResponse(
            answer.aiter_raw(),
            status_code=answer.status_code,
            media_type=media_type,
            background=BackgroundTask(answer.aclose),
        )

    async def health(request: Request) -> Response:
        return Response("ok")

    app = Starlette(routes=[Route("/v1/chat/completions", forward, methods=["POST"]), Route("/health", health)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=True)


# --- load and measurement ------------------------------------------------------------------------


def request_body(tokens: int, stream: bool) -> dict:
    return {
        "model": MODEL,
        "messages": [{"role": "user", "content": "Say something short."}],
        "max_tokens": tokens,
        "stream": stream,
    }


def wrk(url: str, key: str, body: dict, duration: int, connections: int, workdir: Path) -> dict[str, float]:
    script = workdir / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url]
    return run_wrk(command, url)


def check_answer(url: str, key: str, tokens: int) -> None:
    """One plain and one streamed request, read in full: the text must come through whole."""
    expected = "".join(f" w{i}" for i in range(tokens))
    headers = {"Authorization": f"Bearer {key}"}
    plain = httpx.post(url, json=request_body(tokens, False), headers=headers, timeout=30)
    plain.raise_for_status()
    assert plain.json()["choices"][0]["message"]["content"] == expected, plain.text
    with httpx.stream("POST", url, json=request_body(tokens, True), headers=headers, timeout=30) as streamed:
        streamed.raise_for_status()
        lines = [line[6:] for line in streamed.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "[DONE]", lines
    text = "".join(
        (c.get("delta") or {}).get("content") or "" for line in lines[:-1] for c in json.loads(line)["choices"]
    )
    assert text == expected, lines


def start_litellm(workdir: Path, upstream: str) -> tuple[ServerProcess, str] | None:
    """LiteLLM's proxy in its own virtualenv (made once, kept in the temp folder for the next
    run), if it installs; None (and why, on stderr) if not."""
    venv = Path(tempfile.gettempdir()) / "kai-local-litellm-venv"
    try:
        if not (venv / "bin" / "litellm").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "pip"), "install", "-q", "litellm[proxy]"]
            subprocess.run(pip, check=True, capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"litellm left out: it did not install ({exc})", file=sys.stderr)
        return None
    config = workdir / "litellm.yaml"
    config.write_text(
        "model_list:\n"
        f"  - model_name: {MODEL}\n"
        "    litellm_params:\n"
        f"      model: openai/{MODEL}\n"
        f"      api_base: {upstream}/v1\n"
        "      api_key: none\n"
        "general_settings:\n"
        "  master_key: sk-bench\n"
    )
    port = free_port()
    command = [str(venv / "bin" / "litellm"), "--config", str(config), "--port", str(port), "--host", "127.0.0.1"]
    env = {**os.environ, "LITELLM_LOG": "ERROR"}
    # Its /health asks the upstream and wants a database; /health/liveliness is its own probe.
    server = start_server(
        command, port, env=env, log=subprocess.DEVNULL, timeout_s=180, health_path="/health/liveliness"
    )
    return server, "sk-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=8, help="max_tokens, and the chunks the stub sends")
    parser.add_argument("--litellm", action="store_true", help="also LiteLLM's proxy, if it installs")
    parser.add_argument("--serve", choices=["stub", "bare"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--upstream")
    args = parser.parse_args()
    if args.serve == "stub":
        serve_stub(args.port, args.tokens)
        return
    if args.serve == "bare":
        serve_bare_proxy(args.port, args.upstream)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk (scripts/setup.sh installs it)")

    from kai_local.gateway.products import Product
    from kai_local.gateway.store import Store

    me = [sys.executable, __file__, "--tokens", str(args.tokens)]
    servers: dict[str, tuple[ServerProcess, str, str]] = {}  # name: (process, chat URL, key)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        try:
            port = free_port()
            stub = start_server([*me, "--serve", "stub", "--port", str(port)], port, log=subprocess.DEVNULL)
            upstream = stub.url
            servers["upstream"] = (stub, f"{upstream}/v1/chat/completions", "none")
            port = free_port()
            bare = start_server(
                [*me, "--serve", "bare", "--port", str(port), "--upstream", upstream], port, log=subprocess.DEVNULL
            )
            servers["bare proxy"] = (bare, f"{bare.url}/v1/chat/completions", "none")

            data_dir = workdir / "data"
            store = Store.at(data_dir / "kai-local.sqlite3")
            unlimited = Product(name="bench", label="Bench", rate_limit_per_minute=10**9, max_concurrent=10**6)
            store.create_product(unlimited)
            _, key = store.create_key("bench")
            store.close()
            models = workdir / "models.toml"
            models.write_text(
                f'[models."{MODEL}"]\nkind = "chat"\nengine = "openai-upstream"\n'
                f'[models."{MODEL}".engine_args]\nupstreams = ["{upstream}/v1"]\n'
            )
            gateway = start_gateway(data_dir, models, log=subprocess.DEVNULL)
            servers["kai-local"] = (gateway, f"{gateway.url}/api/v1/chat/completions", key)
            if args.litellm:
                started = start_litellm(workdir, upstream)
                if started is not None:
                    litellm, litellm_key = started
                    servers["litellm"] = (litellm, f"{litellm.url}/v1/chat/completions", litellm_key)

            for _, url, server_key in servers.values():
                check_answer(url, server_key, args.tokens)
                for mode in MODES:  # warm-up: connections, caches, the JIT-less first calls
                    wrk(url, server_key, request_body(args.tokens, mode == "stream"), 1, 4, workdir)

            cells: dict[tuple[str, str, int], list[dict[str, float]]] = {}
            names = list(servers)
            for round_no in range(args.rounds):
                order = names if round_no % 2 == 0 else names[::-1]
                for mode in MODES:
                    for connections in CONNECTIONS:
                        body = request_body(args.tokens, mode == "stream")
                        for name in order:
                            _, url, server_key = servers[name]
                            result = wrk(url, server_key, body, args.duration, connections, workdir)
                            cells.setdefault((name, mode, connections), []).append(result)
                            print(
                                f"round {round_no + 1}/{args.rounds} {mode:6s} c={connections:<2d} {name:10s} "
                                f"{result['rps']:8.0f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms",
                                file=sys.stderr,
                                flush=True,
                            )
        finally:
            for process, _, _ in servers.values():
                process.stop()

    med = {
        cell: {m: statistics.median(r[m] for r in runs) for m in ("rps", "p50", "p99")} for cell, runs in cells.items()
    }
    print(
        f"\nPOST /chat/completions, max_tokens {args.tokens}; wrk -t1, {args.duration} s per run, "
        f"median of {args.rounds} rounds (servers alternate order)\n"
    )
    for mode in MODES:
        title = "streamed" if mode == "stream" else "not streamed"
        print(f"{title}:\n")
        print("| path | req/s, c=1 | p50 ms, c=1 | p99 ms, c=1 | req/s, c=16 | p50 ms, c=16 | p99 ms, c=16 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name in names:
            one, many = med[(name, mode, 1)], med[(name, mode, 16)]
            print(
                f"| {name} | {one['rps']:.0f} | {one['p50']:.2f} | {one['p99']:.2f} "
                f"| {many['rps']:.0f} | {many['p50']:.2f} | {many['p99']:.2f} |"
            )
        ours, floor = ("kai-local", mode), ("bare proxy", mode)
        added = med[(*ours, 1)]["p50"] - med[(*floor, 1)]["p50"]
        ratio = med[(*ours, 16)]["rps"] / med[(*floor, 16)]["rps"]
        print(
            f"\nkai-local over the bare proxy: adds {added:.2f} ms at p50 with 1 connection (target < 1 ms); "
            f"{ratio:.2f} of its req/s at 16 connections (target >= 0.5)\n"
        )


if __name__ == "__main__":
    main()
