"""Text in pieces of bounded size, for detection and for the `ai` strategy's model calls."""

from __future__ import annotations

from collections.abc import Iterator


def text_chunks(text: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) pieces of at most `size` characters, cut after a newline where possible;
    pieces of only whitespace are skipped."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut != -1 else end
        if text[start:end].strip():
            yield start, text[start:end]
        start = end
