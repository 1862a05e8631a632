"""PNG, JPEG and TIFF (every frame of a multi-page TIFF) through OCR.

Pixel bombs are refused from the header, before any pixel is decoded: PIL reads only the size
on open. PIL's own global MAX_IMAGE_PIXELS is left alone (no global state); our limit is
per-call and lower by default.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Iterator

from PIL import Image, ImageOps, UnidentifiedImageError

from kai_local.documents.extract.base import (
    Deadline,
    ExtractedDocument,
    ExtractionLimits,
    check_page_count,
    clean,
    corrupt,
)
from kai_local.documents.ocr import OcrEngine, ocr_page, prepare_for_ocr
from kai_local.errors import KaiError, PayloadTooLarge

# A picture inside a document smaller than this (logos, signatures, icons) is not OCR'd: a
# scanned page, or a scanned snippet of a few lines, is far larger.
MIN_OCR_PICTURE_SIDE = 100
MIN_OCR_PICTURE_PIXELS = 300_000
# Pillow plugins an upload may reach (Image.open otherwise tries every plugin it has, EPS
# through Ghostscript included). Uploads: the image types extraction accepts; pictures inside
# DOCX/PPTX may also be what Office embeds.
UPLOAD_FORMATS = ("PNG", "JPEG", "TIFF")
PICTURE_FORMATS = (*UPLOAD_FORMATS, "GIF", "BMP", "WEBP")


def check_pixels(width: int, height: int, limits: ExtractionLimits, what: str = "The image") -> None:
    if width * height > limits.max_pixels:
        raise PayloadTooLarge(
            f"{what} has {width}x{height} pixels; this server reads at most {limits.max_pixels:,} per image",
            code="image_too_large",
            param="files",
        )


def iter_frames(
    data: bytes, limits: ExtractionLimits, formats: tuple[str, ...] = UPLOAD_FORMATS
) -> Iterator[Image.Image]:
    """Each frame, checked against the limits before it is decoded, upright and OCR-ready."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(formats))
            frames = getattr(image, "n_frames", 1)
            check_page_count(frames, limits)
            for index in range(frames):
                image.seek(index)
                check_pixels(image.width, image.height, limits, f"Page {index + 1}" if frames > 1 else "The image")
                frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
                frame.load()
                yield prepare_for_ocr(frame)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PayloadTooLarge(
            f"The image is too large to decode: {exc}", code="image_too_large", param="files"
        ) from exc
    # Pillow reports damaged files through many exception types (TIFF: TypeError 'Missing
    # dimensions', IndexError, KeyError, struct.error, ...).
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        EOFError,
        SyntaxError,
        TypeError,
        IndexError,
        KeyError,
        struct.error,
        ZeroDivisionError,
    ) as exc:
        raise corrupt("an image", exc) from exc


def extract_image(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> ExtractedDocument:
    ocr_deadline = Deadline.for_ocr(limits)
    pages = [clean(ocr_page(ocr, frame, limits.ocr_languages, ocr_deadline)) for frame in iter_frames(data, limits)]
    return ExtractedDocument(pages=pages, extraction_method="ocr", used_ocr=True, page_count=len(pages))


def picture_text(data: bytes, limits: ExtractionLimits, ocr: OcrEngine, deadline: Deadline) -> str | None:
    """OCR text of a picture inside a document (DOCX, PPTX), or None where it is no picture to
    read: too small, a format Pillow cannot read (EMF, WMF, SVG), or damaged. One over the pixel
    limit is skipped too: the document around it is still worth reading."""
    texts = []
    try:
        for frame in iter_frames(data, limits, PICTURE_FORMATS):
            if min(frame.size) < MIN_OCR_PICTURE_SIDE or frame.width * frame.height < MIN_OCR_PICTURE_PIXELS:
                return None
            texts.append(ocr_page(ocr, frame, limits.ocr_languages, deadline))
    except KaiError as error:
        if error.code in ("ocr_timeout", "parse_timeout"):
            raise
        return None
    return "\n".join(texts)
