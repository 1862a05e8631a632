"""Legitimate traffic with and without an attacker, against a real `kai-local serve`.

    .venv/bin/python benchmarks/abuse.py                 # 60 s per phase
    .venv/bin/python benchmarks/abuse.py --seconds 20    # shorter

Phase 1: legitimate anonymize and strip-metadata requests at a fixed rate (`--rate` per second,
alternating) for `--seconds`. Phase 2: the same, while a second client sends the worst cases of
the abuse corpus (tests/abuse_corpus.py) back to back with its own key, `--attackers` at a time
(an attacker with a valid key; the parse pool serves the key with fewer jobs first). Printed per
phase: the legitimate requests' success ratio, p50/p99 latency and the ratio between the
phases; the peak RSS of the server and its parse workers (the whole process tree). Then what the
process hop adds to a 1-page PDF's extraction: the same extraction called directly and through
the parse pool, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kai_local.documents import jobs
from kai_local.documents.extraction import extract_document, extraction_limits
from kai_local.documents.ocr import build_ocr_engine
from kai_local.runtime.isolation import IsolatedPool
from kai_local.settings import Settings
from tests.abuse_corpus import corpus
from tests.support import KAI_LOCAL, start_gateway

LETTER = "Entlassungsbrief\nHerr Max Mustermann, geb. 12.03.1965, wohnhaft Hauptstraße 12, 8010 Graz.\n" * 20
# The worst cases: those that hold a worker longest.
WORST = ("pdf-double-flate-bomb", "docx-paragraph-bomb", "docx-zip-bomb", "svg-comment-bomb", "docx-entity-bomb")


def one_page_pdf() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for line, text in enumerate(LETTER.splitlines()[:40]):
        pdf.drawString(40, 800 - 14 * line, text)
    pdf.save()
    return out.getvalue()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, "PNG")
    return out.getvalue()


class RssSampler(threading.Thread):
    """Peak RSS of a process and all its descendants, sampled every 100 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(self.pid))
            time.sleep(0.1)


def tree_rss_mb(pid: int) -> float:
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1024


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


async def legitimate_load(client: httpx.AsyncClient, key: str, rate: float, seconds: float) -> list[tuple[bool, float]]:
    pdf, png = one_page_pdf(), small_png()
    results: list[tuple[bool, float]] = []

    async def one(i: int) -> None:
        began = time.monotonic()
        if i % 2 == 0:
            response = await client.post(
                "/documents/anonymize", headers={"Authorization": f"Bearer {key}"}, files={"files": ("brief.pdf", pdf)}
            )
        else:
            response = await client.post(
                "/documents/strip-metadata",
                headers={"Authorization": f"Bearer {key}"},
                files={"file": ("photo.png", png)},
            )
        results.append((response.status_code == 200, time.monotonic() - began))

    tasks = []
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        tasks.append(asyncio.create_task(one(i)))
        i += 1
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
    await asyncio.gather(*tasks)
    return results


async def attacker(client: httpx.AsyncClient, key: str, stop: asyncio.Event, sent: list[int]) -> None:
    cases = [c for c in corpus() if c.name in WORST]
    i = 0
    while not stop.is_set():
        case = cases[i % len(cases)]
        i += 1
        await client.post(
            f"/{case.endpoint}",
            headers={"Authorization": f"Bearer {key}"},
            files={case.field: (case.filename, case.data)},
        )
        sent.append(1)


def summary(name: str, results: list[tuple[bool, float]]) -> tuple[float, float]:
    ok = sum(1 for good, _ in results if good)
    latencies = sorted(t for _, t in results)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(
        f"  {name:<16} {ok}/{len(results)} succeeded ({ok / len(results):.1%}), p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
    return p50, p99


async def phases(base: str, key: str, attacker_key: str, pid: int, args: argparse.Namespace) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        sampler = RssSampler(pid)
        sampler.start()
        baseline = tree_rss_mb(pid)
        alone = await legitimate_load(client, key, args.rate, args.seconds)
        stop, sent = asyncio.Event(), []
        attack = [asyncio.create_task(attacker(client, attacker_key, stop, sent)) for _ in range(args.attackers)]
        await asyncio.sleep(1)
        attacked = await legitimate_load(client, key, args.rate, args.seconds)
        stop.set()
        await asyncio.gather(*attack)
        sampler.stop.set()
    print(
        f"legitimate traffic, {args.rate}/s for {args.seconds:.0f} s per phase (anonymize a 1-page PDF, strip a PNG):"
    )
    _, p99_alone = summary("alone", alone)
    _, p99_attacked = summary("under attack", attacked)
    print(
        f"  p99 under attack / p99 alone: {p99_attacked / p99_alone:.2f}x  ({len(sent)} bombs sent, {args.attackers} at a time)"
    )
    print(f"  RSS of server + parse workers: {baseline:.0f} MB at the start, peak {sampler.peak_mb:.0f} MB")


def hop_cost(rounds: int) -> None:
    """Direct and pooled extraction alternated call by call (so the box's noise hits both), and
    the bare round trip of a job that does nothing."""
    settings = Settings()
    limits, ocr, pdf = extraction_limits(settings), build_ocr_engine(settings), one_page_pdf()
    pool = IsolatedPool(
        1,
        1,
        memory_bytes=settings.isolation_memory_bytes,
        cpu_seconds=settings.isolation_cpu_seconds,
        tasks_per_worker=100_000,
    )

    async def measure() -> tuple[list[float], list[float], list[float]]:
        await pool.run(jobs.extract, pdf, "brief.pdf", limits, ocr, deadline_s=60)  # start the worker
        direct, pooled, bare = [], [], []
        for _ in range(rounds):
            began = time.perf_counter()
            extract_document(pdf, "brief.pdf", limits, ocr)
            direct.append(time.perf_counter() - began)
            began = time.perf_counter()
            await pool.run(jobs.extract, pdf, "brief.pdf", limits, ocr, deadline_s=60)
            pooled.append(time.perf_counter() - began)
            began = time.perf_counter()
            await pool.run(os.getpid, deadline_s=60)
            bare.append(time.perf_counter() - began)
        return direct, pooled, bare

    extract_document(pdf, "brief.pdf", limits, ocr)
    direct, pooled, bare = asyncio.run(measure())
    pool.close()
    d, p, b = (statistics.median(x) * 1000 for x in (direct, pooled, bare))
    print(
        f"1-page PDF extraction, p50 of {rounds} alternated calls: direct {d:.1f} ms, through the parse pool "
        f"{p:.1f} ms (+{p - d:.1f} ms, {p / d:.2f}x); a job that does nothing: {b:.2f} ms round trip"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=4.0, help="legitimate requests per second")
    parser.add_argument("--attackers", type=int, default=2, help="bombs in flight at a time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, models = Path(tmp) / "data", Path(tmp) / "models.toml"
        models.write_text("")
        key, attacker_key = (
            subprocess.run(
                [KAI_LOCAL, "keys", "create", "--product", "default", "--data-dir", str(data_dir)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[-1]
            for _ in range(2)
        )
        subprocess.run(
            [
                KAI_LOCAL,
                "products",
                "update",
                "default",
                "--max-concurrent",
                "1000",
                "--rate-limit-per-minute",
                "100000",
                "--data-dir",
                str(data_dir),
            ],
            check=True,
            capture_output=True,
        )
        server = start_gateway(
            data_dir,
            models,
            env={"KAI_CPU_QUEUE_LIMIT": "64"},
            args=["--log-level", "warning"],
            log=sys.stdout,
            timeout_s=120,
        )
        try:
            asyncio.run(phases(f"{server.url}/api/v1", key, attacker_key, server.pid, args))
        finally:
            server.stop()
    hop_cost(rounds=100)


if __name__ == "__main__":
    main()
