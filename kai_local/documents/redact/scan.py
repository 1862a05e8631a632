"""Scans: black boxes painted over the OCR word boxes of each value.

The words tesseract reads on a page are joined into lines (in its reading order) and the values
are matched on that text, so a name split over two words, or a value broken across lines, is
found as it was in the extracted text; every word a match touches is covered, padded by a few
pixels so that no stroke stays visible at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from kai_local.documents.ocr import OcrWord
from kai_local.documents.redact.matching import BLOCK, Replacer

PADDING_PX = 3
LABEL_FONT = "DejaVuSans.ttf"  # fonts-dejavu-core
MIN_LABEL_PX = 8
LABEL_BACKGROUND = 225


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float
    label: str = ""  # the placeholder written inside the box (placeholder style); "" for blackout


def boxes_over_words(words: list[OcrWord], replacer: Replacer) -> list[Box]:
    """One box per line of each match: the union of the boxes of the words it touches."""
    text, spans = _page_text(words)
    boxes = []
    for match in replacer.matches(text):
        touched = [
            word for word, (start, end) in zip(words, spans, strict=True) if start < match.end and end > match.start
        ]
        for line in dict.fromkeys(word.line for word in touched):
            on_line = [word.box for word in touched if word.line == line]
            boxes.append(
                Box(
                    min(b[0] for b in on_line),
                    min(b[1] for b in on_line),
                    max(b[2] for b in on_line),
                    max(b[3] for b in on_line),
                    label_of(match.replacement),
                )
            )
    return boxes


def label_of(replacement: str) -> str:
    """The placeholder to write into a box; a blackout's run of blocks writes nothing."""
    return "" if replacement.startswith(BLOCK) else replacement


def paint(image: Image.Image, boxes: list[Box]) -> Image.Image:
    """A copy of the image with the boxes painted over (in its own mode: gray stays gray).
    Blackout: filled black. Placeholder: filled light gray, the placeholder written in
    black where it fits, so that a reader, and OCR of the page, sees the same `[[NAME_1]]` that
    /documents/anonymize returns (white on black defeats tesseract)."""
    painted = image.copy()
    draw = ImageDraw.Draw(painted)
    bands = len(painted.getbands())
    black, gray = (0, LABEL_BACKGROUND) if bands == 1 else ((0,) * bands, (LABEL_BACKGROUND,) * bands)
    for box in boxes:
        area = (box.left - PADDING_PX, box.top - PADDING_PX, box.right + PADDING_PX, box.bottom + PADDING_PX)
        if not box.label:
            draw.rectangle(area, fill=black)
            continue
        draw.rectangle(area, fill=gray)
        font = _font_fitting(box.label, area[2] - area[0], area[3] - area[1])
        if font is not None:
            draw.text(((area[0] + area[2]) / 2, (area[1] + area[3]) / 2), box.label, font=font, fill=black, anchor="mm")
    return painted


def _font_fitting(label: str, width: float, height: float) -> ImageFont.FreeTypeFont | None:
    """DejaVu Sans (installed with the server) at the largest size that fits the box, or None
    for a box too small to hold the label legibly."""
    size = int(height * 0.7)
    while size >= MIN_LABEL_PX:
        try:
            font = ImageFont.truetype(LABEL_FONT, size)
        except OSError:
            return None
        if font.getlength(label) <= width - 2:
            return font
        size -= max(1, size // 8)
    return None


def _page_text(words: list[OcrWord]) -> tuple[str, list[tuple[int, int]]]:
    """The words as text (a space inside a line, a line break between lines) and each word's span."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    previous: tuple[int, int, int] | None = None
    for word in words:
        if previous is not None:
            separator = " " if word.line == previous else "\n"
            parts.append(separator)
            position += 1
        spans.append((position, position + len(word.text)))
        parts.append(word.text)
        position += len(word.text)
        previous = word.line
    return "".join(parts), spans
