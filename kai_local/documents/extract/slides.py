"""Presentations: PPTX with python-pptx, legacy PPT with catppt. One page per slide.

PPTX: each slide's shapes in reading order (top to bottom, then left to right; groups opened),
text frames, tables as ' | ' rows, then the speaker notes.

PPT (PowerPoint 97-2003 binary): no maintained Python library reads it, and LibreOffice or
Apache Tika would add hundreds of MB for one format. catppt (Debian's catdoc; small C, reads the
record stream directly) does. We take the "PowerPoint Document" stream out of the OLE container
with olefile and pipe it to catppt's stdin (no temp file); catppt ends each slide with a form
feed. Encryption is read from the "Current User" stream's header token first, since catppt
would print the encrypted bytes as text.
"""

from __future__ import annotations

import io
import struct
import subprocess
import zipfile
from typing import Any, Iterator

import olefile
import pptx
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.exc import PackageNotFoundError

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
from kai_local.documents.extract.zipguard import check_zip
from kai_local.documents.ocr import OcrEngine
from kai_local.errors import ServiceUnavailable

_ENCRYPTED_TOKEN = 0xF3D1C4DF  # CurrentUserAtom.headerToken of an encrypted presentation


def extract_pptx(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    check_zip(data, limits, deadline, "PPTX")
    try:
        presentation = pptx.Presentation(io.BytesIO(data))
        check_page_count(len(presentation.slides), limits)
        pages = []
        for slide in presentation.slides:
            deadline.check()
            pages.append(clean("\n".join(_slide_lines(slide))))
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, zipfile.BadZipFile,
            etree.XMLSyntaxError) as exc:
        raise corrupt("PPTX", exc) from exc
    return ExtractedDocument(pages=pages, extraction_method="pptx_parser", used_ocr=False, page_count=len(pages))


def _slide_lines(slide: Any) -> Iterator[str]:
    for shape in _reading_order(slide.shapes):
        if shape.has_text_frame:
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
            stream = ole.openstream("PowerPoint Document").read()
    except (OSError, ValueError, struct.error) as exc:
        raise corrupt("PPT", exc) from exc
    remaining = deadline.remaining()
    if remaining <= 0:
        raise deadline.exceeded()
    try:
        done = subprocess.run(["catppt", "-d", "utf-8"], input=stream, capture_output=True,
                              timeout=remaining, check=False)
    except subprocess.TimeoutExpired as exc:
        raise deadline.exceeded() from exc
    except FileNotFoundError as exc:
        raise ServiceUnavailable("PPT support is not installed (catppt, Debian package catdoc)",
                                 code="ppt_unavailable") from exc
    if done.returncode != 0:
        raise corrupt("PPT", done.stderr.decode("utf-8", "replace").strip())
    slides = done.stdout.decode("utf-8", "replace").split("\f")
    if slides and not slides[-1].strip():
        slides.pop()  # catppt closes the last slide with a form feed too
    check_page_count(len(slides), limits)
    pages = [clean(slide) for slide in slides] or [""]
    return ExtractedDocument(pages=pages, extraction_method="ppt_parser", used_ocr=False, page_count=len(pages))
