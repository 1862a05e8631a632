"""TXT, CSV and JSON redacted in their own text: the same encoding, the same layout.

TXT and CSV are rewritten as text: every value is replaced where it stands, so a CSV keeps its
columns, delimiter and quoting (a placeholder or a run of blocks holds no delimiter or quote).
JSON is parsed and written back: values are replaced inside strings (keys too), numbers,
booleans and the structure stay; a number that is itself a value (a phone number written as a
JSON number) becomes a string, since a placeholder is not a number.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from kai_local.documents.extract.base import corrupt
from kai_local.documents.filetypes import decode_text
from kai_local.documents.redact.matching import BLOCK, Replacer


def redact_text(data: bytes, replacer: Replacer) -> tuple[bytes, int]:
    """TXT and CSV: the text with each value replaced, in the encoding it came in."""
    text, encoding = _decoded(data)
    redacted, count = replacer.sub(text)
    return _encoded(redacted, encoding, data), count


def redact_json(data: bytes, replacer: Replacer) -> tuple[bytes, int]:
    text, encoding = _decoded(data)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise corrupt("JSON", exc) from None
    counter = [0]
    redacted = _walk(document, replacer, counter)
    indent = _indent_of(text)
    out = json.dumps(redacted, ensure_ascii=False, indent=indent)
    return _encoded(out + ("\n" if text.endswith("\n") else ""), encoding, data), counter[0]


def _walk(value: Any, replacer: Replacer, counter: list[int]) -> Any:
    """A copy of the parsed JSON with values replaced in strings; iterative over depth is not
    needed here: json.loads already refused what Python cannot recurse through."""
    if isinstance(value, str):
        return _sub(value, replacer, counter)
    if isinstance(value, list):
        return [_walk(item, replacer, counter) for item in value]
    if isinstance(value, dict):
        return {_sub(key, replacer, counter): _walk(item, replacer, counter) for key, item in value.items()}
    if isinstance(value, int | float) and not isinstance(value, bool):
        written = json.dumps(value)
        replaced = _sub(written, replacer, counter)
        return value if replaced == written else replaced
    return value


def _sub(text: str, replacer: Replacer, counter: list[int]) -> str:
    redacted, count = replacer.sub(text)
    counter[0] += count
    return redacted


def _indent_of(text: str) -> int | None:
    """The indentation of the first indented line, or None for compact JSON."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" ")
        if stripped and len(stripped) < len(line):
            return len(line) - len(stripped)
    return None


def _decoded(data: bytes) -> tuple[str, str]:
    """The text and the encoding to write it back in."""
    text = decode_text(data)
    if text is None:
        raise corrupt("text", "it is not text in any known encoding")
    for encoding in ("utf-8", "utf-16", "cp1252", "latin-1"):
        try:
            if data.removeprefix(codecs.BOM_UTF8).decode(encoding) == text:
                return text, encoding
        except UnicodeDecodeError:
            continue
    return text, "utf-8"


def _encoded(text: str, encoding: str, original: bytes) -> bytes:
    """The text in the original encoding, with its byte-order mark if it had one."""
    if encoding == "utf-8":
        return (codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b"") + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")  # with a BOM, as it came (decode_text reads UTF-16 by its BOM)
    return text.replace(BLOCK, "X").encode(encoding, errors="replace")  # cp1252 has no block
