"""One uploaded document redacted in its own format (runs in a parse worker: it parses the upload).

The values come from detection on the extracted text (`Anonymized.surfaces`); each format's
redactor replaces them where they stand in the file. Then two checks before anything leaves:
- the output is read back and must show none of the values: its text (the extractor the
  anonymize endpoint uses, pictures in office files OCR'd; for a PDF, PDFium's text layer of
  every page: its rasterised pages were painted over what OCR matched) is searched for them,
  and a file that still shows one is refused (500 `redaction_incomplete`), never returned;
- the output goes through the metadata stripper, as /documents/strip-metadata would.
Legacy XLS and PPT are refused (415): convert them to XLSX or PPTX first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kai_local.documents import filetypes as ft
from kai_local.documents.extract.base import ExtractionLimits
from kai_local.documents.extraction import extract_document, resolve_type
from kai_local.documents.metadata import MetadataStripper
from kai_local.documents.metadata.service import Stripped
from kai_local.documents.ocr import TesseractOcr
from kai_local.documents.redact.images import redact_image
from kai_local.documents.redact.matching import Replacer
from kai_local.documents.redact.office import redact_package
from kai_local.documents.redact.pdf import page_texts, redact_pdf
from kai_local.documents.redact.pictures import redact_pictures
from kai_local.documents.redact.text import redact_json, redact_text
from kai_local.errors import InternalError, UnsupportedMediaType


@dataclass(frozen=True)
class Redacted:
    stripped: Stripped  # the redacted file as the metadata stripper returned it, and what it removed
    redactions: int
    rasterised_pages: int = 0  # PDF pages replaced by their redacted rendering


def redact_document(
    data: bytes,
    filename: str,
    surfaces: Mapping[str, str],
    style: str,
    limits: ExtractionLimits,
    stripper: MetadataStripper,
) -> Redacted:
    kind = resolve_type(data, filename)
    if kind in (ft.XLS, ft.PPT):
        modern = "XLSX" if kind == ft.XLS else "PPTX"
        raise UnsupportedMediaType(
            f"Legacy {kind.upper()} files cannot be redacted in their own format; save the file as {modern} "
            "and send that (or use /documents/anonymize for its text).",
            param="file",
        )
    replacer = Replacer(surfaces, style)
    ocr = TesseractOcr(languages=limits.ocr_languages)
    rasterised = 0
    if kind == ft.PDF:
        pdf = redact_pdf(data, replacer, limits, ocr)
        out, count, rasterised = pdf.data, pdf.redactions, pdf.rasterised_pages
    elif kind in (ft.DOCX, ft.PPTX, ft.XLSX):
        out, count = redact_package(data, replacer)
        out, boxes = redact_pictures(out, replacer, limits, ocr)
        count += boxes
    elif kind in (ft.PNG, ft.JPEG, ft.TIFF):
        out, count = redact_image(data, kind, replacer, limits, ocr)
    elif kind == ft.JSON:
        out, count = redact_json(data, replacer)
    else:
        out, count = redact_text(data, replacer)
    _check_nothing_left(out, filename, kind, replacer, limits, ocr)
    stripped = stripper.strip(out, filename)
    return Redacted(stripped, count, rasterised)


def _check_nothing_left(
    out: bytes, filename: str, kind: str, replacer: Replacer, limits: ExtractionLimits, ocr: TesseractOcr
) -> None:
    if kind in ft.IMAGE_TYPES:
        return  # pixels: the boxes were painted over every word OCR matched
    if kind == ft.PDF:
        text = "\n".join(page_texts(out).values())
    else:
        text = extract_document(out, filename, limits, ocr).text
    if replacer.remaining(text):
        # Nothing of the value in the message or the log: only that the file is not returned.
        raise InternalError(
            "The document could not be redacted completely (a detected value is still readable in "
            "the output), so it is not returned. Use /documents/anonymize for its text.",
            code="redaction_incomplete",
        )
