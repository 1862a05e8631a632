"""PDF: the text layer with pdfplumber (tables kept as rows, in reading order), OCR where a
page has no text layer.

Per page:
- text layer: pdfplumber's lines; on pages with ruling lines, the tables pdfplumber finds are
  taken out of the running text and put back as ' | ' rows at their vertical position;
- a page with (almost) no text but with images or vector drawings (a scan, outlined text), or
  whose text layer is mostly glyphs without a Unicode mapping, is rendered with pypdfium2 and
  OCR'd as a whole (a text layer that lost its umlauts to unmapped glyphs is no use either);
- on a page that has text, a large image that holds no text of its own (a scan pasted into a
  typed letter) is OCR'd from the rendered page and placed at its position. A searchable scan
  (image under an invisible OCR text layer) has text inside the image, so it is not OCR'd again.

A page's annotations (sticky notes and comments, with their authors) are read with its text, and
the filled-in values of the document's form fields are added after the last page: a referral
form's patient stands in a field, not in the page text.

pypdfium2 is the page counter (it reads /Count; pdfminer would build every page object first)
and the renderer. PDFium is not thread-safe, even across documents, so every call into it holds
PDFIUM_LOCK -- one lock per process is the point, hence a module-level object.

Decompression budget: every stream pdfminer decodes (content, object and xref streams, fonts,
CMaps, XMP) goes through `PDFStream.decode`, which inflates with a bare `zlib.decompress`.
pdfminer has no hook there and builds its streams deep inside its parser, so this module wraps
that one method: while `extract_pdf` runs, the wrapper measures the expanding layers first with
`InflateBudget.check` (chunked, stops at the limit) and charges what pdfminer decoded after.
Outside `extract_pdf` (no budget set) pdfminer behaves as shipped.
"""

from __future__ import annotations

import io
import math
import re
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral, literal_name
from pdfminer.utils import decode_text
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from PIL import Image

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
from kai_local.documents.inflate import InflateBudget
from kai_local.documents.ocr import OcrEngine, ocr_page, prepare_for_ocr
from kai_local.errors import KaiError

# Form fields read per document (kids included): a form with more is read up to here.
MAX_FORM_FIELDS = 10_000
MAX_ANNOTATIONS = 10_000  # per page
PDFIUM_LOCK = threading.Lock()
# The budget of the document being extracted in this thread (see the module docstring).
_INFLATE_BUDGET: ContextVar[InflateBudget | None] = ContextVar("pdf_inflate_budget", default=None)

# What pdfplumber/pdfminer raise on a damaged file: their own wrappers, and the plain errors
# pdfplumber's object conversion lets through (a name where a number belongs, a missing key).
PARSE_ERRORS = (
    PdfminerException,
    MalformedPDFException,
    PDFException,
    PSException,
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    AssertionError,
    struct.error,
    ZeroDivisionError,
    RecursionError,
)

# The parse deadline is checked every this many glyphs or paths inside a page: one page can draw
# millions of them (about 0.1 ms each in pdfminer) and would otherwise hold a worker for minutes.
DEADLINE_CHECK_EVERY = 500
# A page with fewer non-blank characters than this counts as having no text layer.
MIN_TEXT_CHARS = 16
# TeX-made PDFs often draw an umlaut as a letter plus a spacing diaeresis ('Go¨ktas'); joined
# back into one letter here. The spacing form is never meant on its own in running text.
_SPACED_DIAERESIS = re.compile(r"([AEIOUYaeiouy])\u00a8|\u00a8([AEIOUYaeiouy])")
# A text layer with letters that have no Unicode mapping (fonts without ToUnicode: pdfminer
# prints '(cid:NN)') is unreadable: such a page is OCR'd like a scan (see _unreadable).
MAX_UNMAPPED_SHARE = 0.3
MIN_LOST_LETTERS = 3
# An image covering at least this share of the page, with no text on it, is OCR'd.
MIN_IMAGE_SHARE = 0.2


def extract_pdf(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    token = _INFLATE_BUDGET.set(InflateBudget(limits.max_inflated_bytes, param="files"))
    try:
        return _extract(data, limits, ocr, deadline)
    finally:
        _INFLATE_BUDGET.reset(token)


def _extract(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    ocr_deadline = Deadline.for_ocr(limits)
    with _pdfium_document(data) as rendered:
        with PDFIUM_LOCK:
            count = len(rendered)
        check_page_count(count, limits)
        pages: list[str] = []
        ocr_pages = 0
        with _plumber_document(data) as parsed:
            try:
                check_page_count(len(parsed.pages), limits)
                for index, page in enumerate(parsed.pages):
                    deadline.check()
                    try:
                        _lay_out(page, deadline)
                        text, ocr_used = _page_text(page, index, rendered, limits, ocr, ocr_deadline, deadline)
                    finally:
                        page.close()
                    notes = _annotation_text(page)
                    pages.append(clean(_SPACED_DIAERESIS.sub(_umlaut, "\n".join(filter(None, (text, notes))))))
                    ocr_pages += ocr_used
                if pages and (fields := _form_text(parsed)):
                    pages[-1] = clean("\n".join(filter(None, (pages[-1], fields))))
            except PARSE_ERRORS as exc:
                if (limit := _kai_cause(exc)) is not None:
                    raise limit from None  # the inflate budget, wrapped by pdfplumber
                raise corrupt("PDF", f"page {len(pages) + 1}: {exc}") from exc
    if ocr_pages == 0:
        method = "pdf_parser"
    else:
        method = "ocr" if ocr_pages == len(pages) else "pdf_parser+ocr"
    return ExtractedDocument(pages=pages, extraction_method=method, used_ocr=ocr_pages > 0, page_count=len(pages))


def _annotation_text(page: Page) -> str:
    """What a page's annotations say (sticky notes, comments, their authors): part of the
    document a reader sees, and where a name hides as easily as in the text. Read from the raw
    dictionaries (pdfplumber's own reading fails on some UTF-16 strings)."""
    annotations = resolve1(page.page_obj.annots)
    if not isinstance(annotations, list):
        return ""
    lines = []
    for annotation in annotations[:MAX_ANNOTATIONS]:
        annotation = resolve1(annotation)
        if isinstance(annotation, dict):
            lines += [text for key in ("T", "Contents") if (text := _pdf_text(annotation.get(key)))]
    return "\n".join(lines)


def _form_text(parsed: pdfplumber.pdf.PDF) -> str:
    """The filled-in values of the form fields ("name: value" per line): a referral form's
    patient is in a field, not in the page text."""
    form = resolve1(parsed.doc.catalog.get("AcroForm"))
    if not isinstance(form, dict):
        return ""
    lines: list[str] = []
    fields = resolve1(form.get("Fields"))
    pending = [(resolve1(field), 0) for field in fields[:MAX_FORM_FIELDS]] if isinstance(fields, list) else []
    visited = 0
    while pending and visited < MAX_FORM_FIELDS:
        field, depth = pending.pop()
        visited += 1
        if not isinstance(field, dict) or depth > 16:
            continue
        name, value = _pdf_text(field.get("T")), _pdf_text(field.get("V"))
        if value:
            lines.append(f"{name}: {value}" if name else value)
        kids = resolve1(field.get("Kids"))
        if isinstance(kids, list):
            pending += [(resolve1(kid), depth + 1) for kid in kids[:MAX_FORM_FIELDS]]
    return "\n".join(lines)


def _pdf_text(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value).strip()
    if isinstance(value, PSLiteral):
        return ""  # a checkbox state (/Yes, /Off): no text
    return ""


def _umlaut(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2)) + "\u0308"  # clean() composes it (NFC)


_pdfminer_decode = PDFStream.decode


def _decode_within_budget(stream: PDFStream) -> None:
    budget = _INFLATE_BUDGET.get()
    if budget is not None and stream.rawdata is not None:
        raw = stream.rawdata
        if stream.decipher and stream.objid is not None and stream.genno is not None:
            raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)  # as decode does
        names = [literal_name(f) if isinstance(f, PSLiteral) else str(f) for f, _ in stream.get_filters()]
        budget.check(raw, names)
    _pdfminer_decode(stream)
    if budget is not None and stream.data is not None:
        budget.charge(len(stream.data))


PDFStream.decode = _decode_within_budget  # type: ignore[method-assign,assignment]


def _kai_cause(exc: BaseException) -> KaiError | None:
    """Our own error (the inflate budget) inside the wrappers pdfplumber puts around whatever
    pdfminer raises (`PdfminerException(exc)`, raised from or while handling it)."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, KaiError):
            return current
        seen.add(id(current))
        pending += [*current.args[:1], current.__cause__, current.__context__]
    return None


@contextmanager
def _pdfium_document(data: bytes) -> Iterator[pypdfium2.PdfDocument]:
    try:
        with PDFIUM_LOCK:
            document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise encrypted("PDF") from exc
        raise corrupt("PDF", exc) from exc
    try:
        yield document
    finally:
        with PDFIUM_LOCK:
            document.close()


@contextmanager
def _plumber_document(data: bytes) -> Iterator[pdfplumber.pdf.PDF]:
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, MalformedPDFException) as exc:
        if (limit := _kai_cause(exc)) is not None:
            raise limit from None  # the inflate budget, hit while pdfplumber opened the file
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise encrypted("PDF") from exc
        raise corrupt("PDF", exc) from exc
    try:
        yield document
    finally:
        try:
            document.close()  # walks every page object: a broken page tree fails here again
        except PARSE_ERRORS:
            pass


class _DeadlineAggregator(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, checking the parse deadline as the page's glyphs and paths
    arrive."""

    def __init__(self, page: Page, deadline: Deadline) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        self._deadline = deadline
        self._drawn = 0

    def _count(self) -> None:
        self._drawn += 1
        if self._drawn % DEADLINE_CHECK_EVERY == 0:
            self._deadline.check()

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self._count()
        return super().render_char(*args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        self._count()
        super().paint_path(*args, **kwargs)


def _lay_out(page: Page, deadline: Deadline) -> None:
    """What pdfplumber's `Page.layout` does on first use, with `_DeadlineAggregator` as the
    device; pdfplumber then reads the layout from where that property caches it."""
    device = _DeadlineAggregator(page, deadline)
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except KaiError:
        raise  # the deadline
    except Exception as exc:  # as in Page.layout: whatever pdfminer raises means a damaged page
        raise PdfminerException(exc) from exc
    page._layout = device.get_result()  # Page.layout's cache (pdfplumber 0.11)


def _page_text(
    page: Page,
    index: int,
    rendered: pypdfium2.PdfDocument,
    limits: ExtractionLimits,
    ocr: OcrEngine,
    ocr_deadline: Deadline,
    deadline: Deadline,
) -> tuple[str, bool]:
    """The page's text, and whether OCR produced (part of) it. Rendering and OCR do not count
    against the parse budget (OCR has its own)."""
    unreadable = _unreadable(page.chars)
    if unreadable or _blank_chars(page.chars) < MIN_TEXT_CHARS:
        if not (unreadable or page.images or page.curves):
            return page.extract_text(), False  # a blank or nearly blank page: nothing to read
        with deadline.paused():
            image = _render(rendered, index, limits)
            return ocr_page(ocr, image, limits.ocr_languages, ocr_deadline), True

    blocks: list[tuple[float, str]] = []  # (top, text) in reading order
    text_page: Any = page
    if page.lines or page.rects:  # pdfplumber's default table finder needs ruling lines
        for table in page.find_tables():
            rows = [table_row([cell or "" for cell in row]) for row in table.extract()]
            blocks.append((table.bbox[1], "\n".join(rows)))
            text_page = text_page.outside_bbox(table.bbox)
    blank_images = _untexted_images(page)
    if not blocks and not blank_images:
        return page.extract_text(), False  # the common case, and pdfplumber's fastest path
    for line in text_page.extract_text_lines(return_chars=False):
        blocks.append((line["top"], line["text"]))
    if blank_images:
        with deadline.paused():
            image = _render(rendered, index, limits)
            for bbox in blank_images:
                crop = _crop(image, page, bbox)
                blocks.append((bbox[1], ocr_page(ocr, crop, limits.ocr_languages, ocr_deadline)))
    blocks.sort(key=lambda block: block[0])
    return "\n".join(text for _, text in blocks), bool(blank_images)


def _unreadable(chars: list[dict[str, Any]]) -> bool:
    """Whether the text layer lost letters: glyphs pdfminer could not map to Unicode (it writes
    them as '(cid:NN)') inside words of a font that does map its other letters (a subset whose
    umlauts lack a mapping: 'J(cid:2)rg'), or making up much of the page. Unmapped symbols from
    math or dingbat fonts next to a letter do not count."""
    unmapped = 0
    suspects: list[int] = []
    letter_fonts: set[str] = set()
    for index, char in enumerate(chars):
        if char["text"].startswith("(cid:"):
            unmapped += 1
            suspects.append(index)
        elif char["text"].isalpha():
            letter_fonts.add(char["fontname"])
    if unmapped > MAX_UNMAPPED_SHARE * max(len(chars), 1):
        return True
    lost = 0
    for index in suspects:
        font = chars[index]["fontname"]
        neighbours = chars[max(index - 1, 0) : index] + chars[index + 1 : index + 2]
        lost += font in letter_fonts and any(n["text"].isalpha() and n["fontname"] == font for n in neighbours)
    return lost >= MIN_LOST_LETTERS


def _blank_chars(chars: list[dict[str, Any]]) -> int:
    return sum(1 for char in chars if not char["text"].isspace())


def _untexted_images(page: Page) -> list[tuple[float, float, float, float]]:
    """Bounding boxes of large images with no text layer on them (rotated pages: none, since
    pdfplumber's coordinates and the rendered bitmap would disagree)."""
    if not page.images or (page.rotation or 0) % 360:
        return []
    x0, top, x1, bottom = page.bbox
    page_area = max((x1 - x0) * (bottom - top), 1.0)
    found = []
    for image in page.images:
        box = (max(image["x0"], x0), max(image["top"], top), min(image["x1"], x1), min(image["bottom"], bottom))
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        if (box[2] - box[0]) * (box[3] - box[1]) < MIN_IMAGE_SHARE * page_area:
            continue
        inside = page.within_bbox(box).chars
        if _blank_chars(inside) < MIN_TEXT_CHARS:
            found.append(box)
    return found


def _render(document: pypdfium2.PdfDocument, index: int, limits: ExtractionLimits) -> Image.Image:
    """The page as a gray bitmap at `ocr_dpi`, scaled down if that would exceed `max_pixels`
    (a poster-sized page is read at a lower resolution rather than refused)."""
    with PDFIUM_LOCK:
        page = document[index]
        try:
            width, height = page.get_size()
            scale = limits.ocr_dpi / 72
            area = max(width * height, 1.0)
            scale = min(scale, math.sqrt(limits.max_pixels / area))
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil()
            image.load()
            bitmap.close()
        finally:
            page.close()
    return prepare_for_ocr(image)


def _crop(image: Image.Image, page: Page, bbox: tuple[float, float, float, float]) -> Image.Image:
    x0, top, x1, bottom = page.bbox
    sx, sy = image.width / (x1 - x0), image.height / (bottom - top)
    box = (
        int((bbox[0] - x0) * sx),
        int((bbox[1] - top) * sy),
        math.ceil((bbox[2] - x0) * sx),
        math.ceil((bbox[3] - top) * sy),
    )
    return image.crop(box)
