"""PDF: the values are cut out of each page that shows one; the other pages are kept as they are.

Per page, the values are located with PDFium: on the text layer by its character boxes, and
on a page with no text layer (a scan) or a rotated page by tesseract's word boxes on the
rendered page. A text page has the values' glyphs removed from its content stream and boxes
drawn where they stood (pdf_text.py): it stays text and vector. A page that cannot be rewritten
safely, or still shows a value when read back, is rendered at the OCR resolution with the boxes
painted, and its content becomes that image under an invisible OCR text layer of what is left
(tesseract's PDF renderer). Either way the values' glyphs are gone from the file, not covered.

Around the pages, what can hold a value is removed when it does: annotations (all of a
rasterised page), outline entries, form fields; attachments and JavaScript always (their
content cannot be checked), and the structure tree (its alternate texts) once anything was
redacted. The metadata goes afterwards, with the file through the metadata stripper.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import pikepdf
import pypdfium2
from PIL import Image

from kai_local.documents.extract.base import Deadline, ExtractionLimits, corrupt, encrypted
from kai_local.documents.extract.pdf import PDFIUM_LOCK
from kai_local.documents.ocr import TesseractOcr, prepare_for_ocr, within_deadline
from kai_local.documents.redact.matching import Replacer
from kai_local.documents.redact.pdf_text import NotRewritable, PageReader, rewrite_page
from kai_local.documents.redact.scan import Box, boxes_over_words, label_of, paint

log = logging.getLogger("kai_local.redact")

# A page with fewer characters than this in its text layer is read by OCR (a scan).
MIN_TEXT_CHARS = 10
# What described a replaced page's old content (crop boxes, rotation, annotations, thumbnails,
# per-page metadata and structure references) goes with it.
_PAGE_KEYS_DROPPED: tuple[str, ...] = (
    "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/Annots", "/Thumb",
    "/PieceInfo", "/Metadata", "/Group", "/StructParents", "/AA", "/B", "/UserUnit",
)  # fmt: skip
_ANNOTATION_TEXT = ("/Contents", "/T", "/Subj", "/RC", "/TU", "/V", "/CA")


@dataclass(frozen=True)
class RedactedPdf:
    data: bytes
    redactions: int
    pages: int
    rasterised_pages: int


# A value's box in the page's user space (x0, y0, x1, y1; y upwards) and the label drawn in it.
UserBox = tuple[tuple[float, float, float, float], str]


def redact_pdf(data: bytes, replacer: Replacer, limits: ExtractionLimits, ocr: TesseractOcr) -> RedactedPdf:
    deadline = Deadline.for_ocr(limits)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise encrypted("PDF") from None
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise corrupt("PDF", exc.__class__.__name__) from None
    document = _pdfium(data)
    try:
        count, rewritten = 0, set()
        raster: dict[int, list[UserBox] | None] = {}  # page -> its text-layer boxes (None: OCR them)
        reader: PageReader | None = None
        for index, page in enumerate(pdf.pages):
            located = _located(document, index, replacer)
            if located == []:
                count += _drop_annotations_with_values(page, replacer)
                continue
            if located is not None:  # a text page: its values' glyphs cut out, the page kept as text
                try:
                    reader = reader or PageReader(data)
                    rewrite_page(reader, index, pdf, located)
                    rewritten.add(index)
                    count += len(located) + _drop_annotations_with_values(page, replacer)
                    continue
                except NotRewritable:
                    pass
                except Exception:  # pdfminer on a page it cannot follow: the raster path is safe
                    log.info("pdf page %d: glyph removal failed, rasterised instead", index + 1, exc_info=False)
            raster[index] = located
        # Read back: a rewritten page that still shows a value is rasterised after all.
        for index, text in page_texts(_save(pdf), rewritten).items():
            if replacer.remaining(text):
                raster[index] = _located(document, index, replacer)
        rasterised = 0
        for index in sorted(raster):
            rendered = _redacted_rendering(document, index, raster[index], replacer, limits, ocr, deadline)
            if rendered is None:
                continue
            image, boxes, dpi = rendered
            _replace_content(pdf, pdf.pages[index], _ocr_pdf(ocr, image, dpi, limits, deadline))
            count += 0 if index in rewritten else boxes
            rasterised += 1
        count += _drop_document_parts(pdf, replacer, redacted=count > 0)
        return RedactedPdf(_save(pdf), count, len(pdf.pages), rasterised)
    finally:
        with PDFIUM_LOCK:
            document.close()
        pdf.close()


def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return out.getvalue()


def page_texts(data: bytes, indexes: Iterable[int] | None = None) -> dict[int, str]:
    """PDFium's text of the given pages (default: all), the document opened once."""
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(data)
        try:
            texts = {}
            for index in sorted(range(len(document)) if indexes is None else indexes):
                page = document[index]
                textpage = page.get_textpage()
                texts[index] = str(textpage.get_text_range())
                textpage.close()
                page.close()
            return texts
        finally:
            document.close()


def _located(document: pypdfium2.PdfDocument, index: int, replacer: Replacer) -> list[UserBox] | None:
    """The values' boxes on the page's text layer with their labels; [] for a page without
    values; None for a page to read by OCR (no text layer, or rotated)."""
    with PDFIUM_LOCK:
        page = document[index]
        try:
            return _text_layer_boxes(page, replacer)
        finally:
            page.close()


def _pdfium(data: bytes) -> pypdfium2.PdfDocument:
    with PDFIUM_LOCK:
        try:
            return pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise corrupt("PDF", exc) from exc


def _redacted_rendering(
    document: pypdfium2.PdfDocument,
    index: int,
    located: list[UserBox] | None,
    replacer: Replacer,
    limits: ExtractionLimits,
    ocr: TesseractOcr,
    deadline: Deadline,
) -> tuple[Image.Image, int, float] | None:
    """The page rendered with its values boxed out (`located` on its text layer, else found by
    OCR), the box count and the rendering's dpi; or None when the page shows no value."""
    with PDFIUM_LOCK:
        page = document[index]
        try:
            scale = _scale(page, limits)
            left, _, _, top = page.get_cropbox()
            bitmap = page.render(scale=scale, grayscale=True)
            image = prepare_for_ocr(bitmap.to_pil())
            bitmap.close()
        finally:
            page.close()
    if located is None:
        words = within_deadline(deadline, partial(ocr.image_to_words_within, image, limits.ocr_languages))
        boxes = boxes_over_words(words, replacer)
    else:  # user space (y upwards from the origin) to the rendering's pixels (y downwards from the crop box)
        boxes = [
            Box((x0 - left) * scale, (top - y1) * scale, (x1 - left) * scale, (top - y0) * scale, label)
            for (x0, y0, x1, y1), label in located
        ]
    if not boxes:
        return None
    return paint(image, boxes), len(boxes), scale * 72


def _scale(page: pypdfium2.PdfPage, limits: ExtractionLimits) -> float:
    """`ocr_dpi`, lowered for a page that would exceed `max_pixels` (as extraction renders)."""
    width, height = page.get_size()
    return min(limits.ocr_dpi / 72, math.sqrt(limits.max_pixels / max(width * height, 1.0)))


def _text_layer_boxes(page: pypdfium2.PdfPage, replacer: Replacer) -> list[UserBox] | None:
    """The values' boxes from the text layer, one per line of each match, in user space; None
    where the page has to be read by OCR (no text layer, or rotated)."""
    textpage = page.get_textpage()
    try:
        chars = textpage.count_chars()
        if chars < MIN_TEXT_CHARS or page.get_rotation() != 0:
            return None
        text = textpage.get_text_range(0, chars)
        boxes = []
        for match in replacer.matches(text):
            lines: dict[int, list[tuple[float, float, float, float]]] = {}
            for char in range(match.start, min(match.end, chars)):
                box = textpage.get_charbox(char, loose=True)
                if box[2] > box[0]:  # generated spaces and line breaks have no box
                    lines.setdefault(round(box[1]), []).append(box)
            for parts in lines.values():
                union = (
                    min(b[0] for b in parts),
                    min(b[1] for b in parts),
                    max(b[2] for b in parts),
                    max(b[3] for b in parts),
                )
                boxes.append((union, label_of(match.replacement)))
        return boxes
    finally:
        textpage.close()


def _ocr_pdf(ocr: TesseractOcr, image: Image.Image, dpi: float, limits: ExtractionLimits, deadline: Deadline) -> bytes:
    """The painted page as a one-page PDF: the image, and tesseract's invisible text over it."""
    return within_deadline(deadline, partial(ocr.image_to_pdf_within, image, limits.ocr_languages, dpi=round(dpi)))


def _replace_content(pdf: pikepdf.Pdf, page: pikepdf.Page, rendering: bytes) -> None:
    """The page object keeps its place (links, outlines and page labels still point at it); its
    content, resources and size become the rendering's, and everything that described the old
    content goes with it. The old content streams are then unreferenced, and not saved."""
    with pikepdf.open(io.BytesIO(rendering)) as new:
        source = new.pages[0].obj
        # copy_foreign takes indirect objects only; tesseract writes its resources inline.
        page.obj.Contents = pdf.copy_foreign(new.make_indirect(source.Contents))
        page.obj.Resources = pdf.copy_foreign(new.make_indirect(source.Resources))
        page.obj.MediaBox = pikepdf.Array([float(v) for v in source.MediaBox])
    for key in _PAGE_KEYS_DROPPED:
        if key in page.obj:
            del page.obj[key]


def _drop_annotations_with_values(page: pikepdf.Page, replacer: Replacer) -> int:
    annotations = page.obj.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return 0
    kept = [a for a in annotations if not _holds_value(a, replacer)]
    if len(kept) == len(annotations):
        return 0
    page.obj.Annots = pikepdf.Array(kept)
    return len(annotations) - len(kept)


def _drop_document_parts(pdf: pikepdf.Pdf, replacer: Replacer, redacted: bool) -> int:
    """Attachments and JavaScript always; outlines and forms holding a value; the structure tree
    (alternate texts, actual texts) once anything was redacted. Returns what held a value."""
    root = pdf.Root
    count = 0
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/EmbeddedFiles", "/JavaScript"):
            if key in names:
                del names[key]
    if "/OpenAction" in root and _is_script(root.OpenAction):
        del root["/OpenAction"]
    if "/AA" in root:  # the document's additional actions: scripts run on open, save, print
        del root["/AA"]
    if "/Outlines" in root and _outline_holds_value(root.Outlines, replacer):
        del root["/Outlines"]
        count += 1
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and any(_holds_value(f, replacer) for f in form.get("/Fields", [])):
        del root["/AcroForm"]
        for page in pdf.pages:
            if isinstance(page.obj.get("/Annots"), pikepdf.Array):
                page.obj.Annots = pikepdf.Array(a for a in page.obj.Annots if a.get("/Subtype") != "/Widget")
        count += 1
    if redacted:
        for key in ("/StructTreeRoot", "/MarkInfo"):
            if key in root:
                del root[key]
    return count


def _holds_value(item: pikepdf.Object, replacer: Replacer, depth: int = 0) -> bool:
    """Whether a text entry of an annotation or form field (or its kids) shows a value."""
    if not isinstance(item, pikepdf.Dictionary) or depth > 32:
        return False
    for key in _ANNOTATION_TEXT:
        value = item.get(key)
        if isinstance(value, pikepdf.String) and replacer.remaining(str(value)):
            return True
    kids = item.get("/Kids")
    return isinstance(kids, pikepdf.Array) and any(_holds_value(k, replacer, depth + 1) for k in kids)


def _outline_holds_value(outlines: pikepdf.Object, replacer: Replacer) -> bool:
    """Whether any outline title shows a value (walked iteratively, at most 100,000 entries)."""
    pending = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
    seen = 0
    while pending and seen < 100_000:
        item = pending.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        seen += 1
        title = item.get("/Title")
        if isinstance(title, pikepdf.String) and replacer.remaining(str(title)):
            return True
        pending += [item.get("/Next"), item.get("/First")]
    return seen >= 100_000  # too many to check: removed


def _is_script(action: pikepdf.Object) -> bool:
    return isinstance(action, pikepdf.Dictionary) and (action.get("/S") == "/JavaScript" or "/JS" in action)
