"""What a format cleaner returns, and the two ways it can refuse."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cleaned:
    """A verified clean file. `removed` names the metadata groups that were present and are
    gone (EXIF, GPS, XMP, IPTC, ICC, PDF-Info, docProps, ...); empty when there was nothing."""

    data: bytes
    method: str
    removed: tuple[str, ...] = ()


class StripFailed(Exception):
    """This file cannot be cleaned (damaged, encrypted, or still carrying metadata after the
    cleaning pass). The message says why, in words a user can act on."""


class ToolMissing(Exception):
    """A system tool the cleaner needs (exiftool) is not installed on this server."""


def ordered(labels: set[str] | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Group labels in a stable, readable order: the well-known ones first."""
    known = (
        "EXIF",
        "GPS",
        "MakerNotes",
        "IPTC",
        "XMP",
        "ICC",
        "Photoshop",
        "Comment",
        "PNG-Text",
        "Thumbnail",
        "PDF-Info",
        "PDF-ID",
        "PDF-Revisions",
        "PDF-PieceInfo",
        "PDF-Annotations",
        "PDF-Attachments",
        "docProps",
        "Comments",
        "Revisions",
        "People",
        "rsid",
        "Document-IDs",
        "File-Path",
        "Template",
        "customXml",
        "Sensitivity-Labels",
        "PrinterSettings",
        "Orphan-Parts",
        "Embedded-Images",
        "Embedded-Documents",
        "ZIP-Timestamps",
        "SummaryInformation",
        "DocumentSummaryInformation",
        "WriteAccess",
        "OLE-Timestamps",
        "Trailing-Data",
    )
    unique = set(labels)
    return tuple(x for x in known if x in unique) + tuple(sorted(unique - set(known)))
