"""Hostile uploads, made by code (no binary blobs): each is small on the wire and expensive to
parse. Used by tests/test_abuse_corpus.py and benchmarks/abuse.py.

Each case names the endpoint it is sent to and its upload: (name, endpoint, filename, bytes).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

import pikepdf


@dataclass(frozen=True)
class Case:
    name: str
    endpoint: str  # "documents/anonymize" or "documents/strip-metadata"
    filename: str
    data: bytes
    # Stripping a PDF or PNG rewrites its metadata without decoding content or pixels, and a
    # DOCX's rules visit only the elements they change: there the bomb is harmless, and a clean
    # file back (200, within the deadline) is as right as a refusal.
    harmless_ok: bool = False

    def answered_well(self, status: int) -> bool:
        return 400 <= status < 500 or (self.harmless_ok and status == 200)

    @property
    def field(self) -> str:
        return "files" if self.endpoint == "documents/anonymize" else "file"


def pdf_double_flate_bomb(inflated_mb: int = 64) -> bytes:
    """A page whose content stream is filtered [/FlateDecode /FlateDecode]: a few KB that inflate
    to `inflated_mb` MB of path operators."""
    content = b"0 0 m 1 1 l S\n" * (inflated_mb * 2**20 // 14)
    once = zlib.compress(content, 6)
    twice = zlib.compress(once, 9)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, twice)
    stream.Filter = pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
    pdf.pages[0].Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def svg_comment_bomb(comments: int = 27) -> bytes:
    """Text that made the old SVG sniffing regex backtrack exponentially."""
    return b"<!---->" * comments + b"x"


def docx_paragraph_bomb(paragraphs: int = 4_000_000) -> bytes:
    """A DOCX whose document.xml holds millions of empty paragraphs (tens of MB of XML, a few
    hundred KB zipped): a multi-GB element tree for a parser that builds one."""
    body = b"<w:p/>" * paragraphs
    document = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + body
        + b"</w:body></w:document>"
    )
    return _ooxml(
        {"word/document.xml": document},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    )


def docx_entity_bomb() -> bytes:
    """Billion laughs in a DOCX part."""
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w [{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        "&a9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    return _ooxml(
        {"word/document.xml": document},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    )


def docx_zip_bomb(unzipped_mb: int = 512) -> bytes:
    """A DOCX with one member of zeros that inflates to `unzipped_mb` MB."""
    base = docx_paragraph_bomb(1)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(2**20)
            for _ in range(unzipped_mb):
                member.write(chunk)
    return out.getvalue()


def png_pixel_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG header claiming 10 gigapixels, with one tiny compressed row of data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# The corpus before its uploads are made: (name, endpoint, filename, what makes the upload,
# harmless_ok). Cases that share a maker send the same bytes.
_TABLE = (
    ("pdf-double-flate-bomb", "documents/anonymize", "bomb.pdf", pdf_double_flate_bomb, False),
    ("pdf-double-flate-bomb-strip", "documents/strip-metadata", "bomb.pdf", pdf_double_flate_bomb, True),
    ("svg-comment-bomb", "documents/strip-metadata", "drawing.svg", svg_comment_bomb, False),
    ("docx-paragraph-bomb", "documents/anonymize", "bomb.docx", docx_paragraph_bomb, False),
    ("docx-paragraph-bomb-strip", "documents/strip-metadata", "bomb.docx", docx_paragraph_bomb, True),
    ("docx-entity-bomb", "documents/anonymize", "laughs.docx", docx_entity_bomb, False),
    ("docx-zip-bomb", "documents/anonymize", "zeros.docx", docx_zip_bomb, False),
    ("png-pixel-bomb", "documents/anonymize", "scan.png", png_pixel_bomb, False),
    ("png-pixel-bomb-strip", "documents/strip-metadata", "scan.png", png_pixel_bomb, True),
)
# The cases' names, known without making a file (seconds: the ZIP bomb): for test ids.
NAMES = tuple(row[0] for row in _TABLE)


@functools.lru_cache(maxsize=1)
def corpus() -> tuple[Case, ...]:
    made = {maker: maker() for maker in dict.fromkeys(row[3] for row in _TABLE)}
    return tuple(Case(name, endpoint, filename, made[maker], ok) for name, endpoint, filename, maker, ok in _TABLE)


def case_named(name: str) -> Case:
    return next(case for case in corpus() if case.name == name)


def _ooxml(parts: dict[str, bytes], main_type: str, main_part: str) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    ).encode()
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        f'Target="{main_part}"/></Relationships>'
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
