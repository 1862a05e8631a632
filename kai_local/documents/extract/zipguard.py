"""Zip-bomb checks for OOXML (DOCX, XLSX, PPTX) before a parser opens the container.

Two checks, because either alone can be fooled:
1. the central directory: member count and the declared uncompressed sizes, summed;
2. streaming: every member is decompressed once in 1 MiB chunks and the real bytes counted,
   stopping as soon as the sum passes the limit -- a member that lies about its size in the
   directory is caught here without ever holding more than one chunk. This also finds damaged
   members (bad CRC, truncated data) before the parser trips over them.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from kai_local.documents.extract.base import Deadline, ExtractionLimits, corrupt, encrypted
from kai_local.errors import PayloadTooLarge

CHUNK = 1 << 20


def _too_large(detail: str) -> PayloadTooLarge:
    return PayloadTooLarge(f"The archive inside the document is too large to unpack: {detail}",
                           code="archive_too_large", param="files")


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
            unpacked = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise encrypted(kind)
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limits.max_unzipped_bytes:
                            raise _too_large(f"more than {limits.max_unzipped_bytes:,} bytes unpacked")
                deadline.check()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError) as exc:
        raise corrupt(kind, exc) from exc
