"""Pictures inside a DOCX, PPTX or XLSX that show a value: replaced by their redacted rendering.

A scan pasted into a letter is read by extraction (OCR), so its values are among the detected
ones; here each picture extraction would read (PNG, JPEG or TIFF, large enough to be a scan:
the same thresholds) is OCR'd again for word boxes, and one that shows a value is replaced, at
the same part name and in the same format, by its copy with boxes over the values. Pictures
that show none, and those extraction does not read, stay byte for byte.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from kai_local.documents import filetypes as ft
from kai_local.documents.extract.base import ExtractionLimits
from kai_local.documents.extract.images import MIN_OCR_PICTURE_PIXELS, MIN_OCR_PICTURE_SIDE, UPLOAD_FORMATS
from kai_local.documents.metadata.ooxml import _read_zip, _write_zip
from kai_local.documents.metadata.result import StripFailed
from kai_local.documents.ocr import TesseractOcr
from kai_local.documents.redact.images import redact_image
from kai_local.documents.redact.matching import Replacer
from kai_local.errors import KaiError

_PICTURES = (ft.PNG, ft.JPEG, ft.TIFF)


def redact_pictures(data: bytes, replacer: Replacer, limits: ExtractionLimits, ocr: TesseractOcr) -> tuple[bytes, int]:
    """The package with every picture that shows a value redacted; and the number of boxes."""
    if not replacer:
        return data, 0
    try:
        parts = _read_zip(data)
    except StripFailed:
        return data, 0  # the text redactor read this package; the metadata stripper will say what is wrong
    count = 0
    for name, body in parts.items():
        kind = ft.detect(body, name)
        if kind not in _PICTURES or not _large_enough(body):
            continue
        try:
            redacted, boxes = redact_image(body, kind, replacer, limits, ocr)
        except KaiError as error:
            if error.code in ("ocr_timeout", "parse_timeout"):
                raise
            continue  # a picture OCR cannot read held nothing detection saw either
        if boxes:
            parts[name] = redacted
            count += boxes
    if not count:
        return data, 0
    return _write_zip(parts, list(parts), compress=False), count  # deflated by the metadata stripper


def _large_enough(body: bytes) -> bool:
    """What extraction OCRs: logos, icons and signatures below these sizes are not read."""
    try:
        with Image.open(io.BytesIO(body), formats=list(UPLOAD_FORMATS)) as image:  # no other plugin
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError):
        return False
    return min(width, height) >= MIN_OCR_PICTURE_SIDE and width * height >= MIN_OCR_PICTURE_PIXELS
