"""Shared types of the extractors: limits, the result, a time budget, and the errors they raise."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kai_local.documents.inflate import MAX_INFLATED_BYTES
from kai_local.documents.ocr import DEFAULT_LANGUAGES
from kai_local.errors import InvalidRequest, PayloadTooLarge


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds on what one document may cost. Built from Settings by `extraction_limits()`."""

    max_pages: int = 500  # pages, slides, sheets or TIFF frames; more is refused (413)
    max_pixels: int = 60_000_000  # per image, TIFF frame or rendered PDF page
    max_unzipped_bytes: int = 200 * 2**20  # all members of a DOCX/XLSX/PPTX together
    ocr_timeout_s: float = 120.0  # OCR time for the whole document
    max_zip_members: int = 10_000
    parse_timeout_s: float = 120.0  # parsing time for the whole document, OCR not counted
    ocr_dpi: int = 300  # resolution at which PDF pages without a text layer are rendered for OCR
    ocr_languages: str = DEFAULT_LANGUAGES  # tesseract language codes, '+'-joined
    max_inflated_bytes: int = MAX_INFLATED_BYTES  # decoded PDF streams, all together (413)
    max_xml_part_bytes: int = 32 * 2**20  # one XML part of a DOCX/PPTX, unpacked (413)


@dataclass(frozen=True)
class ExtractedDocument:
    pages: list[str]  # text per page (PDF page, slide, sheet, TIFF frame; one for flat formats)
    extraction_method: str  # "pdf_parser", "pdf_parser+ocr", "ocr", "docx_parser", ...
    used_ocr: bool
    page_count: int

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


class Deadline:
    """A time budget checked between units of work (pages, rows, OCR calls)."""

    def __init__(self, seconds: float, code: str, what: str) -> None:
        self.seconds = seconds
        self.code = code
        self.what = what
        self._end = time.monotonic() + seconds

    @classmethod
    def for_ocr(cls, limits: ExtractionLimits) -> Deadline:
        """The document's OCR budget (each extractor that OCRs starts one)."""
        return cls(limits.ocr_timeout_s, "ocr_timeout", "OCR")

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.exceeded()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside does not count (the parse budget leaves OCR to the OCR budget)."""
        started = time.monotonic()
        try:
            yield
        finally:
            self._end += time.monotonic() - started

    def exceeded(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"The document needs more {self.what} time than the {self.seconds:g} s this server allows",
            code=self.code,
            param="files",
        )


def corrupt(kind: str, detail: object = "") -> InvalidRequest:
    suffix = f": {detail}" if str(detail) else ""
    return InvalidRequest(f"The file could not be read as {kind}{suffix}", code="corrupt_file", param="files")


def encrypted(kind: str) -> InvalidRequest:
    return InvalidRequest(
        f"The {kind} is encrypted or password-protected; upload it without a password",
        code="encrypted_file",
        param="files",
    )


def too_many_pages(count: int, limits: ExtractionLimits) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The document has {count} pages; this server reads at most {limits.max_pages}",
        code="too_many_pages",
        param="files",
    )


def check_page_count(count: int, limits: ExtractionLimits) -> None:
    if count > limits.max_pages:
        raise too_many_pages(count, limits)


def clean(text: str) -> str:
    """NFC (so 'ü' is one code point whatever the source did), no NULs, no trailing blanks."""
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def table_row(cells: list[str]) -> str:
    """One table row as text: cells joined by ' | ', the same for every format."""
    return " | ".join(" ".join(cell.split()) for cell in cells)
