"""Presentations: PPTX with python-pptx, legacy PPT with catppt. One page per slide.

PPTX: each slide's shapes in reading order (top to bottom, then left to right; groups opened),
text frames, tables as ' | ' rows, pictures large enough to hold text OCR'd (a scanned page on a
slide), then the speaker notes.

PPT (PowerPoint 97-2003 binary): no maintained Python library reads it, and LibreOffice or
Apache Tika would add hundreds of MB for one format. catppt (Debian's catdoc; small C, reads the
record stream directly) does, in a subprocess bounded in time and output, so a crash or a hang
on a hostile file stays outside the server. It needs a file path (its stdin mode
crashes in Debian's 0.95 build), so the upload goes to a private temporary file. catppt ends
each slide with a form feed. olefile checks the container first: the "PowerPoint Document"
stream must exist, and the "Current User" header token says whether the file is encrypted
(catppt would print the encrypted bytes as text).
"""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import olefile
import pptx
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.exc import PackageNotFoundError
from pptx.shapes.picture import Picture

from kai_local.documents.extract.base import (
    Deadline,
    ExtractedDocument,
    ExtractionLimits,
    check_page_count,
    clean,
    corrupt,
    encrypted,
    table_row,
)
from kai_local.documents.extract.images import picture_text
from kai_local.documents.extract.zipguard import check_zip
from kai_local.documents.ocr import OcrEngine
from kai_local.errors import ServiceUnavailable

_ENCRYPTED_TOKEN = 0xF3D1C4DF  # CurrentUserAtom.headerToken of an encrypted presentation
# catppt reads a 25 MB presentation in well under a second; longer means a loop in a damaged file.
CATPPT_TIMEOUT_S = 15.0


def extract_pptx(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    check_zip(data, limits, deadline, "PPTX")
    ocr_deadline = Deadline.for_ocr(limits)
    ocr_used = False

    def read_picture(picture: Picture) -> str | None:
        nonlocal ocr_used
        try:
            blob = picture.image.blob
        except (ValueError, KeyError, AttributeError):
            return None  # a linked picture: nothing inside the file
        with deadline.paused():  # OCR counts against its own budget
            text = picture_text(blob, limits, ocr, ocr_deadline)
        ocr_used |= text is not None
        return text

    try:
        presentation = pptx.Presentation(io.BytesIO(data))
        check_page_count(len(presentation.slides), limits)
        pages = []
        for slide in presentation.slides:
            deadline.check()
            pages.append(clean("\n".join(_slide_lines(slide, read_picture))))
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        AttributeError,
        zipfile.BadZipFile,
        etree.XMLSyntaxError,
    ) as exc:
        raise corrupt("PPTX", exc) from exc
    method = "pptx_parser+ocr" if ocr_used else "pptx_parser"
    return ExtractedDocument(pages=pages, extraction_method=method, used_ocr=ocr_used, page_count=len(pages))


def _slide_lines(slide: Any, read_picture: Callable[[Picture], str | None]) -> Iterator[str]:
    for shape in _reading_order(slide.shapes):
        if isinstance(shape, Picture):
            text = read_picture(shape)
            if text and text.strip():
                yield text
        elif shape.has_text_frame:
            text = shape.text_frame.text.replace("\v", "\n")
            if text.strip():
                yield text
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [cell.text.replace("\v", " ") for cell in row.cells]
                if any(cell.strip() for cell in cells):
                    yield table_row(cells)
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        if notes is not None and notes.text.strip():
            yield notes.text.replace("\v", "\n")


def _reading_order(shapes: Any) -> list[Any]:
    """Leaf shapes top to bottom, left to right; a group's members take the group's place."""

    def position(shape: Any) -> tuple[int, int]:
        top, left = shape.top, shape.left
        return (top if top is not None else 0, left if left is not None else 0)

    ordered: list[Any] = []
    for shape in sorted(shapes, key=position):
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            ordered.extend(_reading_order(shape.shapes))
        else:
            ordered.append(shape)
    return ordered


def extract_ppt(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("Current User"):
                head = ole.openstream("Current User").read(16)
                if len(head) >= 16 and struct.unpack_from("<I", head, 12)[0] == _ENCRYPTED_TOKEN:
                    raise encrypted("PPT")
            if not ole.exists("PowerPoint Document"):
                raise corrupt("PPT", "it has no PowerPoint Document stream")
    except (OSError, ValueError, struct.error) as exc:
        raise corrupt("PPT", exc) from exc
    text = _run_catppt(data, deadline)
    slides = text.split("\f")
    if slides and not slides[-1].strip():
        slides.pop()  # catppt closes the last slide with a form feed too
    check_page_count(len(slides), limits)
    pages = [clean(slide) for slide in slides] or [""]
    return ExtractedDocument(pages=pages, extraction_method="ppt_parser", used_ocr=False, page_count=len(pages))


def _run_catppt(data: bytes, deadline: Deadline) -> str:
    """catppt's output for `data`, bounded in time (CATPPT_TIMEOUT_S and the parse deadline)
    and in size (output goes to a file that may not outgrow a few times the input): a damaged
    FAT can send catppt round a sector loop forever, silently or printing."""
    budget = min(deadline.remaining(), CATPPT_TIMEOUT_S)
    if budget <= 0:
        raise deadline.exceeded()
    max_output = 4 * len(data) + 65536
    with tempfile.TemporaryDirectory(prefix="kai-ppt-") as folder:
        path, out_path, err_path = (Path(folder) / name for name in ("upload.ppt", "out.txt", "err.txt"))
        path.write_bytes(data)
        with out_path.open("wb") as out, err_path.open("wb") as err:
            try:
                process = subprocess.Popen(
                    ["catppt", "-d", "utf-8", str(path)], stdin=subprocess.DEVNULL, stdout=out, stderr=err
                )
            except FileNotFoundError as exc:
                raise ServiceUnavailable(
                    "PPT support is not installed (catppt, Debian package catdoc)", code="ppt_unavailable"
                ) from exc
            ends = time.monotonic() + budget
            try:
                while process.poll() is None:
                    if time.monotonic() > ends:
                        if budget < CATPPT_TIMEOUT_S:
                            raise deadline.exceeded()
                        raise corrupt("PPT", f"catppt did not finish within {CATPPT_TIMEOUT_S:g} s")
                    if out_path.stat().st_size > max_output:
                        raise corrupt("PPT", "catppt's output outgrew the file (a damaged container)")
                    time.sleep(0.01)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if process.returncode != 0:  # a negative code is a signal: catppt crashed on this file
            detail = err_path.read_bytes().decode("utf-8", "replace").strip()[:300]
            raise corrupt("PPT", detail or f"catppt exit {process.returncode}")
        if out_path.stat().st_size > max_output:
            raise corrupt("PPT", "catppt's output outgrew the file (a damaged container)")
        return out_path.read_bytes().decode("utf-8", "replace")
