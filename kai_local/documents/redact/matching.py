"""Where a document's detected values stand in a piece of its own text, and what replaces them.

Detection runs on the extracted text; a redactor looks for the same values in the file's own text
units (a DOCX paragraph, a CSV cell, a JSON string, a line of OCR words). A value matches wherever
it appears as a whole word, in any letter case, with any whitespace between its words: a name
detected once is masked everywhere it stands, also in a header the extractor did not read, and
a line break inside an address does not hide it. Privacy errs on the side of masking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER = "placeholder"
BLACKOUT = "blackout"
STYLES = (PLACEHOLDER, BLACKOUT)
BLOCK = "\u2588"  # █


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    replacement: str


class Replacer:
    """All values of one document as one regular expression, longest first (so that 'Anna Huber'
    wins over 'Huber' where both match)."""

    def __init__(self, surfaces: Mapping[str, str], style: str = PLACEHOLDER) -> None:
        """`surfaces`: each value as written -> its placeholder (`Anonymized.surfaces`)."""
        if style not in STYLES:
            raise ValueError(f"unknown redaction style {style!r}")
        self.style = style
        values = sorted({v.strip() for v in surfaces if v.strip()}, key=len, reverse=True)
        self._placeholders = {_key(v): surfaces[v] for v in sorted(surfaces, key=len) if v.strip()}
        self._pattern = (
            re.compile("|".join(f"(?<!\\w){_flexible(v)}(?!\\w)" for v in values), re.IGNORECASE) if values else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def matches(self, text: str) -> list[Match]:
        if self._pattern is None:
            return []
        return [Match(m.start(), m.end(), self.replacement_for(m.group())) for m in self._pattern.finditer(text)]

    def replacement_for(self, found: str) -> str:
        """The placeholder of the value (`placeholder` style) or a run of blocks as long as it."""
        if self.style == BLACKOUT:
            return BLOCK * len(found)
        return self._placeholders.get(_key(found), "[[REDACTED]]")

    def sub(self, text: str) -> tuple[str, int]:
        """The text with every value replaced, and how many were."""
        found = self.matches(text)
        if not found:
            return text, 0
        parts: list[str] = []
        position = 0
        for match in found:
            parts += [text[position : match.start], match.replacement]
            position = match.end
        parts.append(text[position:])
        return "".join(parts), len(found)

    def remaining(self, text: str) -> list[str]:
        """The values still readable in `text` (a redacted file's re-extraction: must be none)."""
        return [text[m.start : m.end] for m in self.matches(text)]


def _flexible(value: str) -> str:
    """The value as a pattern: its words in order, any whitespace between them."""
    return r"\s+".join(re.escape(word) for word in value.split())


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()
