"""Redaction: pages per second for a 10-page text PDF and a 10-page DOCX, beside
/documents/anonymize on the same files in the same run, and the share of PDF pages that took
the raster path.

    .venv/bin/python benchmarks/redact.py [--rounds 3]

A real `kai-local serve` (PII engine preloaded, no models), one request at a time; the two
endpoints alternate within each round and the median of the rounds is shown, with the ratio
redact / anonymize (the issue's target: at most 2x for text documents).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.strip_metadata import make_key  # a product without effective limits, and a key
from tests.support import start_gateway

PAGES = 10
LETTER = """Entlassungsbrief, Seite {page}
Wir berichten über Herrn Max Mustermann, geb. 12.03.1965, wohnhaft Hauptstraße 12/3, 8010 Graz.
Tel. +43 664 1234567, E-Mail max.mustermann@gmx.at, IBAN AT61 1904 3002 3457 3201.
Der Patient wurde stationär aufgenommen und am Folgetag in gutem Zustand entlassen.
Kontrolle in der Ambulanz in drei Monaten, bitte Befunde mitbringen.
Mit freundlichen Grüßen, OA Dr. Anna Huber"""


def text_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(1, PAGES + 1):
        y = 800
        for line in LETTER.format(page=page).splitlines():
            pdf.drawString(40, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx() -> bytes:
    from docx import Document

    document = Document()
    for page in range(1, PAGES + 1):
        for line in LETTER.format(page=page).splitlines():
            document.add_paragraph(line)
        if page < PAGES:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed(
    client: httpx.Client, key: str, path: str, field: str, name: str, data: bytes
) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.post(path, headers={"Authorization": f"Bearer {key}"}, files={field: (name, data)})
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    documents = {"pdf": ("brief.pdf", text_pdf()), "docx": ("brief.docx", docx())}
    with tempfile.TemporaryDirectory() as work:
        data_dir = Path(work)
        key = make_key(data_dir)
        models = data_dir / "models.toml"
        models.write_text("")  # no models: the document endpoints alone (the PII engine loads at start)
        server = start_gateway(data_dir, models, log=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"{server.url}/api/v1", timeout=600) as client:
                for name, data in documents.values():  # warm-up: workers forked, parsers loaded
                    timed(client, key, "/documents/anonymize", "files", name, data)
                    timed(client, key, "/documents/redact", "file", name, data)
                print(f"{PAGES}-page documents, {args.rounds} rounds, one request at a time (median s, pages/s)")
                print(f"{'format':6} {'anonymize':>16} {'redact':>16} {'redact/anonymize':>17} {'raster pages':>13}")
                for kind, (name, data) in documents.items():
                    anonymize, redact, raster = [], [], ""
                    for _ in range(args.rounds):
                        anonymize.append(timed(client, key, "/documents/anonymize", "files", name, data)[0])
                        seconds, response = timed(client, key, "/documents/redact", "file", name, data)
                        redact.append(seconds)
                        raster = response.headers.get("x-rasterised-pages", "0") if kind == "pdf" else "-"
                    a, r = statistics.median(anonymize), statistics.median(redact)
                    print(
                        f"{kind:6} {a:7.2f} s {PAGES / a:5.1f}/s {r:7.2f} s {PAGES / r:5.1f}/s {r / a:16.2f}x "
                        f"{raster + '/' + str(PAGES) if kind == 'pdf' else '-':>13}"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
