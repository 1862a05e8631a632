"""Spreadsheets: XLSX with openpyxl, legacy XLS with xlrd. One page per sheet: the sheet's name,
then its non-empty rows as ' | ' lines. Values, not formulas (XLSX: the values Excel cached when
it saved; a file written by a program that never computed them has none). Hidden sheets are
read too: what they hold is still in the file.

The size a sheet declares (its "dimension") is not trusted: a one-cell sheet can claim
A1:XFD1048576, which would expand to 17 billion empty cells. Rows are read as stored, and the
parse deadline is checked as they stream.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException
from xlrd.compdoc import CompDocError

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

_ROWS_PER_DEADLINE_CHECK = 500
# xlrd (unmaintained, but the only XLS reader) reports damaged files through plain errors.
XLRD_ERRORS = (
    CompDocError,
    struct.error,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AssertionError,
    OverflowError,
    ZeroDivisionError,
    OSError,
)
MAX_GAP = 8  # empty cells in a row kept for column alignment


def format_value(value: Any) -> str:
    """A cell value as a person reads it: 42 not 42.0, dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _collapse_gaps(cells: list[str]) -> list[str]:
    """Trailing empty cells dropped, runs of empty cells cut to MAX_GAP, so a
    lone cell in column XFD does not become 16,383 separators (and a row of text stays a row)."""
    while cells and not cells[-1].strip():
        cells.pop()
    kept: list[str] = []
    gap = 0
    for cell in cells:
        gap = gap + 1 if not cell.strip() else 0
        if gap <= MAX_GAP:
            kept.append(cell)
    return kept


def _sheet_text(title: str, rows: Iterable[Iterable[Any]], deadline: Deadline) -> str:
    lines = [title]
    for number, row in enumerate(rows):
        if number % _ROWS_PER_DEADLINE_CHECK == 0:
            deadline.check()
        cells = _collapse_gaps([format_value(value) for value in row])
        if cells:
            lines.append(table_row(cells))
    return clean("\n".join(lines))


def extract_xlsx(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    check_zip(data, limits, deadline, "XLSX")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise corrupt("XLSX", exc) from exc
    try:
        sheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
        check_page_count(len(sheets), limits)
        pages = []
        for sheet in sheets:
            sheet.reset_dimensions()  # do not trust the declared size (see module doc)
            pages.append(_sheet_text(sheet.title, sheet.iter_rows(values_only=True), deadline))
    except (KeyError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise corrupt("XLSX", exc) from exc
    finally:
        workbook.close()
    return ExtractedDocument(
        pages=pages or [""], extraction_method="xlsx_parser", used_ocr=False, page_count=len(pages) or 1
    )


def extract_xls(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise encrypted("XLS") from exc
        raise corrupt("XLS", exc) from exc
    except XLRD_ERRORS as exc:
        raise corrupt("XLS", exc) from exc
    try:
        check_page_count(book.nsheets, limits)
        pages = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            pages.append(_sheet_text(sheet.name, _xls_rows(sheet, book.datemode), deadline))
            book.unload_sheet(index)
    except (xlrd.XLRDError, *XLRD_ERRORS) as exc:
        raise corrupt("XLS", exc) from exc
    finally:
        book.release_resources()
    return ExtractedDocument(
        pages=pages or [""], extraction_method="xls_parser", used_ocr=False, page_count=len(pages) or 1
    )


def _xls_rows(sheet: Any, datemode: int) -> Iterator[list[Any]]:
    for index in range(sheet.nrows):
        row = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate_as_datetime(cell.value, datemode))
                except (xlrd.xldate.XLDateError, OverflowError, ValueError):
                    row.append(cell.value)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
            else:
                row.append(cell.value)
        yield row
