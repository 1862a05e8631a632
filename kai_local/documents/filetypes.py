"""What a file really is, from its bytes (magic numbers, container members), not its name.

Text formats (CSV, JSON, TXT) have no magic number: the bytes decide that it is text, JSON is
recognised by parsing, and CSV versus plain text follows the name, since any text may be read
as either.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePath

import olefile
from charset_normalizer import from_bytes

# Canonical type names used across the documents package.
PDF, DOCX, XLSX, PPTX, XLS, PPT, DOC = "pdf", "docx", "xlsx", "pptx", "xls", "ppt", "doc"
PNG, JPEG, TIFF, WEBP, BMP, GIF = "png", "jpeg", "tiff", "webp", "bmp", "gif"
CSV, JSON, TXT = "csv", "json", "txt"
ENCRYPTED_OFFICE = "encrypted_office"  # an OOXML file wrapped in an encrypted OLE container
ZIP, OLE, EMPTY, UNKNOWN = "zip", "ole", "empty", "unknown"

MEDIA_TYPES: dict[str, str] = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    XLS: "application/vnd.ms-excel",
    PPT: "application/vnd.ms-powerpoint",
    DOC: "application/msword",
    PNG: "image/png",
    JPEG: "image/jpeg",
    TIFF: "image/tiff",
    WEBP: "image/webp",
    BMP: "image/bmp",
    GIF: "image/gif",
    CSV: "text/csv",
    JSON: "application/json",
    TXT: "text/plain",
}

EXTENSIONS: dict[str, str] = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".xls": XLS,
    ".ppt": PPT,
    ".doc": DOC,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".jpe": JPEG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".webp": WEBP,
    ".bmp": BMP,
    ".gif": GIF,
    ".csv": CSV,
    ".json": JSON,
    ".txt": TXT,
    ".text": TXT,
    ".md": TXT,
    ".log": TXT,
}

IMAGE_TYPES = frozenset({PNG, JPEG, TIFF, WEBP, BMP, GIF})
TEXT_TYPES = frozenset({CSV, JSON, TXT})

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extension_type(filename: str) -> str | None:
    """The type a file's name claims, if its extension is one we know."""
    return EXTENSIONS.get(PurePath(filename).suffix.lower())


def detect(data: bytes, filename: str = "") -> str:
    """The type of `data` by content; `filename` only separates CSV from plain text."""
    if not data:
        return EMPTY
    head = data[:16]
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic TIFF, BigTIFF
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:2] == b"BM" and len(data) > 26:
        return BMP
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if head.startswith(_OLE_MAGIC):
        return _ole_type(data)
    return _text_type(data, filename)


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return ZIP  # a damaged container: the caller's parser reports it as corrupt
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    return ZIP


def _ole_type(data: bytes) -> str:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError):
        return OLE
    if "EncryptedPackage" in streams:
        return ENCRYPTED_OFFICE
    if "Workbook" in streams or "Book" in streams:
        return XLS
    if "PowerPoint Document" in streams:
        return PPT
    if "WordDocument" in streams:
        return DOC
    return OLE


def decode_text(data: bytes) -> str | None:
    """Text from bytes of unknown encoding (UTF-8 with or without BOM, cp1252, ...), or None
    when the bytes are not text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _text_type(data: bytes, filename: str) -> str:
    text = decode_text(data)
    if text is None:
        return UNKNOWN
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
            return JSON
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json allows
            pass
    return CSV if extension_type(filename) == CSV else TXT
