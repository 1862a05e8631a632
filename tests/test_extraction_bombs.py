"""Hostile documents: zip bombs, XML entity bombs, pixel bombs, page bombs, slow OCR. Each must
be refused (or bounded) fast and without holding much memory; the event loop keeps running
while extraction works in the CPU pool."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace

import anyio
import openpyxl
import pikepdf
import pptx
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from kai_local.documents.extraction import ExtractionLimits, extract_document
from kai_local.errors import KaiError
from kai_local.runtime.workpool import CpuPool
from tests.test_extraction import (
    LETTER,
    LIMITS,
    OCR,
    assert_ocr_reads_letter,
    docx_bytes,
    extract,
    image_bytes,
    refusal,
    text_image,
    text_pdf,
)

MiB = 1 << 20


def refused_quickly(
    data: bytes, name: str, limits: ExtractionLimits = LIMITS, seconds: float = 5.0, megabytes: float = 40.0
) -> KaiError:
    """The KaiError for `data`, checking that refusing it took little time and Python memory."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = refusal(data, name, limits)
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * MiB, f"peak {peak / MiB:.0f} MiB"
    return error


# ---------------------------------------------------------------- OOXML zip bombs


def _docx() -> bytes:
    return docx_bytes(lambda document: document.add_paragraph("Hallo Frau Bäcker"))


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Hallo Frau Bäcker"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pptx() -> bytes:
    presentation = pptx.Presentation()
    presentation.slides.add_slide(presentation.slide_layouts[0]).shapes.title.text = "Hallo Frau Bäcker"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


OOXML: dict[str, Callable[[], bytes]] = {"docx": _docx, "xlsx": _xlsx, "pptx": _pptx}


def rezip(
    data: bytes,
    extra: dict[str, bytes] | None = None,
    change: Callable[[str, bytes], bytes] = lambda name, content: content,
) -> bytes:
    """The zip `data` rewritten: members changed by `change`, `extra` members added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_zeros_member(data: bytes, size: int) -> bytes:
    """`data` plus a member of `size` zero bytes, compressed by streaming (never in memory)."""
    out = io.BytesIO(rezip(data))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        with target.open("customXml/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (4 * MiB)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Patch the declared uncompressed size of `member` in its local header and in the
    central directory (what a crafted bomb does)."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    name = member.encode()
    central = patched.find(b"PK\x01\x02")  # walk the central directory to the member's entry
    while central != -1:
        length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46 : central + 46 + length]) == name:
            struct.pack_into("<I", patched, central + 24, declared)
            break
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


@pytest.mark.parametrize("kind", list(OOXML))
def test_zip_bomb_refused_from_the_central_directory(kind: str) -> None:
    """A member that really unpacks to 32 MiB (compressed: ~32 KiB) against a 16 MiB limit,
    and one whose directory entry claims 3 GB against the 200 MiB default."""
    bomb = with_zeros_member(OOXML[kind](), 32 * MiB)
    assert len(bomb) < MiB
    error = refused_quickly(bomb, f"bomb.{kind}", replace(LIMITS, max_unzipped_bytes=16 * MiB))
    assert (error.status, error.code) == (413, "archive_too_large")
    claims = lie_about_size(with_zeros_member(OOXML[kind](), 4 * MiB), "customXml/zeros.bin", 3_000_000_000)
    error = refused_quickly(claims, f"bomb.{kind}")
    assert (error.status, error.code) == (413, "archive_too_large")


@pytest.mark.parametrize("kind", list(OOXML))
def test_zip_bomb_that_lies_about_its_size_is_caught_while_streaming(kind: str) -> None:
    """The directory says 1 KiB, the data inflates to 64 MiB: the streaming check stops it
    (zipfile stops at the declared size and the CRC no longer matches: a corrupt file)."""
    bomb = lie_about_size(with_zeros_member(OOXML[kind](), 64 * MiB), "customXml/zeros.bin", 1024)
    error = refused_quickly(bomb, f"bomb.{kind}", replace(LIMITS, max_unzipped_bytes=16 * MiB))
    assert error.status in (400, 413) and error.code in ("corrupt_file", "archive_too_large")


def test_zip_with_too_many_members_is_refused() -> None:
    bomb = rezip(_docx(), extra={f"extra/item{n}.xml": b"<a/>" for n in range(300)})
    error = refused_quickly(bomb, "viele.docx", replace(LIMITS, max_zip_members=200))
    assert (error.status, error.code) == (413, "archive_too_large")


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lolololololololololol">'
    + "".join(f'<!ENTITY lol{n + 1} "{f"&lol{n};" * 10}">' for n in range(9))
    + "]>"
)


@pytest.mark.parametrize(
    "kind, member",
    [("docx", "word/document.xml"), ("xlsx", "xl/worksheets/sheet1.xml"), ("pptx", "ppt/slides/slide1.xml")],
)
def test_xml_entity_bomb_is_refused(kind: str, member: str) -> None:
    """A billion laughs in the main part: lxml's amplification limit (python-docx/-pptx) or
    defusedxml (openpyxl) stops it."""
    text = b"Hallo Frau B"

    def plant(name: str, content: bytes) -> bytes:
        if name != member:
            return content
        assert text in content
        return content.replace(b"?>", b"?>" + LAUGHS.encode(), 1).replace(text, b"&lol9;")

    error = refused_quickly(rezip(OOXML[kind](), change=plant), f"lol.{kind}")
    assert (error.status, error.code) == (400, "corrupt_file")


def test_xlsx_declaring_the_whole_grid_stays_small() -> None:
    """One cell in A1 and one in XFD1048576: the sheet declares 17 billion cells."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Anfang"
    workbook.active["XFD1048576"] = "Ende"
    buffer = io.BytesIO()
    workbook.save(buffer)
    started = time.monotonic()
    doc = extract(buffer.getvalue(), "gitter.xlsx")
    assert time.monotonic() - started < 10
    assert doc.pages[0].splitlines()[:2] == ["Sheet", "Anfang"]
    assert doc.pages[0].endswith("Ende") and len(doc.text) < 200


# ---------------------------------------------------------------- images


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height (1-bit gray) over a few bytes of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG with its frame header (SOF0) patched to claim width x height."""
    data = bytearray(image_bytes(Image.new("L", (16, 16), 255), "JPEG"))
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


@pytest.mark.parametrize(
    "data, name",
    [
        (png_header_only(100_000, 100_000), "bombe.png"),
        (jpeg_claiming(60_000, 60_000), "bombe.jpg"),
    ],
)
def test_pixel_bomb_is_refused_from_the_header(data: bytes, name: str) -> None:
    error = refused_quickly(data, name, seconds=2, megabytes=5)
    assert (error.status, error.code) == (413, "image_too_large")


def test_tiff_with_too_many_frames_is_refused() -> None:
    frame = Image.new("L", (8, 8), 255)
    tiff = image_bytes(frame, "TIFF", save_all=True, append_images=[frame] * 5)
    error = refused_quickly(tiff, "viele.tiff", replace(LIMITS, max_pages=5))
    assert (error.status, error.code) == (413, "too_many_pages")


def test_poster_sized_scan_is_rendered_within_the_pixel_limit() -> None:
    """A 5 x 5 m page holding only an image: rendered for OCR at a resolution that fits."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(14_400, 14_400))
    page.drawImage(ImageReader(text_image(LETTER[:1]).convert("RGB")), 0, 0, 14_400, 14_400)
    page.save()
    sizes: list[tuple[int, int]] = []

    class SizeRecorder:  # records what the OCR engine is given; tesseract is not the subject
        def image_to_text(self, image: Image.Image, languages: str) -> str:
            sizes.append(image.size)
            return "Poster"

    limits = replace(LIMITS, max_pixels=4_000_000)
    doc = extract_document(buffer.getvalue(), "poster.pdf", limits, SizeRecorder())
    assert (doc.text, doc.extraction_method) == ("Poster", "ocr")
    ((width, height),) = sizes
    assert width * height <= limits.max_pixels and width > 1500


# ---------------------------------------------------------------- pages and time


def test_pdf_with_thousands_of_pages_is_refused() -> None:
    pdf = pikepdf.new()
    pages = pdf.Root.Pages
    kids = [
        pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page, Parent=pages, MediaBox=[0, 0, 100, 100]))
        for _ in range(5001)
    ]
    pages.Kids = pikepdf.Array(kids)
    pages.Count = len(kids)
    buffer = io.BytesIO()
    pdf.save(buffer)
    error = refused_quickly(buffer.getvalue(), "telefonbuch.pdf", seconds=5, megabytes=60)
    assert (error.status, error.code) == (413, "too_many_pages")
    assert "5001" in error.message


def test_ocr_time_budget_kills_tesseract() -> None:
    page = text_image(LETTER * 12, size=36, width=2480)  # a full, dense page: seconds of OCR
    started = time.monotonic()
    error = refusal(image_bytes(page, "PNG"), "dicht.png", replace(LIMITS, ocr_timeout_s=0.5))
    assert (error.status, error.code) == (413, "ocr_timeout")
    assert time.monotonic() - started < 4


@pytest.mark.slow  # six OCR calls of 0.4 s each (about 3 s)
def test_ocr_time_does_not_count_against_the_parse_budget() -> None:
    """Three scanned pages, OCR 0.4 s each (an engine that only sleeps: the budgets are the
    subject here): a 0.6 s parse budget is enough, a 1.0 s OCR budget is not."""
    from tests.test_extraction import scanned_pdf

    class SlowOcr:
        def image_to_text(self, image: Image.Image, languages: str) -> str:
            time.sleep(0.4)
            return "Seite"

    scan = scanned_pdf(text_pdf([["Eins"], ["Zwei"], ["Drei"]]), dpi=50)
    doc = extract_document(scan, "scan.pdf", replace(LIMITS, parse_timeout_s=0.6), SlowOcr())
    assert doc.pages == ["Seite"] * 3
    with pytest.raises(KaiError) as caught:
        extract_document(scan, "scan.pdf", replace(LIMITS, ocr_timeout_s=1.0), SlowOcr())
    assert (caught.value.status, caught.value.code) == (413, "ocr_timeout")


def test_parse_time_budget_stops_a_long_csv() -> None:
    rows = "".join(f"{n};Jörg Weißmüller;Hauptstraße {n}\n" for n in range(300_000)).encode()
    started = time.monotonic()
    error = refusal(rows, "lang.csv", replace(LIMITS, parse_timeout_s=0.2))
    assert (error.status, error.code) == (413, "parse_timeout")
    assert time.monotonic() - started < 5


@pytest.mark.slow  # then reads the 20,000-glyph page in full (about 3 s)
def test_parse_time_budget_stops_inside_one_heavy_pdf_page() -> None:
    """One page drawing 20,000 glyphs, each in its own text object (seconds of pdfminer work):
    the budget is checked inside the page, not only between pages, so even a one-page PDF
    stops; with enough budget the same page reads in full."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    ops = [f"BT /F1 4 Tf {10 + i % 100 * 5} {10 + i // 100 % 150 * 5} Td (a) Tj ET" for i in range(20_000)]
    pdf.pages.append(
        pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, 612, 792],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream("\n".join(ops).encode()),
            )
        )
    )
    buffer = io.BytesIO()
    pdf.save(buffer)
    error = refusal(buffer.getvalue(), "plan.pdf", replace(LIMITS, parse_timeout_s=0.3))
    assert (error.status, error.code) == (413, "parse_timeout")
    document = extract_document(buffer.getvalue(), "plan.pdf", LIMITS, OCR)
    assert document.pages[0].count("a") == 20_000


def test_ppt_whose_sector_chain_loops_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zeroing the end of the directory and the start of the FAT (found by fuzzing) sends
    catppt round a sector loop forever; it is killed after CATPPT_TIMEOUT_S (1 s here)."""
    from kai_local.documents.extract import slides
    from tests.test_extraction import ppt_bytes

    monkeypatch.setattr(slides, "CATPPT_TIMEOUT_S", 1.0)
    data = bytearray(ppt_bytes(["Hallo", "Welt"]))
    fat = 512 + 2 * 4096 + 512  # header, two 4 KiB streams, one directory sector
    data[fat - 35 : fat + 122] = bytes(157)
    error = refused_quickly(bytes(data), "schleife.ppt", seconds=4)
    assert (error.status, error.code) == (400, "corrupt_file")


@pytest.mark.anyio
async def test_event_loop_keeps_running_during_ocr() -> None:
    """Extraction in the CPU pool (as the route runs it) leaves the loop free: a 20 ms ticker
    never waits much longer than that while a scanned PDF is parsed and OCR'd."""
    from tests.test_extraction import scanned_pdf

    scan = scanned_pdf(text_pdf([LETTER]))
    pool = CpuPool(workers=1, queue_limit=1)
    worst = 0.0
    done = anyio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not done.is_set():
            before = time.monotonic()
            await anyio.sleep(0.02)
            worst = max(worst, time.monotonic() - before - 0.02)

    async with anyio.create_task_group() as group:
        group.start_soon(ticker)
        started = time.monotonic()
        doc = await pool.run(extract_document, scan, "scan.pdf", LIMITS, OCR)
        elapsed = time.monotonic() - started
        done.set()
    assert_ocr_reads_letter(doc.text)
    # Run on the loop, the stall would be the whole extraction; other jobs on this 2-core box
    # can delay a tick too, so the bound is relative.
    assert worst < max(0.25, 0.3 * elapsed), f"the loop stalled {worst:.2f} s of {elapsed:.2f} s"


@pytest.mark.slow  # builds 4 million paragraphs and counts them in a parse worker (about 2 s)
def test_docx_of_millions_of_paragraphs_is_refused_before_the_walk() -> None:
    """4 million empty paragraphs (a few hundred KB zipped) are more than max_pages can hold."""
    from tests.abuse_corpus import docx_paragraph_bomb

    error = refusal(docx_paragraph_bomb(), "bomb.docx", LIMITS)
    assert (error.status, error.code) == (413, "too_many_pages")
    assert "4,000,000" in error.message
