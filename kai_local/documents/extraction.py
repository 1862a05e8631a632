"""Uploaded file -> text, page by page, with the metadata /documents/anonymize reports.

    doc = extract_document(data, filename, extraction_limits(settings), build_ocr_engine(settings))
    doc.pages, doc.text, doc.extraction_method, doc.used_ocr, doc.page_count

Blocking (parsers, tesseract subprocesses): call it through `services.cpu_pool.run`.
Every failure a client can cause is a KaiError with its own code (see docs/extraction.md):
400 empty_file / corrupt_file / encrypted_file / file_type_mismatch, 413 too_many_pages /
image_too_large / archive_too_large / ocr_timeout / parse_timeout, 415 unsupported_file_type.

Type policy: the bytes decide, not the name. A binary format we read is read as what it is
whatever the name says (report.xls that is really XLSX, scan.pdf that is really a JPEG). The
name only matters (a) among the text formats, which have no magic number: `.csv` is read as
CSV, `.json` must parse as JSON, anything else that parses as JSON is JSON, else plain text;
(b) to tell a damaged file from an unsupported one: unreadable bytes named like a supported
binary format are `corrupt_file`, and plain text named like a binary format (an HTML error
page saved as report.pdf) is `file_type_mismatch`.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from kai_local.documents import filetypes as ft
from kai_local.documents.extract.base import (
    Deadline,
    ExtractedDocument,
    ExtractionLimits,
    corrupt,
    encrypted,
)
from kai_local.documents.ocr import EasyOcr, OcrEngine, TesseractOcr, build_ocr_engine
from kai_local.errors import InvalidRequest, UnsupportedMediaType

if TYPE_CHECKING:
    from kai_local.settings import Settings

__all__ = [
    "SUPPORTED_TYPES",
    "EasyOcr",
    "ExtractedDocument",
    "ExtractionLimits",
    "OcrEngine",
    "TesseractOcr",
    "build_ocr_engine",
    "extract_document",
    "extraction_limits",
]

# type -> "module:function" under kai_local.documents.extract; imported on first use.
_EXTRACTORS: dict[str, str] = {
    ft.PDF: "pdf:extract_pdf",
    ft.DOCX: "word:extract_docx",
    ft.PPTX: "slides:extract_pptx",
    ft.PPT: "slides:extract_ppt",
    ft.XLSX: "sheets:extract_xlsx",
    ft.XLS: "sheets:extract_xls",
    ft.PNG: "images:extract_image",
    ft.JPEG: "images:extract_image",
    ft.TIFF: "images:extract_image",
    ft.CSV: "plain:extract_csv",
    ft.JSON: "plain:extract_json",
    ft.TXT: "plain:extract_txt",
}
SUPPORTED_TYPES = frozenset(_EXTRACTORS)
_BINARY_TYPES = SUPPORTED_TYPES - ft.TEXT_TYPES
# Containers whose damaged form `detect` reports as the bare container.
_ZIP_TYPES = frozenset({ft.DOCX, ft.XLSX, ft.PPTX})
_OLE_TYPES = frozenset({ft.XLS, ft.PPT, ft.DOC})

Extractor = Callable[[bytes, ExtractionLimits, OcrEngine, Deadline], ExtractedDocument]


def extraction_limits(settings: Settings) -> ExtractionLimits:
    return ExtractionLimits(
        max_pages=settings.extract_max_pages,
        max_pixels=settings.extract_max_pixels,
        max_unzipped_bytes=settings.extract_max_unzipped_bytes,
        max_zip_members=settings.extract_max_zip_members,
        ocr_timeout_s=settings.extract_ocr_timeout_s,
        parse_timeout_s=settings.extract_parse_timeout_s,
        ocr_dpi=settings.extract_ocr_dpi,
        ocr_languages=settings.ocr_languages,
    )


def resolve_type(data: bytes, filename: str) -> str:
    """The type to read `data` as (one of SUPPORTED_TYPES), or the KaiError that refuses it."""
    detected = ft.detect(data, filename)
    claimed = ft.extension_type(filename)
    if detected == ft.EMPTY:
        raise InvalidRequest("The uploaded file is empty", code="empty_file", param="files")
    if detected in _BINARY_TYPES:
        return detected
    if detected in ft.TEXT_TYPES:
        if claimed in (ft.CSV, ft.JSON):
            return claimed  # extract_json refuses a .json that does not parse
        if claimed not in (None, ft.TXT):  # text named like a binary format
            raise InvalidRequest(
                f"The file is named as {claimed.upper()} but its content is plain text",
                code="file_type_mismatch",
                param="files",
            )
        return detected
    if detected == ft.ENCRYPTED_OFFICE:
        raise encrypted("Office document")
    damaged = (
        (detected == ft.ZIP and claimed in _ZIP_TYPES)
        or (detected == ft.OLE and claimed in _OLE_TYPES)
        or (detected == ft.UNKNOWN and claimed in _BINARY_TYPES)
    )
    if damaged:
        raise corrupt(claimed.upper(), "its content does not match that format")  # type: ignore[union-attr]
    shown = claimed or detected
    kind = ft.MEDIA_TYPES.get(detected, "an unrecognised binary format")
    raise UnsupportedMediaType(
        f"Unsupported file type ({kind}; file name type: {shown}). Supported: PDF, DOCX, PPTX, "
        "PPT, XLSX, XLS, CSV, JSON, TXT, PNG, JPEG, TIFF",
        param="files",
    )


def extract_document(data: bytes, filename: str, limits: ExtractionLimits, ocr: OcrEngine) -> ExtractedDocument:
    """Text of an uploaded file, per page. Blocking; raises KaiError subclasses with codes."""
    kind = resolve_type(data, filename)
    module_name, function_name = _EXTRACTORS[kind].split(":")
    extractor: Extractor = getattr(import_module(f"kai_local.documents.extract.{module_name}"), function_name)
    deadline = Deadline(limits.parse_timeout_s, "parse_timeout", "parsing")
    return extractor(data, limits, ocr, deadline)
