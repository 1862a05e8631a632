"""PDF through pikepdf (qpdf): remove the metadata objects, then write the whole file anew.

exiftool only appends an incremental update to a PDF, so the old Info and XMP stay in the file;
qpdf writes a new file holding only the objects still reachable, so earlier revisions are gone.
Removed: the Info dictionary, XMP streams on the catalog and on any object (pages, images,
fonts), /PieceInfo and /LastModified (application private data), markup-annotation authors and
dates, embedded-file dates, EXIF/XMP inside embedded JPEG images, and the document ID (the new
file gets an ID computed from its content). Page content, and so the text layer, is untouched.

Encrypted PDFs are refused: qpdf must keep the original document ID to keep the encryption.

Decompression: stripping needs no stream's content, so streams are written as stored
(`StreamDecodeLevel.none`: a `[/FlateDecode /FlateDecode]` content bomb goes back untouched,
never inflated). What qpdf must inflate to reach the objects -- object streams and the xref
stream -- is bounded twice: qpdf's own per-stream Flate limit, set once per process below (it
throws inside the C++ decoder), and a budget per document over all object streams, measured in
chunks before qpdf resolves any object in them (413).
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name, Stream

from kai_local.documents import filetypes
from kai_local.documents.inflate import MAX_INFLATED_BYTES, InflateBudget
from kai_local.documents.metadata.exiftool import ExifTool
from kai_local.documents.metadata.images import clean_images
from kai_local.documents.metadata.policy import describe, identifying
from kai_local.documents.metadata.result import Cleaned, StripFailed

PRIVATE_KEYS = {"/Metadata": "XMP", "/PieceInfo": "PDF-PieceInfo", "/LastModified": "PDF-PieceInfo"}
MARKUP_ANNOTATIONS = {
    "/Text",
    "/FreeText",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Stamp",
    "/Caret",
    "/Ink",
    "/FileAttachment",
    "/Sound",
    "/Redact",
}

# Process-wide and unsynchronised in qpdf, hence set once at import (before any thread opens a
# PDF); nothing else in the server inflates PDF streams through qpdf.
pikepdf.settings.set_qpdf_limits(flate_max_memory=MAX_INFLATED_BYTES)


def clean_pdf(data: bytes, exiftool: ExifTool, workdir: Path, max_inflated_bytes: int = MAX_INFLATED_BYTES) -> Cleaned:
    if b"%%EOF" not in data[-4096:]:
        raise StripFailed("the PDF is truncated (it has no end-of-file marker)")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise StripFailed("the PDF is encrypted; remove its password protection first")
            _check_object_streams(pdf, InflateBudget(max_inflated_bytes, param="file"))
            removed = _strip(pdf, data)
            removed |= _clean_jpegs(pdf, exiftool, workdir)
            out = io.BytesIO()
            pdf.save(
                out,
                deterministic_id=True,
                fix_metadata_version=False,
                preserve_pdfa=False,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
        cleaned = out.getvalue()
        with pikepdf.open(io.BytesIO(cleaned)) as check:
            left = _leftovers(check)
    except pikepdf.PasswordError:
        raise StripFailed("the PDF is encrypted; remove its password protection first") from None
    except (pikepdf.PdfError, pikepdf.DataDecodingError, OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise StripFailed(f"the PDF could not be read ({exc.__class__.__name__})") from None
    if left:
        raise StripFailed(f"metadata remained after cleaning ({', '.join(sorted(left))})")
    source = workdir / "cleaned.pdf"
    source.write_bytes(cleaned)
    tags = exiftool.read([source]).get(source)
    if tags is None or identifying(tags):
        raise StripFailed(f"metadata remained after cleaning ({describe(identifying(tags or []))})")
    return Cleaned(cleaned, "pikepdf", tuple(removed))


def _check_object_streams(pdf: pikepdf.Pdf, budget: InflateBudget) -> None:
    """Raise 413 unless all object streams together inflate within the budget. Read from the
    xref table, so no object inside them is resolved (which would make qpdf inflate them); the
    one holding the catalog was inflated by the open already, within qpdf's Flate limit."""
    containers = {entry.obj_stream_number for entry in pdf.get_xref_table().values() if entry.type == 2}
    for number in sorted(n for n in containers if n is not None):
        stream = pdf.get_object(number, 0)  # an object stream's generation is always 0
        if isinstance(stream, Stream):
            budget.charge(budget.check(bytes(stream.read_raw_bytes()), _filters(stream)))


def _strip(pdf: pikepdf.Pdf, original: bytes) -> set[str]:
    removed: set[str] = set()
    info = pdf.trailer.get("/Info")
    if info is not None:
        if isinstance(info, Dictionary) and len(info.keys()) > 0:
            removed.add("PDF-Info")
        del pdf.trailer["/Info"]
    if "/ID" in pdf.trailer:
        removed.add("PDF-ID")
    # More than one cross-reference section: incremental updates, i.e. earlier revisions
    # (a linearized file has one extra, for its first page).
    if original.count(b"startxref") > 1 + int(pdf.is_linearized):
        removed.add("PDF-Revisions")
    for obj in pdf.objects:
        if not isinstance(obj, (Dictionary, Stream)):
            continue
        for key, group in PRIVATE_KEYS.items():
            if key in obj:
                del obj[key]
                removed.add(group)
        if obj.get("/Type") == "/Annot" or ("/Subtype" in obj and "/Rect" in obj):
            removed |= _strip_annotation(obj)
        if obj.get("/Type") == "/EmbeddedFile" and isinstance(obj.get("/Params"), Dictionary):
            for key in ("/CreationDate", "/ModDate"):
                if key in obj.Params:
                    del obj.Params[key]
                    removed.add("PDF-Attachments")
    return removed


def _strip_annotation(annotation: Dictionary | Stream) -> set[str]:
    keys = ["/M", "/CreationDate"]
    if annotation.get("/Subtype") in MARKUP_ANNOTATIONS:
        keys.append("/T")  # the author; on a form widget /T is the field name, so only markup
    found = [k for k in keys if k in annotation]
    for key in found:
        del annotation[key]
    return {"PDF-Annotations"} if found else set()


def _clean_jpegs(pdf: pikepdf.Pdf, exiftool: ExifTool, workdir: Path) -> set[str]:
    """JPEG images are stored as whole JPEG files (DCTDecode), EXIF, XMP and comments included."""
    # Only a plain DCTDecode stream is a JPEG file as is (qpdf cannot undo an ASCII85 or Flate
    # layer over it without decoding the JPEG too); writers rarely add one.
    streams = [
        obj
        for obj in pdf.objects
        if isinstance(obj, Stream) and obj.get("/Subtype") == "/Image" and _filters(obj) == ["/DCTDecode"]
    ]
    raws = [bytes(s.read_raw_bytes()) for s in streams]
    jpegs = [(s, raw) for s, raw in zip(streams, raws) if filetypes.detect(raw) == filetypes.JPEG]
    if not jpegs:
        return set()
    results = clean_images(exiftool, [(raw, filetypes.JPEG) for _, raw in jpegs], workdir)
    removed = False
    for (stream, _), result in zip(jpegs, results):
        if result.removed:
            stream.write(result.data, filter=Name.DCTDecode, decode_parms=stream.get("/DecodeParms"))  # type: ignore[arg-type]
            removed = True
    return {"Embedded-Images"} if removed else set()


def _filters(stream: Stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _leftovers(pdf: pikepdf.Pdf) -> set[str]:
    """What a second pass would still remove from the written file."""
    left = set()
    if "/Info" in pdf.trailer:
        left.add("PDF-Info")
    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, Stream)):
            left |= {group for key, group in PRIVATE_KEYS.items() if key in obj}
            if obj.get("/Subtype") in MARKUP_ANNOTATIONS and "/T" in obj:
                left.add("PDF-Annotations")
    return left
