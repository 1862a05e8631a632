"""Zip-bomb checks for OOXML (DOCX, XLSX, PPTX) before a parser opens the container.

Two checks, because either alone can be fooled:
1. the central directory: member count and the declared uncompressed sizes, summed;
2. streaming: every member is decompressed once in 1 MiB chunks and the real bytes counted,
   stopping as soon as the sum passes the limit -- a member that lies about its size in the
   directory is caught here without ever holding more than one chunk. This also finds damaged
   members (bad CRC, truncated data) before the parser trips over them.
Both also hold each XML part of a DOCX or PPTX to `max_xml_part_bytes`: python-docx and
python-pptx parse every XML part they load into a whole lxml tree, which takes up to ~100x the
part's bytes (tens of MB of '<w:p/>' built gigabytes). openpyxl streams worksheets (read-only
mode), so XLSX parts are bounded by the total only.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from kai_local.documents.extract.base import Deadline, ExtractionLimits, corrupt, encrypted
from kai_local.errors import PayloadTooLarge

CHUNK = 1 << 20
TREE_PARSED = frozenset({"DOCX", "PPTX"})
XML_SUFFIXES = (".xml", ".rels")


def _too_large(detail: str) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The archive inside the document is too large to unpack: {detail}", code="archive_too_large", param="files"
    )


def _part_too_large(name: str, cap: int) -> PayloadTooLarge:
    shown = "".join(c for c in name if c.isprintable())[:120]
    return _too_large(f"the part '{shown}' holds more than {cap:,} bytes of XML")


def _xml_cap(member: zipfile.ZipInfo, kind: str, limits: ExtractionLimits) -> int | None:
    """The most bytes `member` may unpack to on its own, if it is an XML part parsed whole."""
    if kind in TREE_PARSED and member.filename.lower().endswith(XML_SUFFIXES):
        return limits.max_xml_part_bytes
    return None


def check_zip(data: bytes, limits: ExtractionLimits, deadline: Deadline, kind: str) -> None:
    """Raise unless every member of the zip in `data` can be unpacked within the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_zip_members:
                raise _too_large(f"{len(members)} members (at most {limits.max_zip_members})")
            declared = sum(member.file_size for member in members)
            if declared > limits.max_unzipped_bytes:
                raise _too_large(f"{declared:,} bytes declared (at most {limits.max_unzipped_bytes:,})")
            for member in members:
                cap = _xml_cap(member, kind, limits)
                if cap is not None and member.file_size > cap:
                    raise _part_too_large(member.filename, cap)
            unpacked = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise encrypted(kind)
                cap = _xml_cap(member, kind, limits)
                member_bytes = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        unpacked += len(chunk)
                        member_bytes += len(chunk)
                        if unpacked > limits.max_unzipped_bytes:
                            raise _too_large(f"more than {limits.max_unzipped_bytes:,} bytes unpacked")
                        if cap is not None and member_bytes > cap:
                            raise _part_too_large(member.filename, cap)
                deadline.check()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as exc:
        raise corrupt(kind, exc) from exc
