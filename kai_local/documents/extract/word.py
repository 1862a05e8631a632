"""DOCX with python-docx: body paragraphs and tables in document order, text boxes, headers,
footers, footnotes, endnotes and comments; pictures in the body large enough to hold text (a
scanned page pasted into a letter) are OCR'd at their place.

A DOCX stores no page layout, so pages are split where the file itself forces one: a hard page
break (w:br w:type="page"), "page break before" on a paragraph, or a section break that starts
a new page. Headers come first on page 1; footers, notes and comments close the last page.
Paragraph text is read from the XML (w:t, tabs, breaks) so that text boxes and content
controls are not lost; tables go through python-docx, which resolves merged cells.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.table import Table
from lxml import etree

from kai_local.documents.extract.base import (
    Deadline,
    ExtractedDocument,
    ExtractionLimits,
    check_page_count,
    clean,
    corrupt,
    table_row,
)
from kai_local.documents.extract.images import picture_text
from kai_local.documents.extract.zipguard import check_zip
from kai_local.documents.ocr import OcrEngine
from kai_local.errors import PayloadTooLarge

PAGE_BREAK = "\f"  # marker between pages inside the collected lines
_HEADER_PARTS = re.compile(r"^/word/header\d*\.xml$")
_CLOSING_PARTS = re.compile(r"^/word/(footer\d*|footnotes|endnotes|comments)\.xml$")
_W_P, _W_TBL, _W_SDT, _W_R = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:r")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_PICTURE = "\x00picture:"  # marker line for a body picture: _PICTURE + relationship id


# A page holds a few dozen paragraphs and tables; a body of far more blocks than `max_pages`
# could hold is refused before the Python walk over it (a DOCX of millions of empty paragraphs
# is a few hundred KB zipped).
BLOCKS_PER_PAGE = 200


def _check_block_count(blocks: int, limits: ExtractionLimits) -> None:
    if blocks > limits.max_pages * BLOCKS_PER_PAGE:
        raise PayloadTooLarge(
            f"The DOCX body has {blocks:,} paragraphs and tables, more than {limits.max_pages} pages can hold "
            f"(at most {limits.max_pages * BLOCKS_PER_PAGE:,}).",
            code="too_many_pages",
            param="files",
        )


def extract_docx(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    check_zip(data, limits, deadline, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
        _check_block_count(len(document.element.body), limits)
        parts = list(document.part.package.iter_parts())
        body = list(_blocks(document.element.body, document, deadline))
        headers = _part_lines(parts, _HEADER_PARTS, document)
        closing = _part_lines(parts, _CLOSING_PARTS, document)
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, etree.XMLSyntaxError) as exc:
        raise corrupt("DOCX", exc) from exc
    ocr_deadline = Deadline.for_ocr(limits)
    ocr_used = False
    for index, line in enumerate(body):
        if line.startswith(_PICTURE):
            part = document.part.related_parts.get(line[len(_PICTURE) :])
            text = picture_text(part.blob, limits, ocr, ocr_deadline) if part is not None else None
            ocr_used |= text is not None
            body[index] = text or ""
    pages = _split_pages(headers + body + closing)
    check_page_count(len(pages), limits)
    method = "docx_parser+ocr" if ocr_used else "docx_parser"
    return ExtractedDocument(pages=pages, extraction_method=method, used_ocr=ocr_used, page_count=len(pages))


def _split_pages(lines: list[str]) -> list[str]:
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line)
    texts = [clean("\n".join(page)) for page in pages]
    return [text for text in texts if text] or [""]


def _part_lines(parts: list[Any], name: re.Pattern[str], document: Any) -> list[str]:
    """Lines of the header/footer/notes parts, each distinct text once (a first-page header is
    often the default one again)."""
    lines: list[str] = []
    seen: set[str] = set()
    for part in sorted((p for p in parts if name.match(str(p.partname))), key=lambda p: str(p.partname)):
        element = getattr(part, "element", None)
        root = element if element is not None else parse_xml(part.blob)
        text = "\n".join(line for line in _blocks(root, document, None) if _is_text(line)).strip()
        if text and text not in seen:
            seen.add(text)
            lines.append(text)
    return lines


def _blocks(container: Any, parent: Any, deadline: Deadline | None) -> Iterator[str]:
    """Lines of a container's paragraphs and tables in order (page-break markers between)."""
    for child in container.iterchildren():
        if deadline is not None:
            deadline.check()
        if child.tag == _W_P:
            yield from _paragraph(child, parent)
        elif child.tag == _W_TBL:
            yield from _table(Table(child, parent), parent)
        elif child.tag == _W_SDT:  # a content control: its content is ordinary blocks
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, parent, deadline)
        elif child.tag in (qn("w:footnote"), qn("w:endnote"), qn("w:comment")):
            yield from _blocks(child, parent, deadline)


def _paragraph(p: Any, parent: Any) -> Iterator[str]:
    properties = p.find(qn("w:pPr"))
    if properties is not None and _is_on(properties.find(qn("w:pageBreakBefore"))):
        yield PAGE_BREAK
    pieces: list[str] = []
    boxes: list[str] = []
    pictures: list[str] = []
    breaks_before = breaks_after = False
    for node in p.iter():
        if _inside_textbox_or_fallback(node, p):
            continue
        tag = node.tag
        if tag == qn("w:t"):
            pieces.append(node.text or "")
        elif tag == qn("w:tab"):
            pieces.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            if node.get(qn("w:type")) == "page":
                breaks_before |= not "".join(pieces).strip()
                breaks_after |= bool("".join(pieces).strip())
            else:
                pieces.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            pieces.append("-")
        elif tag == qn("w:txbxContent"):
            boxes.extend(line for line in _blocks(node, parent, None) if _is_text(line))
        elif tag == _A_BLIP and node.get(qn("r:embed")):
            pictures.append(_PICTURE + node.get(qn("r:embed")))
    if breaks_before:
        yield PAGE_BREAK
    text = "".join(pieces)
    if text.strip():
        yield text
    yield from boxes
    yield from pictures
    if breaks_after:
        yield PAGE_BREAK
    section = properties.find(qn("w:sectPr")) if properties is not None else None
    if section is not None:
        kind = section.find(qn("w:type"))
        if kind is None or kind.get(qn("w:val")) != "continuous":
            yield PAGE_BREAK


def _table(table: Table, parent: Any) -> Iterator[str]:
    """Rows as ' | ' lines. A cell merged across columns is one cell; one merged down rows
    shows its text in its first row and stays an empty column below, to keep columns aligned."""
    # Keyed by id() of lxml element proxies; the dict holds the proxies so ids stay unique.
    seen: dict[int, Any] = {}
    for row in table.rows:
        cells: list[str] = []
        in_row: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            if key in in_row:
                continue
            in_row.add(key)
            if key in seen:
                cells.append("")
                continue
            seen[key] = cell._tc
            lines = [line for line in _blocks(cell._tc, cell, None) if _is_text(line)]
            cells.append(" ".join(lines))
        if any(cells):
            yield table_row(cells)


def _is_text(line: str) -> bool:
    """Not a marker: pictures are OCR'd in the body only (in headers they are logos; in table
    cells and text boxes, mostly icons)."""
    return line != PAGE_BREAK and not line.startswith(_PICTURE)


def _inside_textbox_or_fallback(node: Any, stop: Any) -> bool:
    """True for nodes under a text box or an mc:Fallback inside this paragraph (text boxes are
    read on their own; a Fallback repeats its mc:Choice)."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (qn("w:txbxContent"), _MC_FALLBACK):
            return True
        parent = parent.getparent()
    return False


def _is_on(flag: Any) -> bool:
    return flag is not None and flag.get(qn("w:val"), "true") not in ("0", "false", "off")
