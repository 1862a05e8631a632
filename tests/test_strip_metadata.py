"""POST /documents/strip-metadata through the real app, on mat2's dirty files and on files
written here with planted metadata (tests/metadata_samples.py). A cleaned file is checked
independently of the service's own verification: exiftool's CLI (`-a -G1 -j`) against a list
of identifying tag names, a search for every planted value in the decompressed content, the
file opening in its library, and pixels / text unchanged."""

from __future__ import annotations

import base64
import io
import posixpath
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import docx
import olefile
import openpyxl
import pikepdf
import pptx
import pypdfium2
import pytest
import xlrd
from PIL import Image

from kai_local.documents import filetypes as ft
from kai_local.documents.metadata import ExifTool, MetadataStripper
from kai_local.errors import KaiError
from tests import metadata_samples as samples
from tests.conftest import Gateway, echo_settings, running_gateway
from tests.metadata_samples import decompressed, exiftool_json, identifying_tags, planted
from tests.support import TESTDATA

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore:Workbook contains no stylesheet")]  # mat2's xlsx
METADATA = TESTDATA / "metadata"
URL = "/documents/strip-metadata"

# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
async def gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    settings = echo_settings(tmp_path_factory.mktemp("strip"), load_engines=False)
    async with running_gateway(settings) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def key(gw: Gateway) -> str:
    return gw.create_key("default")


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("samples")
    return {
        "photo.jpg": samples.rich_jpeg(tmp),
        "scan.png": samples.rich_png(tmp),
        "scan.tif": samples.rich_tiff(tmp),
        "photo.webp": samples.rich_webp(tmp),
        "image.bmp": samples.rich_bmp(),
        "befund.pdf": samples.rich_pdf(tmp),
        "brief.docx": samples.rich_docx(tmp),
        "tabelle.xlsx": samples.rich_xlsx(tmp),
        "folien.pptx": samples.rich_pptx(tmp),
        "alt.xls": samples.rich_xls(),
    }


async def strip(gw: Gateway, key: str, name: str, data: bytes, **extra: Any) -> Any:
    return await gw.http.post(URL, headers=gw.headers(key), files={"file": (name, data)}, **extra)


# ---------------------------------------------------------------- what a clean file is


def assert_opens(kind: str, data: bytes) -> None:
    if kind == ft.DOCX:
        docx.Document(io.BytesIO(data))
    elif kind == ft.XLSX:
        openpyxl.load_workbook(io.BytesIO(data))
    elif kind == ft.PPTX:
        pptx.Presentation(io.BytesIO(data))
    elif kind == ft.XLS:
        xlrd.open_workbook(file_contents=data)
    elif kind == ft.PDF:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) >= 1
    elif kind in ft.IMAGE_TYPES:
        with Image.open(io.BytesIO(data)) as image:
            image.load()


def assert_clean(kind: str, data: bytes, tmp: Path) -> dict[str, Any]:
    tags = exiftool_json(data, "." + kind, tmp)
    assert identifying_tags(tags) == []
    assert_opens(kind, data)
    return tags


def pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.mode, image.size, image.tobytes()


def pdf_text(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


# ---------------------------------------------------------------- the shared dirty files

SHARED = {
    "broken_xml_content_types.docx": 400,
    "malformed_content_types.docx": 400,
    "dirty.gif": 415,
    "dirty.txt": 200,
}


@pytest.mark.parametrize("name", sorted(p.name for p in METADATA.iterdir()))
async def test_shared_files(gw: Gateway, key: str, name: str, tmp_path: Path) -> None:
    original = (METADATA / name).read_bytes()
    response = await strip(gw, key, name, original)
    expected = SHARED.get(name, 200)
    assert response.status_code == expected, response.text
    if expected == 400:
        error = response.json()["error"]
        assert error == {
            "message": error["message"],
            "type": "invalid_request_error",
            "param": "file",
            "code": "metadata_stripping_failed",
        }
        assert error["message"].startswith(f"Failed to strip metadata from '{name}'")
        return
    if expected == 415:
        assert response.json()["error"]["code"] == "unsupported_file_type"
        return
    kind = ft.detect(original, name)
    assert response.headers["content-type"].startswith(ft.MEDIA_TYPES[kind])
    assert response.headers["x-original-size"] == str(len(original))
    assert response.headers["x-sanitized-size"] == str(len(response.content))
    assert f'filename="{name}"' in response.headers["content-disposition"]
    if kind in ft.TEXT_TYPES:
        assert response.content == original
        assert response.headers["x-metadata-stripped"] == "false"
        assert response.headers["x-strip-method"] == "none"
        return
    assert_clean(kind, response.content, tmp_path)
    if kind in ft.IMAGE_TYPES:
        assert pixels(response.content) == pixels(original)
    if kind == ft.PDF:
        assert pdf_text(response.content) == pdf_text(original)


async def test_shared_files_lose_what_mat2_planted(gw: Gateway, key: str) -> None:
    """The facts from mat2's tests: the JPEG comment, pdfTeX as producer, the PNG comment
    inside dirty.docx, the hidden setup.py in embedded.docx, the authors of comment.docx."""
    expectations = {
        "dirty.jpg": (b"Created with GIMP", {"Comment"}),
        "dirty.pdf": (b"pdfTeX-1.40.14", {"PDF-Info", "XMP", "PDF-ID"}),
        "dirty.docx": (b"This is a comment, be careful!", {"docProps", "Embedded-Images"}),
        "embedded.docx": (b"julien.voisin+mat2@dustri.org", {"Orphan-Parts"}),
        "comment.docx": (b"Alex Marchant", {"People", "Comments", "rsid"}),
        "dirty.tiff": (b"000741709798", {"EXIF", "MakerNotes"}),
        "dangling_rels.xlsx": (b"internal-id-42", {"docProps", "customXml"}),
    }
    for name, (secret, groups) in expectations.items():
        original = (METADATA / name).read_bytes()
        assert secret in decompressed(original)
        response = await strip(gw, key, name, original)
        assert response.status_code == 200, response.text
        assert secret not in decompressed(response.content), name
        assert groups <= set(response.headers["x-stripped-fields"].split(",")), name
        assert response.headers["x-metadata-stripped"] == "true"


async def test_dangling_relationships_are_not_left_behind(gw: Gateway, key: str) -> None:
    """Every relationship and content-type override still names a part that exists."""
    response = await strip(gw, key, "dangling_rels.xlsx", (METADATA / "dangling_rels.xlsx").read_bytes())
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for rels in (n for n in names if n.endswith(".rels")):
        source_folder = posixpath.dirname(posixpath.dirname(rels))
        for rel in re.findall(rb"<Relationship [^>]*>", archive.read(rels)):
            if b'TargetMode="External"' in rel:
                continue
            target = re.search(rb'Target="([^"]+)"', rel).group(1).decode()  # type: ignore[union-attr]
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(source_folder, target))
            )
            assert path in names, (rels, target)
    types = archive.read("[Content_Types].xml").decode()
    for part in re.findall(r'PartName="/([^"]+)"', types):
        assert part in names
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active["A1"].value == "Hello"


# ---------------------------------------------------------------- files full of metadata

EXPECTED_GROUPS = {
    "photo.jpg": {"EXIF", "GPS", "IPTC", "XMP", "ICC", "Comment", "Thumbnail"},
    "scan.png": {"EXIF", "GPS", "XMP", "ICC", "PNG-Text"},
    "scan.tif": {"EXIF", "GPS", "IPTC", "XMP", "ICC"},
    "photo.webp": {"EXIF", "GPS", "XMP", "ICC"},
    "image.bmp": {"Trailing-Data"},
    "befund.pdf": {"PDF-Info", "XMP", "PDF-ID", "PDF-Revisions", "PDF-PieceInfo", "PDF-Annotations", "Embedded-Images"},
    "brief.docx": {
        "docProps",
        "Thumbnail",
        "Comments",
        "Revisions",
        "People",
        "rsid",
        "Orphan-Parts",
        "Embedded-Images",
        "Embedded-Documents",
    },
    "tabelle.xlsx": {"docProps", "Thumbnail", "Comments", "Orphan-Parts", "People", "File-Path", "Document-IDs"},
    "folien.pptx": {"docProps", "Thumbnail", "Comments", "Embedded-Images"},
    "alt.xls": {"SummaryInformation", "DocumentSummaryInformation", "WriteAccess"},
}
METHODS = {ft.BMP: "pillow", ft.PDF: "pikepdf", ft.XLS: "olefile", ft.DOCX: "ooxml", ft.XLSX: "ooxml", ft.PPTX: "ooxml"}


@pytest.mark.parametrize("name", sorted(EXPECTED_GROUPS))
async def test_rich_files(gw: Gateway, key: str, rich: dict[str, bytes], name: str, tmp_path: Path) -> None:
    original = rich[name]
    kind = ft.detect(original, name)
    assert planted(original)  # the sample really carries what we look for
    response = await strip(gw, key, name, original)
    assert response.status_code == 200, response.text
    cleaned = response.content
    assert response.headers["x-metadata-stripped"] == "true"
    assert response.headers["x-strip-method"] == METHODS.get(kind, "exiftool")
    assert EXPECTED_GROUPS[name] <= set(response.headers["x-stripped-fields"].split(","))
    assert response.headers["content-type"].startswith(ft.MEDIA_TYPES[kind])
    assert planted(cleaned) == []
    tags = assert_clean(kind, cleaned, tmp_path)
    if kind in ft.IMAGE_TYPES:
        assert pixels(cleaned) == pixels(original)
    if kind in (ft.JPEG, ft.PNG, ft.WEBP):
        assert tags["IFD0:Orientation"] == 6  # kept, so the photo still displays upright
    if kind == ft.PDF:
        assert pdf_text(cleaned) == pdf_text(original)
        assert original.count(b"%%EOF") == 2 and cleaned.count(b"%%EOF") == 1
        with pikepdf.open(io.BytesIO(cleaned)) as pdf:
            assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
            assert pdf.pages[0].Annots[0].Contents == "Bitte prüfen"  # the note stays, its author goes
    if kind == ft.DOCX:
        document = docx.Document(io.BytesIO(cleaned))
        assert samples.TEXT in [p.text for p in document.paragraphs]
        assert [(c.author, c.text) for c in document.comments] == [("", "Bitte prüfen")]
        assert document.core_properties.author == ""
        archive = zipfile.ZipFile(io.BytesIO(cleaned))
        embedded = openpyxl.load_workbook(io.BytesIO(archive.read("word/embeddings/Tabelle.xlsx")))
        assert embedded.active["A1"].value == samples.TEXT
        assert xlrd.open_workbook(file_contents=archive.read("word/embeddings/oleObject1.bin")).user_name == ""
    if kind == ft.XLSX:
        sheet = openpyxl.load_workbook(io.BytesIO(cleaned)).active
        assert sheet["A1"].value == samples.TEXT and sheet["B2"].value == 42
        assert sheet["A1"].comment.text.endswith("Bitte prüfen")
    if kind == ft.PPTX:
        slide = pptx.Presentation(io.BytesIO(cleaned)).slides[0]
        assert slide.shapes.title.text == samples.TEXT
    if kind == ft.XLS:
        book = xlrd.open_workbook(file_contents=cleaned)
        assert book.user_name == "" and book.sheet_by_index(0).cell_value(0, 0) == samples.TEXT
        with olefile.OleFileIO(io.BytesIO(cleaned)) as ole:
            assert ole.getproperties("\x05SummaryInformation") == {1: 1252}
            assert ole.getproperties("\x05DocumentSummaryInformation") == {1: 1252}
            assert len(cleaned) == len(original)


async def test_xls_written_by_xlwt(gw: Gateway, key: str, tmp_path: Path) -> None:
    """A workbook from another writer (xlwt puts the owner in WRITEACCESS)."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    book.owner = "Jane Doe"
    book.add_sheet("Daten").write(0, 0, samples.TEXT)
    out = io.BytesIO()
    book.save(out)
    assert b"Jane Doe" in out.getvalue()
    response = await strip(gw, key, "xlwt.xls", out.getvalue())
    assert response.status_code == 200, response.text
    assert b"Jane Doe" not in response.content
    assert xlrd.open_workbook(file_contents=response.content).sheet_by_index(0).cell_value(0, 0) == samples.TEXT


async def test_the_json_answer_shows_what_exiftool_read_before_and_after(
    gw: Gateway, key: str, rich: dict[str, bytes]
) -> None:
    response = await gw.http.post(
        URL, headers={**gw.headers(key), "Accept": "application/json"}, files={"file": ("photo.jpg", rich["photo.jpg"])}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["filename"] == "photo.jpg" and body["content_type"] == "image/jpeg"
    assert "GPS" in body["metadata_before"] and body["metadata_after"] == {}
    assert set(body["stripped_fields"]) >= {"GPS", "EXIF"}
    cleaned = base64.b64decode(body["file"])
    assert cleaned.startswith(b"\xff\xd8") and b"GPS" not in cleaned[:4096]


async def test_a_pdf_form_is_stripped_and_keeps_its_fields(gw: Gateway, key: str) -> None:
    """exiftool reports `Has XFA: No` for every AcroForm: structure, not metadata (once refused)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setAuthor("Jane Doe")
    pdf.acroForm.textfield(name="befund", value="unauffällig", x=50, y=700, width=300, height=20)
    pdf.showPage()
    pdf.save()
    response = await strip(gw, key, "formular.pdf", buffer.getvalue())
    assert response.status_code == 200, response.text
    with pikepdf.open(io.BytesIO(response.content)) as cleaned:
        assert "/Author" not in cleaned.docinfo and str(cleaned.Root.AcroForm.Fields[0].V) == "unauffällig"


@pytest.mark.parametrize(
    "name,data,media_type",
    [
        ("notes.txt", "Jane Doe notiert: Termin am Montag, Größe 3.\n".encode(), "text/plain"),
        ("daten.csv", "name;ort;größe\nJane Doe;Wien;Maß\n".encode("cp1252"), "text/csv"),
        ("data.json", b'{"author": "Jane Doe", "n": [1, 2]}', "application/json"),
    ],
)
async def test_text_formats_come_back_unchanged(gw: Gateway, key: str, name: str, data: bytes, media_type: str) -> None:
    response = await strip(gw, key, name, data)
    assert response.status_code == 200
    assert response.content == data
    content_type, _, charset = response.headers["content-type"].partition("; charset=")
    assert content_type == media_type
    if media_type.startswith("text/"):  # a charset that reads the text right (cp1250 = cp1252 here)
        assert data.decode(charset) == data.decode("utf-8" if name.endswith(".txt") else "cp1252")
    assert response.headers["x-metadata-stripped"] == "false"
    assert response.headers["x-strip-method"] == "none"
    assert response.headers["x-stripped-fields"] == ""
    assert response.headers["x-original-size"] == response.headers["x-sanitized-size"] == str(len(data))


async def test_name_and_content_disagree(gw: Gateway, key: str, rich: dict[str, bytes], tmp_path: Path) -> None:
    """Processed by content, answered with the content's type, under the name it was sent as."""
    response = await strip(gw, key, "Foto von Müller.png", rich["photo.jpg"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"Foto von Muller.png\"; filename*=UTF-8''Foto%20von%20M%C3%BCller.png"
    )
    assert_clean(ft.JPEG, response.content, tmp_path)


async def test_v1_prefix_and_concurrent_requests(gw: Gateway, key: str, rich: dict[str, bytes]) -> None:
    """Eight requests at once share the exiftool processes safely (two CPU workers here)."""
    results: list[Any] = []

    async def one(index: int) -> None:
        name = ["photo.jpg", "scan.png", "photo.webp", "brief.docx"][index % 4]
        response = await gw.http.post(
            "http://kai.test/v1" + URL, headers=gw.headers(key), files={"file": (name, rich[name])}
        )
        results.append((name, response.status_code, planted(response.content)))

    async with anyio.create_task_group() as group:
        for index in range(8):
            group.start_soon(one, index)
    assert len(results) == 8
    assert all(status == 200 and left == [] for _, status, left in results), results


# ---------------------------------------------------------------- errors


def _ole_doc() -> bytes:
    return samples._ole({"WordDocument": b"\xec\xa5" + bytes(600)})


def _encrypted_pdf(rich: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(rich["befund.pdf"])) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
    return out.getvalue()


ERRORS = [
    # (case, filename, data or builder, status, code)
    ("empty", "photo.jpg", lambda r: b"", 400, "empty_file"),
    ("random bytes", "noise.bin", lambda r: bytes(range(256)) * 40, 415, "unsupported_file_type"),
    ("random bytes named .jpg", "photo.jpg", lambda r: bytes(range(256)) * 40, 400, "metadata_stripping_failed"),
    ("word 97 .doc", "brief.doc", lambda r: _ole_doc(), 415, "unsupported_file_type"),
    ("gif", "anim.gif", lambda r: (METADATA / "dirty.gif").read_bytes(), 415, "unsupported_file_type"),
    (
        "svg",
        "logo.svg",
        lambda r: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><metadata>Jane Doe</metadata></svg>',
        415,
        "unsupported_file_type",
    ),
    ("zip that is no office file", "archive.zip", lambda r: _zip_of({"a.txt": b"x"}), 415, "unsupported_file_type"),
    (
        "truncated pdf",
        "befund.pdf",
        lambda r: r["befund.pdf"][: len(r["befund.pdf"]) // 2],
        400,
        "metadata_stripping_failed",
    ),
    ("truncated docx", "brief.docx", lambda r: r["brief.docx"][:5000], 400, "metadata_stripping_failed"),
    ("truncated jpeg", "photo.jpg", lambda r: r["photo.jpg"][:3000], 400, "metadata_stripping_failed"),
    ("encrypted pdf", "geheim.pdf", _encrypted_pdf, 400, "metadata_stripping_failed"),
    ("text named .pdf", "report.pdf", lambda r: b"<html>Error 404</html>", 400, "file_type_mismatch"),
    (
        "docx without content types",
        "brief.docx",
        lambda r: _zip_of({"word/document.xml": b"<w/>"}),
        400,
        "metadata_stripping_failed",
    ),
    (
        "docx with a DTD",
        "brief.docx",
        lambda r: _zip_of(
            {
                "[Content_Types].xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>',
                "word/document.xml": b"<w/>",
                "_rels/.rels": b"<Relationships/>",
            }
        ),
        400,
        "metadata_stripping_failed",
    ),
]


def _zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize("case,name,build,status,code", ERRORS, ids=[e[0] for e in ERRORS])
async def test_error_table(
    gw: Gateway, key: str, rich: dict[str, bytes], case: str, name: str, build: Any, status: int, code: str
) -> None:
    response = await strip(gw, key, name, build(rich))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["param"] == "file"
    assert error["type"] == "invalid_request_error"
    if code == "metadata_stripping_failed":
        assert error["message"].startswith(f"Failed to strip metadata from '{name}'")


async def test_request_errors(gw: Gateway, key: str, rich: dict[str, bytes]) -> None:
    headers = gw.headers(key)
    missing = await gw.http.post(URL, headers=headers, files={"other": ("a.txt", b"x")})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "missing_required_parameter"
    as_text = await gw.http.post(URL, headers=headers, data={"file": "photo.jpg"}, files={"other": ("a.txt", b"x")})
    assert as_text.status_code == 400 and as_text.json()["error"]["code"] == "invalid_type"
    two = await gw.http.post(
        URL, headers=headers, files=[("file", ("a.jpg", rich["photo.jpg"])), ("file", ("b.jpg", rich["photo.jpg"]))]
    )
    assert two.status_code == 400 and two.json()["error"]["code"] == "invalid_value"
    not_multipart = await gw.http.post(URL, headers=headers, content=rich["photo.jpg"])
    assert not_multipart.status_code == 400
    assert not_multipart.json()["error"]["code"] == "invalid_content_type"
    no_key = await gw.http.post(URL, files={"file": ("a.jpg", rich["photo.jpg"])})
    assert no_key.status_code == 401


async def test_permission_and_size_limit(gw: Gateway, rich: dict[str, bytes]) -> None:
    gw.create_product("chat-only", endpoints=("chat_completions",))
    denied = await strip(gw, gw.create_key("chat-only"), "photo.jpg", rich["photo.jpg"])
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "endpoint_not_enabled"
    gw.create_product("tiny", max_file_size=4096)
    tiny = gw.create_key("tiny")
    too_big = await strip(gw, tiny, "photo.jpg", rich["photo.jpg"])
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "file_too_large"
    fits = await strip(gw, tiny, "data.json", b'{"a": 1}')
    assert fits.status_code == 200


# ---------------------------------------------------------------- robustness (no HTTP: fast)


def _damaged(data: bytes) -> list[bytes]:
    """Cuts and flipped bytes at a few places."""
    variants = [data[:n] for n in (16, len(data) // 3, len(data) - 7) if 0 < n < len(data)]
    for position in (len(data) // 5, len(data) // 2, len(data) - 40):
        if 0 <= position < len(data):
            flipped = bytearray(data)
            flipped[position : position + 8] = bytes(b ^ 0x5A for b in flipped[position : position + 8])
            variants.append(bytes(flipped))
    return variants


def test_damaged_files_fail_cleanly_or_come_out_clean(rich: dict[str, bytes], tmp_path: Path) -> None:
    """Never an unexpected exception: a KaiError (400/415), or a file that is verifiably clean."""
    stripper = MetadataStripper(ExifTool(timeout_s=30, processes=1))
    outcomes = {"ok": 0, "refused": 0}
    try:
        for name, data in rich.items():
            for variant in _damaged(data):
                try:
                    result = stripper.strip(variant, name)
                except KaiError as exc:
                    assert exc.status in (400, 415), (name, exc.message)
                    outcomes["refused"] += 1
                    continue
                outcomes["ok"] += 1
                assert planted(result.data) == [] or result.kind in ft.TEXT_TYPES, name
    finally:
        stripper.close()
    assert outcomes["refused"] > 0 and outcomes["ok"] > 0


def test_exiftool_timeout_is_a_400_and_the_pool_recovers(rich: dict[str, bytes]) -> None:
    stripper = MetadataStripper(ExifTool(timeout_s=0.001, processes=1))
    try:
        with pytest.raises(KaiError) as caught:
            stripper.strip(rich["photo.jpg"], "photo.jpg")
        assert caught.value.status == 400 and "longer than" in caught.value.message
        stripper.exiftool.timeout_s = 30
        assert stripper.strip(rich["photo.jpg"], "photo.jpg").stripped
    finally:
        stripper.close()


async def test_the_exiftool_timeout_setting_reaches_the_parse_workers(tmp_path: Path, rich: dict[str, bytes]) -> None:
    """metadata_timeout_s is what exiftool gets in the worker: far too short, and the photo
    that strips fine by default is a 400 that says why."""
    settings = replace(echo_settings(tmp_path, load_engines=False), metadata_timeout_s=0.001)
    async with running_gateway(settings) as gateway:
        key = gateway.create_key("default")
        files = {"file": ("photo.jpg", rich["photo.jpg"], "image/jpeg")}
        response = await gateway.http.post("/documents/strip-metadata", files=files, headers=gateway.headers(key))
        assert response.status_code == 400, response.text
        assert "longer than" in response.json()["error"]["message"]


def test_exiftool_does_not_outlive_a_killed_server() -> None:
    """exiftool -stay_open ignores a closed stdin; the kernel must kill it when we die."""
    script = (
        "import glob, os\n"
        "from kai_local.documents.metadata import ExifTool\n"
        "tool = ExifTool()\n"
        "tool.execute(['-ver'])\n"
        "children = [c for f in glob.glob('/proc/self/task/*/children') for c in open(f).read().split()]\n"
        "print(' '.join(children), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=60,
    )
    pids = [int(p) for p in out.stdout.split()]
    assert pids, out.stderr
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.05)
    assert not any(_running(p) for p in pids)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_parts_with_encoded_or_spaced_names_are_not_taken_for_orphans(rich: dict[str, bytes]) -> None:
    """A relationship may spell a part name percent-encoded while the ZIP item has a space,
    or both encoded: either way the part is reachable and stays."""
    png = samples.picture(8, 8)
    out = io.BytesIO()
    png.save(out, "PNG")
    data = samples.add_parts(
        rich["brief.docx"],
        {"word/media/my image.png": out.getvalue(), "word/media/a%20b.png": out.getvalue()},
        {
            "word/_rels/document.xml.rels": [
                ("rIdS1", f"{samples.R}/image", "media/my%20image.png"),
                ("rIdS2", f"{samples.R}/image", "media/a%20b.png"),
            ]
        },
        {},
    )
    stripper = MetadataStripper(ExifTool(processes=1))
    try:
        names = zipfile.ZipFile(io.BytesIO(stripper.strip(data, "brief.docx").data)).namelist()
    finally:
        stripper.close()
    assert "word/media/my image.png" in names and "word/media/a%20b.png" in names
    assert "leftover/notes.txt" not in names  # a real orphan still goes
