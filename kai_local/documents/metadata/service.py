"""The facade the route calls: bytes in, a verified clean file (or a KaiError) out.

Type policy (the same as text extraction's): the bytes decide, not the name. A JPEG named
photo.png is cleaned as a JPEG and returned as image/jpeg (under the name it was sent with).
The name matters only where the bytes cannot tell: unreadable bytes named like a supported
format are a damaged file (400 metadata_stripping_failed), plain text named like a binary
format is a mismatch (400 file_type_mismatch), and `.csv` tells CSV from TXT.
Formats outside the spec's list (GIF, DOC, PPT, ZIP, anything unrecognised) are 415
unsupported_file_type, even where exiftool could write them, so the list stays the contract.

Blocking (exiftool, pikepdf, zip rewrites): call `strip` through `services.cpu_pool.run`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from kai_local.documents import filetypes as ft
from kai_local.documents.metadata.exiftool import ExifTool, Tag
from kai_local.documents.metadata.images import clean_bmp, clean_images
from kai_local.documents.metadata.ole import clean_ole
from kai_local.documents.metadata.ooxml import clean_package
from kai_local.documents.metadata.pdf import clean_pdf
from kai_local.documents.metadata.policy import describe, identifying, label
from kai_local.documents.metadata.result import Cleaned, StripFailed, ToolMissing, ordered
from kai_local.errors import InvalidRequest, ServiceUnavailable, UnsupportedMediaType

SUPPORTED_TYPES = frozenset(
    {
        ft.PDF,
        ft.DOCX,
        ft.PPTX,
        ft.XLSX,
        ft.XLS,
        ft.CSV,
        ft.JSON,
        ft.PNG,
        ft.JPEG,
        ft.TIFF,
        ft.WEBP,
        ft.BMP,
        ft.TXT,
    }
)
_BINARY_TYPES = SUPPORTED_TYPES - ft.TEXT_TYPES
# What may come before an SVG's root element, and where each ends.
_PROLOG = ((b"<?", b"?>"), (b"<!--", b"-->"), (b"<!doctype", b">"))
_XML_SPACE = b" \t\r\n"
_CONTAINERS = {ft.ZIP: {ft.DOCX, ft.XLSX, ft.PPTX}, ft.OLE: {ft.XLS}}


@dataclass(frozen=True)
class Stripped:
    data: bytes
    kind: str
    media_type: str
    stripped: bool  # whether any metadata group was found and removed
    method: str
    fields: tuple[str, ...]
    original_size: int


@dataclass(frozen=True)
class MetadataReport:
    before: dict[str, dict[str, str]]  # group -> tag -> value
    after: dict[str, dict[str, str]]


def _grouped(tags: list[Tag]) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    for tag in identifying(tags):
        if tag.family0 in ("File", "ExifTool", "SourceFile"):
            continue  # the temporary file's own name, dates and permissions: not the upload's
        groups.setdefault(label(tag), {})[tag.key] = str(tag.value)[:200]
    return groups


class MetadataStripper:
    def __init__(self, exiftool: ExifTool) -> None:
        self.exiftool = exiftool

    def strip(self, data: bytes, filename: str) -> Stripped:
        kind = self.resolve_type(data, filename)
        if kind in ft.TEXT_TYPES:
            cleaned = Cleaned(data, "none")  # CSV, JSON, TXT carry nothing but their text
        else:
            try:
                cleaned = self._clean(data, kind)
            except StripFailed as exc:
                raise InvalidRequest(
                    f"Failed to strip metadata from '{_shown(filename)}': {exc}.",
                    code="metadata_stripping_failed",
                    param="file",
                ) from None
            except ToolMissing as exc:
                raise ServiceUnavailable(str(exc), code="metadata_tool_missing") from None
        media_type = ft.MEDIA_TYPES[kind]
        if kind in (ft.CSV, ft.TXT):
            media_type += f"; charset={_charset(data)}"
        return Stripped(
            cleaned.data, kind, media_type, bool(cleaned.removed), cleaned.method, ordered(cleaned.removed), len(data)
        )

    def resolve_type(self, data: bytes, filename: str) -> str:
        detected = ft.detect(data, filename)
        claimed = ft.extension_type(filename)
        if detected == ft.EMPTY:
            raise InvalidRequest(f"The file '{_shown(filename)}' is empty.", code="empty_file", param="file")
        if detected in ft.TEXT_TYPES and _is_svg(data, filename):
            raise UnsupportedMediaType(
                f"Unsupported file type for '{_shown(filename)}' (image/svg+xml). Supported: PDF, "
                "DOCX, PPTX, XLSX, XLS, CSV, JSON, PNG, JPEG, TIFF, WebP, BMP, TXT.",
                param="file",
            )
        if detected in SUPPORTED_TYPES:
            if detected in ft.TEXT_TYPES and claimed in _BINARY_TYPES:
                raise InvalidRequest(
                    f"The file '{_shown(filename)}' is named as {claimed.upper()} but its content is plain text.",
                    code="file_type_mismatch",
                    param="file",
                )
            return detected
        if detected == ft.ENCRYPTED_OFFICE:
            raise InvalidRequest(
                f"Failed to strip metadata from '{_shown(filename)}': the document is password-protected.",
                code="metadata_stripping_failed",
                param="file",
            )
        if claimed is not None and claimed in _CONTAINERS.get(detected, ()):
            return claimed  # a damaged container: its cleaner says what is wrong (400)
        if detected == ft.UNKNOWN and claimed in _BINARY_TYPES:
            raise InvalidRequest(
                f"Failed to strip metadata from '{_shown(filename)}': its content is not "
                f"a valid {claimed.upper()} file.",
                code="metadata_stripping_failed",
                param="file",
            )
        what = ft.MEDIA_TYPES.get(detected, "an unrecognised format")
        raise UnsupportedMediaType(
            f"Unsupported file type for '{_shown(filename)}' ({what}). Supported: PDF, DOCX, "
            "PPTX, XLSX, XLS, CSV, JSON, PNG, JPEG, TIFF, WebP, BMP, TXT.",
            param="file",
        )

    def _clean(self, data: bytes, kind: str) -> Cleaned:
        with tempfile.TemporaryDirectory(prefix="kai-strip-") as tmp:
            workdir = Path(tmp)
            if kind in (ft.JPEG, ft.PNG, ft.TIFF, ft.WEBP):
                return clean_images(self.exiftool, [(data, kind)], workdir)[0]
            if kind == ft.BMP:
                return clean_bmp(data)
            if kind == ft.PDF:
                return clean_pdf(data, self.exiftool, workdir)
            if kind in (ft.DOCX, ft.XLSX, ft.PPTX):
                return clean_package(data, self.exiftool, workdir)
            if kind == ft.XLS:
                cleaned = clean_ole(data)
                self._check_with_exiftool(cleaned.data, workdir / "cleaned.xls")
                return cleaned
        raise StripFailed(f"no cleaner for {kind}")  # unreachable: resolve_type filters

    def _check_with_exiftool(self, data: bytes, path: Path) -> None:
        path.write_bytes(data)
        tags = self.exiftool.read([path]).get(path)
        if tags is None or identifying(tags):
            raise StripFailed(f"metadata remained after cleaning ({describe(identifying(tags or []))})")

    def report(self, original: bytes, cleaned: bytes, kind: str) -> MetadataReport:
        """What exiftool reads in the file before and after, identifying tags only, grouped as
        X-Stripped-Fields names them (for a person to see what went; values cut at 200
        characters). Text formats have none."""
        if kind in ft.TEXT_TYPES:
            return MetadataReport({}, {})
        with tempfile.TemporaryDirectory(prefix="kai-report-") as tmp:
            before, after = Path(tmp) / f"before.{kind}", Path(tmp) / f"after.{kind}"
            before.write_bytes(original)
            after.write_bytes(cleaned)
            tags = self.exiftool.read([before, after])
        return MetadataReport(_grouped(tags.get(before, [])), _grouped(tags.get(after, [])))

    def close(self) -> None:
        self.exiftool.close()


def _is_svg(data: bytes, filename: str) -> bool:
    """SVG is text, but an image format with its own <metadata>: not returned as plain text."""
    return filename.lower().endswith(".svg") or _starts_svg(data[:4096])


def _starts_svg(head: bytes) -> bool:
    """Whether the first element is <svg>, after any XML declaration, comments, processing
    instructions and doctype. A linear scan: the regex it replaces, with a repeated group of
    lazy comments, backtracked exponentially ('<!---->' * 27 + 'x' took 34 s)."""
    text = head.lower().removeprefix(b"\xef\xbb\xbf")
    position = 0
    while True:
        while position < len(text) and text[position] in _XML_SPACE:
            position += 1
        for opener, closer in _PROLOG:
            if text.startswith(opener, position):
                end = text.find(closer, position + len(opener))
                if end < 0:
                    return False
                position = end + len(closer)
                break
        else:
            break
    after = text[position + 4 : position + 5]
    return text.startswith(b"<svg", position) and after != b"" and after in _XML_SPACE + b">/"


def _charset(data: bytes) -> str:
    """The text's encoding for the Content-Type (the bytes go back untouched)."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(data[:65536]).best()
        return best.encoding.replace("_", "-") if best is not None else "utf-8"


def _shown(filename: str) -> str:
    """The name as sent, safe to put in a message: no control characters, bounded length."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]  # not the client's folders
    clean = "".join(c for c in name if c.isprintable())
    return clean if len(clean) <= 120 else clean[:117] + "..."
