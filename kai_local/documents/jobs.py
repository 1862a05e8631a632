"""The parse jobs that run in the isolated worker processes (kai_local.runtime.isolation).

Module-level functions of picklable arguments: the job and its inputs travel to a worker
process, the result back. Heavy state a worker needs (exiftool processes) is built once per
worker, on its first job, and dies with it.
"""

from __future__ import annotations

from kai_local.documents.extraction import ExtractedDocument, ExtractionLimits, OcrEngine, extract_document
from kai_local.documents.metadata import ExifTool, MetadataStripper
from kai_local.documents.metadata.service import MetadataReport, Stripped
from kai_local.documents.redact.service import Redacted, redact_document
from kai_local.engines.speech.media import DecodedAudio, decode_media

_strippers: dict[float, MetadataStripper] = {}


def extract(data: bytes, filename: str, limits: ExtractionLimits, ocr: OcrEngine) -> ExtractedDocument:
    return extract_document(data, filename, limits, ocr)


def strip_metadata(data: bytes, filename: str, exiftool_timeout_s: float) -> Stripped:
    return _stripper(exiftool_timeout_s).strip(data, filename)


def strip_metadata_with_report(
    data: bytes, filename: str, exiftool_timeout_s: float
) -> tuple[Stripped, MetadataReport]:
    """The cleaned file, and what exiftool reads in it before and after (the console shows it)."""
    stripper = _stripper(exiftool_timeout_s)
    stripped = stripper.strip(data, filename)
    return stripped, stripper.report(data, stripped.data, stripped.kind)


def redact(
    data: bytes,
    filename: str,
    surfaces: dict[str, str],
    style: str,
    limits: ExtractionLimits,
    exiftool_timeout_s: float,
) -> Redacted:
    return redact_document(data, filename, surfaces, style, limits, _stripper(exiftool_timeout_s))


def _stripper(exiftool_timeout_s: float) -> MetadataStripper:
    stripper = _strippers.get(exiftool_timeout_s)
    if stripper is None:  # one stay-open exiftool per worker: a worker runs one job at a time
        stripper = _strippers[exiftool_timeout_s] = MetadataStripper(
            ExifTool(timeout_s=exiftool_timeout_s, processes=1)
        )
    return stripper


def decode(data: bytes, max_seconds: float) -> DecodedAudio:
    return decode_media(data, max_seconds)


# Imported here so that the fork server has every parser loaded before it forks a worker.
from kai_local.documents.extract import images, pdf, plain, sheets, slides, word  # noqa: E402,F401
