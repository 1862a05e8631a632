"""OCR engines behind one small Protocol: tesseract (default, Debian package) and easyocr
(optional, only where its weights exist locally).

Tesseract is run as a subprocess rather than through pytesseract: the page goes in as
uncompressed PNM over stdin and the text comes back on stdout (no temp files, no PNG encoding),
the call gets a hard timeout (the process is killed), and OMP_THREAD_LIMIT=1 keeps one call on
one core -- measured faster even alone on this box, and the CPU pool already runs calls in
parallel.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from kai_local.errors import ServiceUnavailable

if TYPE_CHECKING:
    from PIL.Image import Image

    from kai_local.documents.extract.base import Deadline
    from kai_local.settings import Settings

DEFAULT_LANGUAGES = "deu+eng"
T = TypeVar("T")


class OcrEngine(Protocol):
    def image_to_text(self, image: Image, languages: str) -> str:
        """Text of one page image; `languages` in tesseract form ("deu+eng")."""
        ...


class OcrTimeout(Exception):
    """Raised by an engine that can bound one call itself (see `image_to_text_within`)."""


class TesseractOcr:
    """The tesseract CLI (tesseract-ocr + -deu + -eng from Debian)."""

    def __init__(
        self, command: str = "tesseract", languages: str = DEFAULT_LANGUAGES, page_segmentation: int = 3
    ) -> None:
        self.command = command
        self.languages = languages
        self.page_segmentation = page_segmentation

    def image_to_text(self, image: Image, languages: str = "") -> str:
        return self.image_to_text_within(image, languages, None)

    def image_to_text_within(self, image: Image, languages: str, timeout_s: float | None) -> str:
        """Like `image_to_text`, but kills tesseract after `timeout_s` and raises OcrTimeout."""
        return self._run(image, languages, timeout_s).decode("utf-8", "replace")

    def image_to_words_within(self, image: Image, languages: str, timeout_s: float | None) -> list[OcrWord]:
        """The words tesseract reads, with their boxes in the image's pixels, in reading order."""
        tsv = self._run(image, languages, timeout_s, "tsv").decode("utf-8", "replace")
        words = []
        for row in tsv.splitlines()[1:]:
            cells = row.split("\t")
            if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
                block, paragraph, line = (int(c) for c in cells[2:5])
                left, top, width, height = (int(c) for c in cells[6:10])
                words.append(
                    OcrWord(cells[11].strip(), (block, paragraph, line), (left, top, left + width, top + height))
                )
        return words

    def image_to_pdf_within(self, image: Image, languages: str, timeout_s: float | None, dpi: int = 300) -> bytes:
        """A one-page PDF of the image (at `dpi`: its page size) with tesseract's invisible text
        layer over it."""
        return self._run(image, languages, timeout_s, "--dpi", str(dpi), "pdf")

    def _run(self, image: Image, languages: str, timeout_s: float | None, *configs: str) -> bytes:
        buffer = io.BytesIO()
        _as_gray_or_rgb(image).save(buffer, format="PPM")
        argv = [
            self.command,
            "stdin",
            "stdout",
            "-l",
            languages or self.languages,
            "--psm",
            str(self.page_segmentation),
            *configs,
        ]
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        try:
            done = subprocess.run(
                argv, input=buffer.getvalue(), capture_output=True, env=env, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrTimeout(f"tesseract ran past {timeout_s:.1f} s") from exc
        except FileNotFoundError as exc:
            raise ServiceUnavailable(
                "OCR is not available: the tesseract program is not installed", code="ocr_unavailable"
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise ServiceUnavailable(f"OCR failed: {detail[0]}", code="ocr_failed")
        return done.stdout


@dataclass(frozen=True)
class OcrWord:
    text: str
    line: tuple[int, int, int]  # tesseract's block, paragraph and line numbers
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels


class EasyOcr:
    """easyocr, for hosts that have its weights in a local folder (it never downloads here).

    Optional: `pip install easyocr` pulls a CUDA torch, so it is not a dependency; the import
    happens on first use. Readers are built once per language set and kept on the instance.
    """

    _CODES: ClassVar[dict[str, str]] = {"deu": "de", "eng": "en", "fra": "fr", "ita": "it", "spa": "es"}

    def __init__(self, model_dir: Path, languages: str = DEFAULT_LANGUAGES, gpu: bool = False) -> None:
        self.model_dir = Path(model_dir)
        self.languages = languages
        self.gpu = gpu
        self._readers: dict[str, Any] = {}

    def _reader(self, languages: str) -> Any:
        if languages not in self._readers:
            try:
                import easyocr
            except ImportError as exc:
                raise ServiceUnavailable("OCR engine easyocr is not installed", code="ocr_unavailable") from exc
            codes = [self._CODES.get(code, code) for code in languages.split("+")]
            self._readers[languages] = easyocr.Reader(
                codes, gpu=self.gpu, model_storage_directory=str(self.model_dir), download_enabled=False, verbose=False
            )
        return self._readers[languages]

    def image_to_text(self, image: Image, languages: str = "") -> str:
        import numpy

        reader = self._reader(languages or self.languages)
        lines = reader.readtext(numpy.asarray(_as_gray_or_rgb(image)), detail=0, paragraph=True)
        return "\n".join(lines)


def build_ocr_engine(settings: Settings) -> OcrEngine:
    """The engine the settings name (KAI_OCR_ENGINE: tesseract | easyocr)."""
    if settings.ocr_engine == "easyocr":
        if settings.easyocr_model_dir is None:
            raise ValueError("KAI_OCR_ENGINE=easyocr needs KAI_EASYOCR_MODEL_DIR (its weights folder)")
        return EasyOcr(settings.easyocr_model_dir, settings.ocr_languages)
    if settings.ocr_engine != "tesseract":
        raise ValueError(f"unknown OCR engine {settings.ocr_engine!r} (tesseract, easyocr)")
    return TesseractOcr(languages=settings.ocr_languages)


def ocr_page(ocr: OcrEngine, image: Image, languages: str, deadline: Deadline) -> str:
    """One OCR call inside the document's OCR budget.

    Engines with `image_to_text_within` (tesseract) are killed when the budget runs out; others
    are checked after the call, so one slow page can overrun by at most its own duration.
    """
    timed = getattr(ocr, "image_to_text_within", None)
    text: str = within_deadline(
        deadline, lambda seconds: timed(image, languages, seconds) if timed else ocr.image_to_text(image, languages)
    )
    deadline.check()
    return text


def within_deadline(deadline: Deadline, call: Callable[[float], T]) -> T:
    """`call(seconds left)` inside the document's OCR budget: refused once the budget is spent,
    and an engine killed at its own timeout (OcrTimeout) is the budget's 413 too."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise deadline.exceeded()
    try:
        return call(remaining)
    except OcrTimeout as exc:
        raise deadline.exceeded() from exc


def prepare_for_ocr(image: Image) -> Image:
    """A page image as OCR engines want it: transparency flattened onto white, then 8-bit gray.

    Converting RGBA straight to gray would turn a transparent background black (its RGB is
    usually 0,0,0) and hide black text.
    """
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(background, rgba)
    return image if image.mode == "L" else image.convert("L")


def _as_gray_or_rgb(image: Image) -> Image:
    return image if image.mode in ("L", "RGB") else prepare_for_ocr(image)
