"""Extraction speed: pages per second (higher is better) of `extract_document` on text PDFs and
on scanned pages, side by side with the bare tools on the same pages: pdfplumber alone
(`page.extract_text()` per page) and the tesseract CLI alone (`tesseract page.png stdout -l
deu+eng`, pages pre-rendered at the same 300 dpi, default environment).

    .venv/bin/python benchmarks/extraction.py [--text-pages 20] [--ocr-pages 3] [--rounds 3]

The document is synthetic and German (Faker de_AT, seeded): A4 letters with a ruled table on
every page, set in DejaVu Sans by reportlab; the scans are those pages rasterised at 300 dpi
into an image-only PDF. Ours and the baseline alternate, round after round (the box is shared
and noisy); the table shows the median round and the ratio ours / baseline. The OCR rows also
show the character error rate against the known text.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import jiwer
import pdfplumber
import pypdfium2
from faker import Faker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kai_local.documents.extraction import ExtractionLimits, TesseractOcr, extract_document

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 300


def letters(pages: int, seed: int = 7) -> tuple[bytes, list[str]]:
    """A text PDF of `pages` A4 letters, and each page's plain text (for the error rate)."""
    fake = Faker("de_AT")
    fake.seed_instance(seed)
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    style = ParagraphStyle("body", fontName="DejaVuSans", fontSize=11, leading=15)
    story: list[object] = []
    truth: list[str] = []
    for number in range(pages):
        lines = [
            f"Befundbericht Nr. {1000 + number}",
            f"Patient: {fake.name()}, geboren am {fake.date_of_birth():%d.%m.%Y}",
            f"Anschrift: {fake.street_address()}, {fake.postcode()} {fake.city()}",
        ]
        lines += [fake.paragraph(nb_sentences=5) for _ in range(6)]
        rows = [["Datum", "Untersuchung", "Ergebnis"]] + [
            [
                f"{fake.date_this_year():%d.%m.%Y}",
                fake.word().capitalize(),
                f"{fake.pyfloat(2, 1, positive=True)} mg/dl",
            ]
            for _ in range(5)
        ]
        if number:
            story.append(PageBreak())
        story.extend(Paragraph(line, style) for line in lines[:3])
        table = Table(rows)
        table.setStyle(
            TableStyle([("FONT", (0, 0), (-1, -1), "DejaVuSans", 10), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
        )
        story.append(table)
        story.extend(Paragraph(line, style) for line in lines[3:])
        truth.append("\n".join(lines[:3] + [" ".join(row) for row in rows] + lines[3:]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue(), truth


def rasterise(pdf: bytes, pages: int) -> tuple[bytes, list[bytes]]:
    """The first `pages` pages at 300 dpi: as an image-only PDF, and as PNG files' bytes."""
    document = pypdfium2.PdfDocument(pdf)
    images = [document[index].render(scale=DPI / 72, grayscale=True).to_pil() for index in range(pages)]
    document.close()
    scan = io.BytesIO()
    images[0].save(scan, "PDF", resolution=float(DPI), save_all=True, append_images=images[1:])
    pngs = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        pngs.append(buffer.getvalue())
    return scan.getvalue(), pngs


def char_error_rate(expected: str, actual: str) -> float:
    """Character error rate (jiwer), whitespace collapsed and NFC-normalised."""
    a = " ".join(unicodedata.normalize("NFC", expected).split())
    b = " ".join(unicodedata.normalize("NFC", actual).split())
    return jiwer.cer(a, b)


def pdfplumber_alone(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() for page in document.pages]


def tesseract_alone(pngs: list[bytes], folder: Path) -> list[str]:
    texts = []
    for index, png in enumerate(pngs):
        path = folder / f"page{index}.png"
        path.write_bytes(png)
        done = subprocess.run(["tesseract", str(path), "stdout", "-l", "deu+eng"], capture_output=True, check=True)
        texts.append(done.stdout.decode())
    return texts


def timed(fn: Callable[[], list[str]]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    pages = fn()
    return time.perf_counter() - started, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text-pages", type=int, default=20)
    parser.add_argument("--ocr-pages", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    pdf, truth = letters(max(args.text_pages, args.ocr_pages))
    scan, pngs = rasterise(pdf, args.ocr_pages)
    limits, ocr = ExtractionLimits(), TesseractOcr()
    workloads: dict[str, tuple[Callable[[], list[str]], Callable[[], list[str]], int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        workloads["text PDF"] = (
            lambda: extract_document(pdf, "letters.pdf", limits, ocr).pages,
            lambda: pdfplumber_alone(pdf),
            len(truth),
        )
        workloads["scanned PDF (OCR)"] = (
            lambda: extract_document(scan, "scan.pdf", limits, ocr).pages,
            lambda: tesseract_alone(pngs, Path(folder)),
            args.ocr_pages,
        )
        times: dict[str, dict[str, list[float]]] = {name: {"ours": [], "base": []} for name in workloads}
        outputs: dict[str, dict[str, list[str]]] = {name: {} for name in workloads}
        steps = args.rounds * len(workloads) * 2
        with tqdm(total=steps, desc="extraction benchmark", file=sys.stderr) as progress:
            for _ in range(args.rounds):
                for name, (ours, base, _) in workloads.items():
                    for side, fn in (("ours", ours), ("base", base)):
                        seconds, pages = timed(fn)
                        times[name][side].append(seconds)
                        outputs[name][side] = pages
                        progress.update()

    print()
    print(
        "| workload | pages | kai-local pages/s | baseline | baseline pages/s | ratio | CER kai-local | CER baseline |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, (_, _, pages) in workloads.items():
        ours_s, base_s = statistics.median(times[name]["ours"]), statistics.median(times[name]["base"])
        baseline = "pdfplumber alone" if name == "text PDF" else "tesseract CLI alone"
        cer = ["", ""]
        if name != "text PDF":
            cer = [
                f"{statistics.mean(char_error_rate(t, p) for t, p in zip(truth, outputs[name][side], strict=False)):.3f}"
                for side in ("ours", "base")
            ]
        print(
            f"| {name} | {pages} | {pages / ours_s:.2f} | {baseline} | {pages / base_s:.2f} | "
            f"{base_s / ours_s:.2f} | {cer[0]} | {cer[1]} |"
        )
    print(f"\nmedian of {args.rounds} rounds; ratio = kai-local pages/s / baseline pages/s")


if __name__ == "__main__":
    main()
