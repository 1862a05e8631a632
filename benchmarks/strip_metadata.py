"""Metadata stripping: speed against the exiftool CLI, and what is left afterwards.

    .venv/bin/python benchmarks/strip_metadata.py [--copies 6] [--rounds 3] [--concurrency 2]

1. Files per second on the same images (mat2's dirty JPEG/PNG/TIFF/WebP plus our planted
   JPEG/PNG/TIFF/WebP, `--copies` times each), in alternating rounds, median shown:
   - `exiftool -all=` run once per file (what a script wrapping the CLI per upload does);
   - `exiftool -all=` run once over the whole batch (one perl start for all: its best case,
     but no per-file answer and no verification);
   - kai-local: POST /api/v1/documents/strip-metadata to a real uvicorn server, one request
     per file, `--concurrency` at a time (each request reads, strips and re-reads the file).
2. Per format, identifying tags before and after (exiftool `-a -G1 -j`, counted with the
   tests' list of identifying names and groups, tests/metadata_samples.py) and how many of the
   planted values can still be found in the decompressed file, for kai-local and for
   `exiftool -all=` on the same file.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests import metadata_samples as samples
from tests.support import TESTDATA, ServerProcess, free_port, start_server

METADATA = TESTDATA / "metadata"


def serve(port: int, data_dir: Path) -> None:
    import uvicorn

    from kai_local.app import create_app
    from kai_local.settings import Settings

    settings = replace(Settings.from_env(), data_dir=data_dir, load_engines=False)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def start_gateway(data_dir: Path) -> ServerProcess:
    port = free_port()
    command = [sys.executable, __file__, "--serve", "--port", str(port), "--data-dir", str(data_dir)]
    return start_server(command, port, log=subprocess.DEVNULL)


def make_key(data_dir: Path) -> str:
    from kai_local.gateway.products import Product
    from kai_local.gateway.store import Store

    store = Store.at(data_dir / "kai-local.sqlite3")
    store.create_product(Product(name="bench", label="Bench", rate_limit_per_minute=10**9, max_concurrent=64))
    key = store.create_key("bench")[1]
    store.close()
    return key


def images(work: Path, copies: int) -> list[Path]:
    sources = {name: (METADATA / name).read_bytes() for name in ("dirty.jpg", "dirty.png", "dirty.tiff", "dirty.webp")}
    sources |= {
        "rich.jpg": samples.rich_jpeg(),
        "rich.png": samples.rich_png(work),
        "rich.tif": samples.rich_tiff(work),
        "rich.webp": samples.rich_webp(work),
    }
    folder = work / "images"
    folder.mkdir()
    paths = []
    for copy in range(copies):
        for name, data in sources.items():
            path = folder / f"{copy}-{name}"
            path.write_bytes(data)
            paths.append(path)
    return paths


def cli_per_file(paths: list[Path], out: Path) -> float:
    began = time.perf_counter()
    for path in paths:
        subprocess.run(["exiftool", "-q", "-q", "-m", "-all=", "-o", f"{out}/%f.%e", str(path)], check=True)
    return len(paths) / (time.perf_counter() - began)


def cli_batch(paths: list[Path], out: Path) -> float:
    began = time.perf_counter()
    subprocess.run(["exiftool", "-q", "-q", "-m", "-all=", "-o", f"{out}/%f.%e", *map(str, paths)], check=True)
    return len(paths) / (time.perf_counter() - began)


def kai(paths: list[Path], port: int, key: str, concurrency: int) -> float:
    url = f"http://127.0.0.1:{port}/api/v1/documents/strip-metadata"
    payloads = [(p.name, p.read_bytes()) for p in paths]
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:

        def one(item: tuple[str, bytes]) -> None:
            response = client.post(url, files={"file": item})
            response.raise_for_status()

        began = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, payloads))
        return len(paths) / (time.perf_counter() - began)


def throughput(work: Path, args: argparse.Namespace, port: int, key: str) -> None:
    paths = images(work, args.copies)
    kai(paths[:8], port, key, args.concurrency)  # warm-up: exiftool processes started
    runs: dict[str, list[float]] = {"cli": [], "batch": [], "kai": []}
    for round_no in range(args.rounds):
        for name in runs:
            out = work / f"out-{name}-{round_no}"
            out.mkdir()
            if name == "cli":
                runs[name].append(cli_per_file(paths, out))
            elif name == "batch":
                runs[name].append(cli_batch(paths, out))
            else:
                runs[name].append(kai(paths, port, key, args.concurrency))
            shutil.rmtree(out)
        print(
            f"round {round_no + 1}/{args.rounds}: " + ", ".join(f"{n} {v[-1]:.1f}/s" for n, v in runs.items()),
            file=sys.stderr,
            flush=True,
        )
    med = {n: statistics.median(v) for n, v in runs.items()}
    print(f"\n{len(paths)} images (8 distinct x {args.copies}), median of {args.rounds} alternating rounds")
    print("| tool | files/s | vs exiftool per file |")
    print("|---|---:|---:|")
    labels = {
        "cli": "exiftool -all=, one process per file",
        "batch": "exiftool -all=, one process for the whole batch",
        "kai": f"kai-local HTTP, strip + verify, {args.concurrency} at a time",
    }
    for name in ("cli", "batch", "kai"):
        print(f"| {labels[name]} | {med[name]:.1f} | {med[name] / med['cli']:.2f}x |")


def exiftool_strip(data: bytes, suffix: str, work: Path) -> bytes | None:
    source = work / f"et-in{suffix}"
    source.write_bytes(data)
    target = work / "et-out"
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(
        ["exiftool", "-q", "-q", "-m", "-all=", "-o", f"{target}/%f.%e", str(source)], capture_output=True, check=False
    )
    result = target / source.name
    return result.read_bytes() if result.exists() else None


def residue(work: Path, port: int, key: str) -> None:
    files = {
        "JPEG": ("photo.jpg", samples.rich_jpeg()),
        "PNG": ("scan.png", samples.rich_png(work)),
        "TIFF": ("scan.tif", samples.rich_tiff(work)),
        "WebP": ("photo.webp", samples.rich_webp(work)),
        "BMP": ("image.bmp", samples.rich_bmp()),
        "PDF": ("befund.pdf", samples.rich_pdf(work)),
        "DOCX": ("brief.docx", samples.rich_docx(work)),
        "XLSX": ("tabelle.xlsx", samples.rich_xlsx(work)),
        "PPTX": ("folien.pptx", samples.rich_pptx(work)),
        "XLS": ("alt.xls", samples.rich_xls()),
        "mat2 dirty.pdf": ("dirty.pdf", (METADATA / "dirty.pdf").read_bytes()),
        "mat2 dirty.docx": ("dirty.docx", (METADATA / "dirty.docx").read_bytes()),
        "mat2 comment.docx": ("comment.docx", (METADATA / "comment.docx").read_bytes()),
        "mat2 dirty.tiff": ("dirty.tiff", (METADATA / "dirty.tiff").read_bytes()),
    }
    url = f"http://127.0.0.1:{port}/api/v1/documents/strip-metadata"
    print("\nIdentifying tags (exiftool -a -G1) and planted values found in the decompressed file")
    print(
        "| format | tags before | tags after kai-local | tags after exiftool -all= | "
        "planted values before / kai-local / exiftool -all= | kai-local X-Stripped-Fields |"
    )
    print("|---|---:|---:|---:|---|---|")
    for label, (name, data) in files.items():
        suffix = Path(name).suffix
        before = samples.identifying_tags(samples.exiftool_json(data, suffix, work))
        response = httpx.post(
            url, files={"file": (name, data)}, timeout=120, headers={"Authorization": f"Bearer {key}"}
        )
        response.raise_for_status()
        ours = samples.identifying_tags(samples.exiftool_json(response.content, suffix, work))
        theirs_data = exiftool_strip(data, suffix, work)
        theirs = (
            "cannot write"
            if theirs_data is None
            else str(len(samples.identifying_tags(samples.exiftool_json(theirs_data, suffix, work))))
        )
        secrets = _secrets(data, name)
        planted = (
            f"{secrets} / {_secrets(response.content, name)} / "
            f"{'-' if theirs_data is None else _secrets(theirs_data, name)}"
        )
        print(
            f"| {label} | {len(before)} | {len(ours)} | {theirs} | {planted} | "
            f"{response.headers['x-stripped-fields']} |"
        )


def _secrets(data: bytes, name: str) -> int:
    """Planted values (ours) or, for mat2's files, the values its tests know about."""
    known = {
        "dirty.pdf": [b"pdfTeX-1.40.14", b"PDFeXpress"],
        "dirty.docx": [b"This is a comment, be careful!", b"Julien Voisin"],
        "comment.docx": [b"Alex Marchant", b"d9fca8fb871470fd"],
        "dirty.tiff": [b"000741709798", b"C7070WZ"],
    }
    if name in known:
        content = samples.decompressed(data)
        return sum(value in content for value in known[name])
    return len(samples.planted(data))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--port", type=int)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.data_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        key = make_key(data_dir)
        server = start_gateway(data_dir)
        try:
            throughput(work, args, server.port, key)
            residue(work, server.port, key)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
