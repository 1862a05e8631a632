"""Hostile files against the parsers themselves (issue 12): the SVG sniffer, PDF decompression
bombs (text extraction and metadata stripping), oversized XML parts in DOCX/PPTX, media that
points at other files, Pillow plugins outside the allowlist, and exiftool's end-of-command
marker. Every hostile file is built here in code. Slow cases run under a SIGALRM guard (a
generous limit that fails the test instead of hanging it), not a timed assert."""

from __future__ import annotations

import functools
import io
import os
import signal
import struct
import threading
import time
import tracemalloc
import wave
import zipfile
import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pikepdf
import pytest
from lxml import etree
from PIL import Image
from reportlab.pdfgen import canvas

from kai_local.documents import filetypes as ft
from kai_local.documents.extract.images import PICTURE_FORMATS, iter_frames
from kai_local.documents.extraction import ExtractionLimits, extract_document
from kai_local.documents.metadata import ExifTool, MetadataStripper, office_xml
from kai_local.engines.speech.media import decode_media
from kai_local.errors import InvalidRequest, KaiError, PayloadTooLarge, UnsupportedMediaType
from tests.conftest import Gateway, echo_settings, running_gateway
from tests.test_extraction import OCR, docx_bytes

MiB = 1 << 20
LIMITS = ExtractionLimits()


@contextmanager
def guard(seconds: int) -> Iterator[None]:
    """Fail (instead of hang) if the block runs past `seconds`."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def python_memory(limit_mib: float) -> Iterator[None]:
    """The block's peak Python allocation stays under `limit_mib` (a bomb that is inflated or
    listed shows up here; a bounded refusal does not)."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit_mib * MiB, f"peak {peak / MiB:.0f} MiB"


@pytest.fixture(scope="module")
def stripper() -> Iterator[MetadataStripper]:
    tool = MetadataStripper(ExifTool(processes=1))
    yield tool
    tool.close()


# ---------------------------------------------------------------- SVG sniffing


def test_svg_sniffing_is_linear(stripper: MetadataStripper) -> None:
    # The old regex needed 34 s for 27 comments and doubled with each one more.
    for count in (27, 600):
        data = b"<!---->" * count + b"x"
        with guard(5):
            assert stripper.resolve_type(data, "notes.txt") == ft.TXT


@pytest.mark.parametrize(
    "head",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<?xml version="1.0" encoding="UTF-8"?>\n<svg width="10">',
        b'\xef\xbb\xbf<?xml version="1.0"?><!-- Generator: Adobe Illustrator -->\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/1.1/DTD/svg11.dtd">\n'
        b'<!-- another comment --><SVG version="1.1">',
        b"<?xml-stylesheet href='a.css'?>\n<svg>",
    ],
)
def test_real_svgs_are_still_refused_as_svg(stripper: MetadataStripper, head: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        stripper.resolve_type(head + b"<circle r='1'/></svg>", "drawing.txt")
    assert "svg" in caught.value.message


@pytest.mark.parametrize("text", [b"<svgx/>", b"<!-- <svg> --> a note", b"hello <svg>", b"<!-- open"])
def test_text_that_only_mentions_svg_is_text(stripper: MetadataStripper, text: bytes) -> None:
    assert stripper.resolve_type(text, "notes.txt") == ft.TXT


# ---------------------------------------------------------------- PDF decompression bombs


def flate_bomb_pdf(megabytes: int = 64) -> bytes:
    """One page whose content stream is `[/FlateDecode /FlateDecode]` and inflates to
    `megabytes` MiB of path operators (the issue's 719-byte file took pdfminer minutes)."""
    operators = b"0 0 m 1 1 l\n"
    content = operators * (megabytes * MiB // len(operators))
    raw = zlib.compress(zlib.compress(content, 9), 9)
    del content
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, b"")
    stream.write(raw, filter=[pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode])
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def object_stream_pdf(inside: dict[int, bytes], outside: dict[int, bytes], padding: int, trailer: bytes = b"") -> bytes:
    """A PDF written by hand (pikepdf would rewrite the object stream): object 1 is an object
    stream, filtered `[/FlateDecode /FlateDecode]`, holding the objects `inside` after
    `padding` bytes of blanks; the objects `outside` are stored plainly; an xref stream lists
    them all. The catalog is object 2."""
    body, offsets = b"", []
    for text in inside.values():
        offsets.append(len(body))
        body += text + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in zip(inside, offsets)) + b"\n"
    raw = zlib.compress(zlib.compress(header + b" " * padding + body, 9), 9)
    out = bytearray(b"%PDF-1.7\n")
    positions = {1: len(out)}
    out += b"1 0 obj\n<</Type/ObjStm/N %d/First %d/Filter[/FlateDecode/FlateDecode]/Length %d>>\nstream\n" % (
        len(inside),
        len(header) + padding,
        len(raw),
    )
    out += raw + b"\nendstream\nendobj\n"
    for number, text in outside.items():
        positions[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref_number = max([*inside, *outside]) + 1
    positions[xref_number] = len(out)
    rows = [(0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in inside:
            rows.append((2, 1, list(inside).index(number)))
        else:
            rows.append((1, positions[number], 0))
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 2 0 R%s/Length %d>>\nstream\n" % (
        xref_number,
        xref_number + 1,
        trailer,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % positions[xref_number]
    return bytes(out)


CATALOG = b"<</Type/Catalog/Pages 3 0 R>>"
PAGES = b"<</Type/Pages/Kids[4 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 3 0 R/MediaBox[0 0 612 792]>>"


@functools.cache  # seconds to compress 300 MiB, and three tests send the same bomb
def info_bomb_pdf(padding: int) -> bytes:
    """The document information dictionary sits in an object stream that inflates to
    `padding` bytes; the page tree is stored plainly."""
    return object_stream_pdf(
        {5: b"<</Producer (bomb)>>"}, {2: CATALOG, 3: PAGES, 4: PAGE}, padding, trailer=b"/Info 5 0 R"
    )


@functools.cache
def catalog_bomb_pdf(padding: int) -> bytes:
    return object_stream_pdf({2: CATALOG, 3: PAGES, 4: PAGE}, {}, padding)


def assert_inflate_limit(error: KaiError, param: str) -> None:
    assert isinstance(error, PayloadTooLarge), error
    assert (error.status, error.code, error.param) == (413, "archive_too_large", param)
    assert "33,554,432 bytes" in error.message


def test_flate_bomb_content_stream_is_refused_by_text_extraction() -> None:
    bomb = flate_bomb_pdf(64)
    assert len(bomb) < 2000
    with guard(30), python_memory(40), pytest.raises(KaiError) as caught:
        extract_document(bomb, "bomb.pdf", LIMITS, OCR)
    assert_inflate_limit(caught.value, "files")


@pytest.mark.slow  # compresses a 300 MiB bomb (about 2 s) and runs it into the budget
@pytest.mark.parametrize("build", [info_bomb_pdf, catalog_bomb_pdf], ids=["info", "catalog"])
def test_object_stream_bomb_is_refused_by_text_extraction(build) -> None:  # type: ignore[no-untyped-def]
    bomb = build(300 * MiB)
    with guard(30), python_memory(40), pytest.raises(KaiError) as caught:
        extract_document(bomb, "bomb.pdf", LIMITS, OCR)
    assert_inflate_limit(caught.value, "files")


@pytest.mark.slow  # draws 9,000 lines, then reads them twice (about 2 s)
def test_the_budget_is_per_document_and_a_setting_of_the_limits() -> None:
    """Each stream alone fits, together they do not; and a larger budget reads the same file."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for _ in range(3):
        page.drawString(72, 720, "Sehr geehrte Frau Bäcker")
        for step in range(3000):
            page.line(72, 100 + step * 0.1, 500, 100 + step * 0.1)
        page.showPage()
    page.save()
    small = ExtractionLimits(max_inflated_bytes=200_000)
    with pytest.raises(KaiError) as caught:
        extract_document(buffer.getvalue(), "lines.pdf", small, OCR)
    assert caught.value.code == "archive_too_large" and "200,000 bytes" in caught.value.message
    document = extract_document(buffer.getvalue(), "lines.pdf", LIMITS, OCR)
    assert document.page_count == 3 and "Bäcker" in document.text


def test_strip_passes_a_content_bomb_through_without_inflating_it(stripper: MetadataStripper) -> None:
    bomb = flate_bomb_pdf(64)
    with guard(30), python_memory(40):
        result = stripper.strip(bomb, "bomb.pdf")
    assert len(result.data) < 4000  # the 64 MiB were never inflated and recompressed
    with pikepdf.open(io.BytesIO(result.data)) as pdf, pikepdf.open(io.BytesIO(bomb)) as original:
        contents = pdf.pages[0].obj.Contents
        assert list(contents.Filter) == [pikepdf.Name.FlateDecode, pikepdf.Name.FlateDecode]
        assert contents.read_raw_bytes() == original.pages[0].obj.Contents.read_raw_bytes()


@pytest.mark.slow  # compresses a 300 MiB bomb (about 2 s, shared with the tests above)
def test_strip_refuses_an_object_stream_bomb(stripper: MetadataStripper) -> None:
    bomb = info_bomb_pdf(300 * MiB)
    with guard(30), python_memory(40), pytest.raises(KaiError) as caught:
        stripper.strip(bomb, "bomb.pdf")
    assert_inflate_limit(caught.value, "file")
    # The same layout with a small object stream is an ordinary file.
    assert stripper.strip(info_bomb_pdf(1000), "fine.pdf").kind == ft.PDF


@pytest.mark.slow  # compresses a 300 MiB bomb (about 2 s, shared with the tests above)
def test_strip_of_a_catalog_bomb_stops_inside_qpdf(stripper: MetadataStripper) -> None:
    """qpdf inflates the object stream holding the catalog while it opens the file, before our
    budget can look; its own Flate limit (set to the same figure) stops it there, and it then
    reports only a missing catalog: a fast 400, not a 413 (README, known limits)."""
    bomb = catalog_bomb_pdf(300 * MiB)
    with guard(30), python_memory(40), pytest.raises(InvalidRequest) as caught:
        stripper.strip(bomb, "bomb.pdf")
    assert caught.value.code == "metadata_stripping_failed"


# ---------------------------------------------------------------- oversized XML parts

W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def with_part(package: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, body if info.filename == name else source.read(info))
    return out.getvalue()


def paragraph_bomb_docx(megabytes: int = 40) -> bytes:
    """A DOCX whose document.xml holds `megabytes` MiB of empty paragraphs: ~7 million
    elements, a few hundred KB compressed."""
    body = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="'
        + W_NS
        + b'"><w:body>'
        + b"<w:p/>" * (megabytes * MiB // 6)
        + b"</w:body></w:document>"
    )
    return with_part(docx_bytes(lambda document: document.add_paragraph("Hallo")), "word/document.xml", body)


def test_oversized_xml_part_is_refused_by_text_extraction() -> None:
    bomb = paragraph_bomb_docx()
    assert len(bomb) < 1 * MiB
    with guard(30), python_memory(40), pytest.raises(KaiError) as caught:
        extract_document(bomb, "bomb.docx", LIMITS, OCR)
    error = caught.value
    assert (error.status, error.code, error.param) == (413, "archive_too_large", "files")
    assert "word/document.xml" in error.message and "33,554,432" in error.message


def test_oversized_xml_part_is_refused_by_metadata_stripping(stripper: MetadataStripper) -> None:
    with guard(30), pytest.raises(KaiError) as caught:
        stripper.strip(paragraph_bomb_docx(), "bomb.docx")
    error = caught.value
    assert (error.status, error.code, error.param) == (413, "archive_too_large", "file")
    assert "word/document.xml" in error.message


def test_a_part_under_the_cap_is_still_read() -> None:
    document = docx_bytes(lambda d: d.add_paragraph("Hallo Frau Bäcker"))
    small = ExtractionLimits(max_xml_part_bytes=100)
    with pytest.raises(KaiError) as caught:
        extract_document(document, "brief.docx", small, OCR)
    assert caught.value.code == "archive_too_large"
    assert "Bäcker" in extract_document(document, "brief.docx", LIMITS, OCR).text


def test_scrubbing_a_large_part_lists_only_what_it_changes() -> None:
    """Millions of plain paragraphs (a DOCX bomb) cost one XPath pass in C: no Python proxy per
    element, only for the few elements a rule changes."""
    xml = (
        b'<w:document xmlns:w="'
        + W_NS
        + b'"><w:body>'
        + b"<w:p/>" * 1_000_000
        + '<w:p w:rsidR="00A1B2C3"/><w:ins w:author="Jörg" w:date="2024-01-01T00:00:00Z"/></w:body></w:document>'.encode()
    )
    root = etree.fromstring(xml)
    with python_memory(4):  # a list of the million elements' proxies alone would be ~150 MiB
        changed = office_xml.scrub_word(root)
    assert changed == {"rsid", "Revisions"}
    assert b"rsid" not in etree.tostring(root) and b"J\xc3\xb6rg" not in etree.tostring(root)


def test_scrubbing_clears_every_rsid_of_a_large_part() -> None:
    rsid = b'w:rsidR="00A1B2C3"'
    xml = (
        b'<w:document xmlns:w="' + W_NS + b'"><w:body>' + (b"<w:p " + rsid + b"/>") * 50_000 + b"</w:body></w:document>"
    )
    root = etree.fromstring(xml)
    assert office_xml.scrub_word(root) == {"rsid"}
    assert b"rsid" not in etree.tostring(root)


W_TEXT = W_NS.decode()


@pytest.mark.parametrize(
    "xml",
    [
        f'<w:p xmlns:w="{W_TEXT}" w:rsidR="00A1B2C3"/>',
        f'<x:ins xmlns:x="{W_TEXT}" x:author="Jörg"/>',  # any prefix
        f'<w:ins xmlns:w="{W_TEXT}"\n\tw:date = "2024-01-01T00:00:00Z"/>',
        f'<settings xmlns="{W_TEXT}"><rsids><rsid/></rsids></settings>',  # the default namespace
        f'<?xml version="1.0" encoding="UTF-8"?><w:p xmlns:w="{W_TEXT}" w:rsidRPr="00A1B2C3"/>',
    ],
)
def test_a_word_part_naming_what_a_rule_changes_is_parsed(xml: str) -> None:
    assert office_xml.word_part_may_change(xml.encode())
    assert office_xml.scrub_word(etree.fromstring(xml.encode()), xml.encode())


@pytest.mark.parametrize(
    ("xml", "encoding"),
    [
        # Names not written in ASCII bytes: the byte test cannot see them, so it never says no.
        (f'<?xml version="1.0" encoding="UTF-16"?><w:p xmlns:w="{W_TEXT}" w:rsidR="00A1B2C3"/>', "utf-16"),
        (f'<?xml version="1.0" encoding="UTF-16"?><w:p xmlns:w="{W_TEXT}"/>', "utf-16"),
        (f'<?xml version="1.0" encoding="UTF-7"?><w:p xmlns:w="{W_TEXT}"/>', "utf-8"),
        # UTF-16 and -32 without a byte order mark: libxml2 reads them from "<\x00?\x00"
        (f'<?xml version="1.0" encoding="UTF-16"?><w:p xmlns:w="{W_TEXT}" w:rsidR="00A1B2C3"/>', "utf-16-le"),
        (f'<w:p xmlns:w="{W_TEXT}" w:rsidR="00A1B2C3"/>', "utf-32-le"),
        # names with letters beyond ASCII, in UTF-8 and in Latin-1
        (f'<w:p xmlns:w="{W_TEXT}" w:rsidé="00A1B2C3"/>', "utf-8"),
        (f'<?xml version="1.0" encoding="ISO-8859-1"?><w:p xmlns:w="{W_TEXT}" w:rsidé="00A1"/>', "latin-1"),
        (f'<!DOCTYPE x><w:p xmlns:w="{W_TEXT}"/>', "utf-8"),  # parsed, so that the DTD is refused
    ],
)
def test_a_word_part_in_another_encoding_is_always_parsed(xml: str, encoding: str) -> None:
    assert office_xml.word_part_may_change(xml.encode(encoding))


def test_a_clean_word_part_is_not_parsed_and_scrubbing_it_changes_nothing() -> None:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_TEXT}"><w:body>'
        "<w:p><w:r><w:t>rsid author date= initials</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    assert not office_xml.word_part_may_change(xml)
    assert office_xml.scrub_word(etree.fromstring(xml), xml) == set()


# ---------------------------------------------------------------- media that names other files


@contextmanager
def fifo_watch(path: Path) -> Iterator[list[bool]]:
    """A FIFO at `path`; the list yielded gets True if anyone opened it for reading (and is
    then unblocked, so a reader cannot hang the test)."""
    os.mkfifo(path)
    opened: list[bool] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO without a reader
            except OSError:
                time.sleep(0.002)
                continue
            opened.append(True)
            os.close(descriptor)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield opened
    finally:
        done.set()
        watcher.join()


@pytest.mark.parametrize(
    "playlist",
    [
        # The concat demuxer opens names relative to the working directory (its default 'safe'
        # mode refuses absolute ones, so 'passwd' is a link to /etc/passwd).
        b"ffconcat version 1.0\nfile media.fifo\nfile passwd\n",
        # FFmpeg's HLS probe wants an .m3u8 name, which an upload does not have: kept as a guard.
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nmedia.fifo\n#EXTINF:10,\n/etc/passwd\n#EXT-X-ENDLIST\n",
    ],
    ids=["ffconcat", "m3u8"],
)
def test_media_naming_other_files_is_refused_unopened(
    playlist: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    with fifo_watch(tmp_path / "media.fifo") as opened, guard(30), pytest.raises(InvalidRequest) as caught:
        decode_media(playlist, 60)
    assert not opened, "FFmpeg opened the file the upload named"
    assert (caught.value.status, caught.value.code) == (400, "unsupported_file_format")


def test_allowed_media_still_decodes() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\x00\x10" * 16_000)
    audio = decode_media(buffer.getvalue(), 60)
    assert audio.container == "wav" and abs(audio.duration - 1.0) < 0.01


# ---------------------------------------------------------------- Pillow plugins

EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 120 120\n%%EndComments\n"
    b"0 0 moveto 120 120 lineto stroke\nshowpage\n%%EOF\n"
)


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), "white").save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    "data,formats",
    [
        (EPS, PICTURE_FORMATS),  # Pillow reads EPS through Ghostscript: never for an upload
        (image_bytes("GIF"), ("PNG", "JPEG", "TIFF")),  # an upload is what detection said it is
        (image_bytes("PCX"), PICTURE_FORMATS),
    ],
)
def test_pillow_opens_only_allowed_formats(data: bytes, formats: tuple[str, ...]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        list(iter_frames(data, LIMITS, formats))
    assert caught.value.code == "corrupt_file"


def test_pillow_still_opens_allowed_formats() -> None:
    for kind in ("PNG", "JPEG", "TIFF"):
        assert len(list(iter_frames(image_bytes(kind), LIMITS))) == 1
    for kind in ("GIF", "BMP", "WEBP"):
        assert len(list(iter_frames(image_bytes(kind), LIMITS, PICTURE_FORMATS))) == 1


# ---------------------------------------------------------------- exiftool's end marker


def test_output_cannot_fake_the_end_of_an_exiftool_command() -> None:
    """A command whose output holds every marker a counter would have used next ends only at
    the real one: the full output comes back, command after command."""
    tool = ExifTool(processes=1)
    try:
        fakes = [f"{{ready{n}}}" for n in range(1, 6)] + ["{ready}"]
        for round_ in range(3):
            args: list[str] = []
            for fake in fakes:
                args += ["-echo", fake, "-echo2", fake]
            stdout, stderr = tool.execute([*args, "-echo", f"last line {round_}"])
            assert stdout.splitlines() == [*fakes, f"last line {round_}"]
            assert stderr.splitlines() == fakes
    finally:
        tool.close()


# ---------------------------------------------------------------- the same through the API


@pytest.fixture(scope="module")
async def gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    settings = echo_settings(tmp_path_factory.mktemp("abuse"), load_engines=False)
    async with running_gateway(settings) as gateway:
        yield gateway


@pytest.mark.slow  # compresses a 300 MiB bomb (about 2 s, shared with the tests above)
@pytest.mark.anyio
async def test_strip_endpoint_answers_bombs_with_openai_errors(gw: Gateway) -> None:
    headers = gw.headers(gw.create_key("default"))
    cases = [
        ("bomb.pdf", info_bomb_pdf(300 * MiB), 413, "archive_too_large"),
        ("bomb.docx", paragraph_bomb_docx(), 413, "archive_too_large"),
        ("notes.txt", b"<!---->" * 40 + b"x", 200, None),
    ]
    for name, data, status, code in cases:
        with guard(60):
            response = await gw.http.post("/documents/strip-metadata", headers=headers, files={"file": (name, data)})
        assert response.status_code == status, response.text
        if code is not None:
            assert response.json() == {
                "error": {
                    "message": response.json()["error"]["message"],
                    "type": "invalid_request_error",
                    "param": "file",
                    "code": code,
                }
            }
