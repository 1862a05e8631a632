"""PNG, JPEG and TIFF uploads (every frame of a multi-page TIFF): boxes over the values' words.

The frames are read through extraction's `iter_frames` (its pixel and page limits, upright) for
OCR, and written back in the upload's format from Pillow's pixels alone: no EXIF, XMP, ICC
profile, comment or text chunk is carried over, so the output image has no metadata.
"""

from __future__ import annotations

import io
from functools import partial

from PIL import Image, ImageOps

from kai_local.documents import filetypes as ft
from kai_local.documents.extract.base import Deadline, ExtractionLimits
from kai_local.documents.extract.images import UPLOAD_FORMATS, iter_frames
from kai_local.documents.ocr import TesseractOcr, within_deadline
from kai_local.documents.redact.matching import Replacer
from kai_local.documents.redact.scan import boxes_over_words, paint

_SAVE_AS = {ft.PNG: "PNG", ft.JPEG: "JPEG", ft.TIFF: "TIFF"}


def redact_image(
    data: bytes, kind: str, replacer: Replacer, limits: ExtractionLimits, ocr: TesseractOcr
) -> tuple[bytes, int]:
    """The image with every value's words boxed out, in its own format; and the box count."""
    deadline = Deadline.for_ocr(limits)
    painted: list[Image.Image] = []
    count = 0
    for index, gray in enumerate(iter_frames(data, limits)):
        words = within_deadline(deadline, partial(ocr.image_to_words_within, gray, limits.ocr_languages))
        boxes = boxes_over_words(words, replacer)
        count += len(boxes)
        painted.append(paint(_colour_frame(data, index), boxes))
    return _save(painted, kind), count


def _colour_frame(data: bytes, index: int) -> Image.Image:
    """Frame `index` in its own colours, upright as OCR saw it (iter_frames checked its size)."""
    image = Image.open(io.BytesIO(data), formats=list(UPLOAD_FORMATS))
    image.seek(index)
    frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
    if frame.mode not in ("1", "L", "RGB", "RGBA", "CMYK"):
        frame = frame.convert("RGBA" if "transparency" in frame.info or frame.mode in ("LA", "PA") else "RGB")
    frame.load()
    return frame


def _save(frames: list[Image.Image], kind: str) -> bytes:
    for frame in frames:
        frame.info = {}  # Pillow writes an ICC profile, EXIF or DPI it finds here: pixels only
    out = io.BytesIO()
    first = frames[0]
    if kind == ft.JPEG:
        (first if first.mode in ("L", "RGB", "CMYK") else first.convert("RGB")).save(out, "JPEG", quality=95)
    elif kind == ft.TIFF:
        first.save(out, "TIFF", compression="tiff_deflate", save_all=True, append_images=frames[1:])
    else:
        first.save(out, _SAVE_AS.get(kind, "PNG"))
    return out.getvalue()
