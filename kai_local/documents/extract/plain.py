"""CSV, JSON and plain text: decoded with encoding detection (UTF-8 with or without BOM, cp1252,
...), one page each (a TXT is split at form feeds, which is what a page break is in text)."""

from __future__ import annotations

import csv
import json
from typing import Any

from kai_local.documents.extract.base import Deadline, ExtractedDocument, ExtractionLimits, clean, corrupt, table_row
from kai_local.documents.filetypes import decode_text
from kai_local.documents.ocr import OcrEngine

_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
_ROWS_PER_DEADLINE_CHECK = 10_000


def _decode(data: bytes, kind: str) -> str:
    text = decode_text(data)
    if text is None:
        raise corrupt(kind, "it is not text in any known encoding")
    return text


def extract_txt(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    pages = [clean(page) for page in _decode(data, "text").split("\f")]
    return ExtractedDocument(pages=pages, extraction_method="text", used_ocr=False, page_count=len(pages))


def sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of `sample`; Excel's comma dialect when the sniffer cannot tell (one
    column, or too little text), with the semicolon that German Excel writes if it dominates."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        first = sample.split("\n", 1)[0]
        if first.count(";") > first.count(","):
            return _Semicolon
        return csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"


def extract_csv(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    text = _decode(data, "CSV")
    dialect = sniff_dialect(text[:_SNIFF_BYTES])
    lines: list[str] = []
    try:
        for number, row in enumerate(csv.reader(text.splitlines(), dialect)):
            if number % _ROWS_PER_DEADLINE_CHECK == 0:
                deadline.check()
            if any(cell.strip() for cell in row):
                lines.append(table_row(row))
    except csv.Error as exc:
        raise corrupt("CSV", exc) from exc
    return ExtractedDocument(
        pages=[clean("\n".join(lines))], extraction_method="csv_parser", used_ocr=False, page_count=1
    )


def extract_json(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    text = _decode(data, "JSON")
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise corrupt("JSON", "it is nested too deeply") from exc
    except ValueError as exc:
        raise corrupt("JSON", exc) from exc
    return ExtractedDocument(
        pages=[clean(render_json(value))], extraction_method="json_parser", used_ocr=False, page_count=1
    )


def render_json(value: Any) -> str:
    """JSON as indented `key: value` lines (YAML-like): every scalar on its own line under its
    key, list items as `- item`, so names, numbers and their context stay readable. Iterative,
    so any depth that json.loads accepted renders without recursion."""
    lines: list[str] = []
    # (depth, label, value): label "" for the root, None for a list item, else the key.
    stack: list[tuple[int, str | None, Any]] = [(0, "", value)]
    while stack:
        depth, label, item = stack.pop()
        indent = "  " * depth
        if isinstance(item, (dict, list)) and item:
            if label is None:
                lines.append(f"{indent}-")
            elif label:
                lines.append(f"{indent}{label}:")
            inner = depth + (label != "")
            pairs = item.items() if isinstance(item, dict) else ((None, child) for child in item)
            stack.extend(reversed([(inner, None if key is None else str(key), child) for key, child in pairs]))
        elif label is None:
            lines.append(f"{indent}- {_scalar(item)}")
        elif label:
            lines.append(f"{indent}{label}: {_scalar(item)}")
        else:
            lines.append(f"{indent}{_scalar(item)}")
    return "\n".join(lines)


def _scalar(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, (dict, list)):
        return "{}" if isinstance(item, dict) else "[]"
    return json.dumps(item)
