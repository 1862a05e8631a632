"""Text extraction for every format of the spec, OCR included, on files built here with the
real writers (reportlab, python-docx, python-pptx, openpyxl, xlwt, Pillow) and on third-party
files in tests/data/metadata/. OCR output is checked with a character error rate and
on the words with umlauts and ß, which must survive."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import unicodedata
from dataclasses import replace
from pathlib import Path

import docx
import jiwer
import openpyxl
import pikepdf
import pptx
import pypdfium2
import pytest
import xlwt
from docx.enum.text import WD_BREAK
from PIL import Image, ImageDraw, ImageFont
from pptx.util import Inches
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from kai_local.documents.extraction import (
    EasyOcr,
    ExtractedDocument,
    ExtractionLimits,
    TesseractOcr,
    build_ocr_engine,
    extract_document,
    extraction_limits,
)
from kai_local.errors import InvalidRequest, KaiError, PayloadTooLarge, ServiceUnavailable, UnsupportedMediaType
from kai_local.settings import Settings
from tests.support import TESTDATA

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core
METADATA = TESTDATA / "metadata"
LIMITS = ExtractionLimits()
OCR = TesseractOcr()

LETTER = [
    "Ärztlicher Befundbericht",
    "Patient: Jörg Weißmüller, geboren am 17.05.1980",
    "Anschrift: Hauptstraße 12, 1010 Wien",
    "Diagnose: Übelkeit und Schwäche nach Größenänderung",
    "Behandelnde Ärztin: Dr. Anna Bäcker",
]
UMLAUT_WORDS = ["Ärztlicher", "Jörg", "Weißmüller", "Hauptstraße", "Übelkeit", "Schwäche", "Größenänderung", "Bäcker"]


# ---------------------------------------------------------------- helpers (also used by the bomb tests)


def extract(data: bytes, name: str, limits: ExtractionLimits = LIMITS) -> ExtractedDocument:
    return extract_document(data, name, limits, OCR)


def refusal(data: bytes, name: str, limits: ExtractionLimits = LIMITS) -> KaiError:
    with pytest.raises(KaiError) as caught:
        extract(data, name, limits)
    return caught.value


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def char_error_rate(expected: str, actual: str) -> float:
    """Character error rate (jiwer), whitespace collapsed."""
    return jiwer.cer(normalise(expected), normalise(actual))


def assert_ocr_reads_letter(text: str) -> None:
    assert char_error_rate("\n".join(LETTER), text) <= 0.05, text
    for word in UMLAUT_WORDS:
        assert word in text, (word, text)


def text_image(lines: list[str] = LETTER, size: int = 40, width: int = 1700) -> Image.Image:
    """A 'scan' of the lines: black DejaVu text on white, ~300 dpi sized (40 px ~ 10 pt)."""
    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("L", (width, 120 + len(lines) * size * 2), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((80, 60 + number * size * 2), line, font=font, fill=0)
    return image


def image_bytes(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _register_font() -> str:
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    return "DejaVuSans"


def text_pdf(pages: list[list[str]], table: list[list[str]] | None = None) -> bytes:
    """A text-layer PDF (A5, DejaVu so umlauts are real glyphs); `table` (ruled) on page 1
    between its first line and the rest."""
    style = ParagraphStyle("body", fontName=_register_font(), fontSize=11, leading=15)
    story: list[object] = []
    for number, lines in enumerate(pages):
        if number:
            story.append(PageBreak())
        story.append(Paragraph(lines[0], style))
        if table and number == 0:
            grid = Table(table)
            grid.setStyle(
                TableStyle(
                    [("FONT", (0, 0), (-1, -1), "DejaVuSans", 10), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
                )
            )
            story.append(grid)
        story.extend(Paragraph(line, style) for line in lines[1:])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A5).build(story)
    return buffer.getvalue()


def scanned_pdf(pdf: bytes, dpi: int = 200) -> bytes:
    """Each page of `pdf` rasterised (pypdfium2) and saved as an image-only PDF (Pillow)."""
    document = pypdfium2.PdfDocument(pdf)
    images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    document.close()
    return image_bytes(images[0], "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])


def docx_bytes(build) -> bytes:  # type: ignore[no-untyped-def]
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB v3) with the given root streams. Nothing here writes
    PPT, so the test builds the container itself; streams are padded to 4096 bytes so that
    none lives in the mini stream."""
    sector, end, free, fat_mark = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    padded = [streams[n] + b"\0" * (max(4096, -(-len(streams[n]) // sector) * sector) - len(streams[n])) for n in names]
    body, fat, starts = b"", [], []
    for data in padded:
        starts.append(len(fat))
        count = len(data) // sector
        fat.extend(list(range(len(fat) + 1, len(fat) + count)) + [end])
        body += data
    entries = [("Root Entry", 5, end, 0, 1 if names else free)] + [
        (name, 2, starts[i], len(padded[i]), free) for i, name in enumerate(names)
    ]
    directory = b""
    for index, (name, kind, start, size, child) in enumerate(entries):
        raw = name.encode("utf-16-le") + b"\0\0"
        right = index + 1 if 0 < index < len(entries) - 1 else free
        directory += (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(raw), kind, 1, free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )
    directory = directory.ljust(-(-len(directory) // sector) * sector, b"\0")
    dir_start = len(fat)
    fat.extend(list(range(dir_start + 1, dir_start + len(directory) // sector)) + [end])
    fat_sectors = -(-(len(fat) + 1) * 4 // sector)
    fat_start = len(fat)
    fat.extend([fat_mark] * fat_sectors)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(fat_sectors * sector, b"\xff")
    difat = [fat_start + i for i in range(fat_sectors)] + [free] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *difat)
    )
    return header + body + directory + fat_bytes


def ppt_record(kind: int, payload: bytes, container: bool = False) -> bytes:
    return struct.pack("<HHI", 0x000F if container else 0, kind, len(payload)) + payload


def ppt_bytes(slides: list[str], encrypted: bool = False) -> bytes:
    """A PowerPoint 97 'PowerPoint Document' stream: a Document holding a SlideListWithText
    whose slides carry their text as TextCharsAtoms (UTF-16), as PowerPoint writes outline text."""
    atoms = b""
    for text in slides:
        atoms += ppt_record(1011, b"\0" * 20)  # SlidePersistAtom
        atoms += ppt_record(3999, struct.pack("<I", 0))  # TextHeaderAtom: title
        atoms += ppt_record(4000, text.replace("\n", "\r").encode("utf-16-le"))  # TextCharsAtom
    document = ppt_record(1000, ppt_record(4080, atoms, container=True), container=True)
    token = 0xF3D1C4DF if encrypted else 0xE391C05F
    current_user = ppt_record(4086, struct.pack("<II", 20, token) + b"\0" * 12)
    return ole_file({"Current User": current_user, "PowerPoint Document": document + ppt_record(1002, b"")})


# ---------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    table = [["Name", "Geburtsdatum", "Versicherungsnummer"], ["Jörg Weißmüller", "17.05.1980", "1234 170580"]]
    return text_pdf([LETTER[:2] + ["Nach der Tabelle: Kontrolle in drei Wochen."], LETTER[2:]], table=table)


def test_text_pdf_pages_tables_and_umlauts(letter_pdf: bytes) -> None:
    doc = extract(letter_pdf, "befund.pdf")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count, len(doc.pages)) == ("pdf_parser", False, 2, 2)
    first = doc.pages[0].splitlines()
    assert first[0] == "Ärztlicher Befundbericht"
    # the table comes back as rows, in its place between the paragraphs around it
    header = first.index("Name | Geburtsdatum | Versicherungsnummer")
    assert first[header + 1] == "Jörg Weißmüller | 17.05.1980 | 1234 170580"
    after_table = normalise("\n".join(first[header + 2 :]))  # A5 wraps the long line
    assert after_table == f"{LETTER[1]} Nach der Tabelle: Kontrolle in drei Wochen."
    assert normalise(doc.pages[1]) == normalise("\n".join(LETTER[2:]))
    assert doc.text == "\n\n".join(doc.pages)


def test_scanned_pdf_is_read_by_ocr(letter_pdf: bytes) -> None:
    scan = scanned_pdf(text_pdf([LETTER]))
    doc = extract(scan, "scan.pdf")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("ocr", True, 1)
    assert_ocr_reads_letter(doc.pages[0])


def test_mixed_pdf_parses_text_pages_and_ocrs_scanned_ones(letter_pdf: bytes) -> None:
    with (
        pikepdf.open(io.BytesIO(letter_pdf)) as text,
        pikepdf.open(io.BytesIO(scanned_pdf(text_pdf([LETTER])))) as scan,
    ):
        text.pages.append(scan.pages[0])
        buffer = io.BytesIO()
        text.save(buffer)
    doc = extract(buffer.getvalue(), "gemischt.pdf")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("pdf_parser+ocr", True, 3)
    assert normalise(doc.pages[1]) == normalise("\n".join(LETTER[2:]))  # the text layer, exactly
    assert_ocr_reads_letter(doc.pages[2])


def test_text_layer_without_unicode_mapping_is_ocrd() -> None:
    """A font whose umlaut glyphs have no Unicode mapping: pdfminer reads 'J(cid:2)rg'. Such a
    page is OCR'd, and the umlauts come back."""
    with pikepdf.open(io.BytesIO(text_pdf([LETTER]))) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
        buffer = io.BytesIO()
        pdf.save(buffer)
    doc = extract(buffer.getvalue(), "ohne-unicode.pdf")
    assert (doc.extraction_method, doc.used_ocr) == ("ocr", True)
    assert "(cid:" not in doc.text
    assert_ocr_reads_letter(doc.text)


def test_shared_pdf_keeps_tex_umlauts() -> None:
    """Pages 1 and 11 of a real pdfTeX paper (all 20 take ~10 s of pdfplumber here). Page 11
    has unmapped math and dingbat glyphs next to letters: not a reason to OCR it."""
    with pikepdf.open(METADATA / "dirty.pdf") as source:
        del source.pages[11:]
        del source.pages[1:10]
        buffer = io.BytesIO()
        source.save(buffer)
    doc = extract(buffer.getvalue(), "dirty.pdf")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count, len(doc.pages)) == ("pdf_parser", False, 2, 2)
    assert doc.pages[0].startswith("A Tough call: Mitigating Advanced Code-Reuse Attacks")
    assert "Enes Göktas" in doc.pages[0]  # drawn by pdfTeX as o + spacing diaeresis


def test_encrypted_pdf_is_refused(letter_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(letter_pdf)) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(user="geheim", owner="geheim"))
    error = refusal(buffer.getvalue(), "befund.pdf")
    assert (type(error), error.code, error.status) == (InvalidRequest, "encrypted_file", 400)


def test_owner_password_only_pdf_is_read(letter_pdf: bytes) -> None:
    """Permissions-only encryption (empty user password) opens without a password: read it."""
    with pikepdf.open(io.BytesIO(letter_pdf)) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(user="", owner="owner-secret"))
    assert "Jörg Weißmüller" in extract(buffer.getvalue(), "befund.pdf").text


def test_truncated_pdf_is_corrupt(letter_pdf: bytes) -> None:
    error = refusal(letter_pdf[:400], "befund.pdf")
    assert (error.status, error.code) == (400, "corrupt_file")


# ---------------------------------------------------------------- images


@pytest.mark.slow  # four pages of OCR (about 2 s)
def test_png_jpeg_and_multipage_tiff_are_ocrd() -> None:
    image = text_image()
    for data, name in [
        (image_bytes(image, "PNG"), "brief.png"),
        (image_bytes(image.convert("RGB"), "JPEG", quality=90), "brief.jpg"),
    ]:
        doc = extract(data, name)
        assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("ocr", True, 1)
        assert_ocr_reads_letter(doc.pages[0])
    second = text_image(["Seite zwei: Frau Müßig, Grünstraße 5"])
    tiff = image_bytes(image, "TIFF", save_all=True, append_images=[second], compression="tiff_lzw")
    doc = extract(tiff, "scan.tiff")
    assert (doc.extraction_method, doc.page_count, len(doc.pages)) == ("ocr", 2, 2)
    assert_ocr_reads_letter(doc.pages[0])
    assert normalise(doc.pages[1]) == "Seite zwei: Frau Müßig, Grünstraße 5"


def test_transparent_png_is_read_on_white() -> None:
    """Black text on a transparent background: flattening alpha to gray naively gives black on
    black; it must be composited onto white first."""
    gray = text_image(LETTER[:2])
    rgba = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba.putalpha(gray.point(lambda value: 255 - value))
    doc = extract(image_bytes(rgba, "PNG"), "transparent.png")
    assert "Jörg Weißmüller" in doc.text


def test_shared_images_are_ocrd() -> None:
    doc = extract((METADATA / "dirty.png").read_bytes(), "dirty.png")
    assert "SHARING PHOTOS ON SOCIAL" in doc.text
    tiff = extract((METADATA / "dirty.tiff").read_bytes(), "dirty.tiff")
    assert tiff.extraction_method == "ocr" and tiff.page_count >= 1


def test_corrupt_image_is_refused() -> None:
    png = image_bytes(text_image(LETTER[:1]), "PNG")
    error = refusal(png[: len(png) // 2], "brief.png")
    assert (error.status, error.code) == (400, "corrupt_file")


# ---------------------------------------------------------------- Office documents


def test_docx_body_tables_headers_footers_and_page_breaks() -> None:
    def build(document: docx.document.Document) -> None:
        section = document.sections[0]
        section.header.paragraphs[0].text = "Ordination Dr. Bäcker, Wien"
        section.footer.paragraphs[0].text = "Vertraulich – Seite"
        document.add_paragraph(LETTER[0])
        table = document.add_table(rows=2, cols=2)
        for row, values in zip(table.rows, [("Name", "Größe"), ("Jörg Weißmüller", "182 cm")]):
            for cell, value in zip(row.cells, values):
                cell.text = value
        document.add_paragraph(LETTER[2]).add_run().add_break(WD_BREAK.PAGE)
        document.add_paragraph(LETTER[3])

    doc = extract(docx_bytes(build), "brief.docx")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("docx_parser", False, 2)
    assert doc.pages[0].splitlines() == [
        "Ordination Dr. Bäcker, Wien",
        LETTER[0],
        "Name | Größe",
        "Jörg Weißmüller | 182 cm",
        LETTER[2],
    ]
    assert doc.pages[1].splitlines() == [LETTER[3], "Vertraulich – Seite"]


def test_docx_merged_cells_once_and_shared_files() -> None:
    def build(document: docx.document.Document) -> None:
        table = document.add_table(rows=2, cols=3)
        table.cell(0, 0).merge(table.cell(0, 2)).text = "Befund Jörg"
        table.cell(1, 0).text, table.cell(1, 1).text, table.cell(1, 2).text = "a", "b", "c"

    assert extract(docx_bytes(build), "t.docx").pages == ["Befund Jörg\na | b | c"]
    dirty = extract((METADATA / "dirty.docx").read_bytes(), "dirty.docx")
    # Its picture is a poster with text, OCR'd after the paragraph it follows.
    assert dirty.text.startswith("I'm a text document : please love me.\nPLEASE BE CAREFUL WHEN\n")
    assert "TURN OFF GEOTAG FUNCTION" in dirty.text and dirty.extraction_method == "docx_parser+ocr"
    revision = extract((METADATA / "revision.docx").read_bytes(), "revision.docx").text
    assert "This is a modified text." in revision and "original" not in revision.lower()
    assert "This is a comment." in extract((METADATA / "comment.docx").read_bytes(), "comment.docx").text
    broken = refusal((METADATA / "broken_xml_content_types.docx").read_bytes(), "broken.docx")
    assert (broken.status, broken.code) == (400, "corrupt_file")


def test_docx_scan_pasted_into_the_letter_is_ocrd_in_place() -> None:
    """A scanned page pasted between two paragraphs is read at its place; a small logo in the
    header and a small icon in the body are not OCR'd."""
    scan = io.BytesIO(image_bytes(text_image(), "PNG"))
    logo = io.BytesIO(image_bytes(text_image(["LOGO"], size=20, width=120), "PNG"))

    def build(document: docx.document.Document) -> None:
        document.sections[0].header.paragraphs[0].add_run().add_picture(logo)
        document.add_paragraph("Sehr geehrte Kollegin, anbei der Befund:")
        document.add_picture(scan)
        document.add_picture(io.BytesIO(logo.getvalue()))
        document.add_paragraph("Mit freundlichen Grüßen")

    document = extract(docx_bytes(build), "brief.docx")
    assert (document.extraction_method, document.used_ocr) == ("docx_parser+ocr", True)
    before, _, rest = document.text.partition("\n")
    scanned, _, after = rest.rpartition("\n")
    assert (before, after) == ("Sehr geehrte Kollegin, anbei der Befund:", "Mit freundlichen Grüßen")
    assert_ocr_reads_letter(scanned)
    assert "LOGO" not in document.text


def test_pptx_slides_tables_and_notes() -> None:
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Fallbesprechung Übersicht"
    slide.placeholders[1].text = "Patientin: Anna Bäcker\nBefund: Größenänderung"
    table = slide.shapes.add_table(2, 2, Inches(1), Inches(5.5), Inches(6), Inches(1)).table
    for (row, col), value in {(0, 0): "Name", (0, 1): "Straße", (1, 0): "Jörg", (1, 1): "Hauptstraße 12"}.items():
        table.cell(row, col).text = value
    slide.notes_slide.notes_text_frame.text = "Notiz: Herrn Weißmüller anrufen"
    presentation.slides.add_slide(presentation.slide_layouts[0]).shapes.title.text = "Zweite Folie"
    buffer = io.BytesIO()
    presentation.save(buffer)
    doc = extract(buffer.getvalue(), "fall.pptx")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("pptx_parser", False, 2)
    assert doc.pages[0].splitlines() == [
        "Fallbesprechung Übersicht",
        "Patientin: Anna Bäcker",
        "Befund: Größenänderung",
        "Name | Straße",
        "Jörg | Hauptstraße 12",
        "Notiz: Herrn Weißmüller anrufen",
    ]
    assert doc.pages[1] == "Zweite Folie"


def test_pptx_scan_on_a_slide_is_ocrd_in_reading_order() -> None:
    """A scanned page placed under the slide title is read between the title and the text box
    below it; a small icon is not OCR'd."""
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
    slide.shapes.title.text = "Vorbefund"
    slide.shapes.add_picture(io.BytesIO(image_bytes(text_image(), "PNG")), Inches(0.5), Inches(1.6), width=Inches(9))
    slide.shapes.add_picture(
        io.BytesIO(image_bytes(text_image(["ICON"], size=20, width=120), "PNG")), Inches(9.2), Inches(0.2)
    )
    box = slide.shapes.add_textbox(Inches(0.5), Inches(6.8), Inches(9), Inches(0.5))
    box.text_frame.text = "Besprechung am Montag"
    buffer = io.BytesIO()
    presentation.save(buffer)
    doc = extract(buffer.getvalue(), "vorbefund.pptx")
    assert (doc.extraction_method, doc.used_ocr) == ("pptx_parser+ocr", True)
    lines = doc.pages[0].splitlines()
    assert (lines[0], lines[-1]) == ("Vorbefund", "Besprechung am Montag")
    assert_ocr_reads_letter("\n".join(lines[1:-1]))
    assert "ICON" not in doc.text


def test_ppt_through_catppt() -> None:
    doc = extract(ppt_bytes(["Fallbesprechung Übersicht", "Patientin: Anna Bäcker\nHauptstraße 12"]), "alt.ppt")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("ppt_parser", False, 2)
    assert doc.pages == ["Fallbesprechung Übersicht", "Patientin: Anna Bäcker\nHauptstraße 12"]
    error = refusal(ppt_bytes(["geheim"], encrypted=True), "alt.ppt")
    assert (error.status, error.code) == (400, "encrypted_file")


def test_xlsx_every_sheet_values_not_formulas() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Patienten"
    sheet.append(["Name", "Geburtsdatum", "Betrag"])
    sheet.append(["Jörg Weißmüller", dt.datetime(1980, 5, 17), 12.5])
    sheet.append(["Anna Bäcker", dt.date(1975, 1, 2), 3.0])
    hidden = workbook.create_sheet("Intern")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "Straße 1"
    hidden["C2"] = "=B2"  # no cached value: a formula is never shown as text
    buffer = io.BytesIO()
    workbook.save(buffer)
    doc = extract(buffer.getvalue(), "liste.xlsx")
    assert (doc.extraction_method, doc.page_count) == ("xlsx_parser", 2)
    assert doc.pages[0].splitlines() == [
        "Patienten",
        "Name | Geburtsdatum | Betrag",
        "Jörg Weißmüller | 1980-05-17 | 12.5",
        "Anna Bäcker | 1975-01-02 | 3",
    ]
    assert doc.pages[1].splitlines() == ["Intern", " | Straße 1"]


def test_xls_through_xlrd() -> None:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Blatt Ä")
    sheet.write(0, 0, "Jörg Weißmüller")
    sheet.write(0, 1, 42.0)
    sheet.write(1, 0, dt.date(2020, 1, 2), xlwt.easyxf(num_format_str="DD.MM.YYYY"))
    workbook.add_sheet("Leer")
    buffer = io.BytesIO()
    workbook.save(buffer)
    doc = extract(buffer.getvalue(), "alt.xls")
    assert (doc.extraction_method, doc.page_count) == ("xls_parser", 2)
    assert doc.pages == ["Blatt Ä\nJörg Weißmüller | 42\n2020-01-02", "Leer"]


def test_encrypted_ooxml_is_refused() -> None:
    """Office encrypts a DOCX/XLSX/PPTX by wrapping it in an OLE file with an EncryptedPackage."""
    wrapped = ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64})
    error = refusal(wrapped, "geheim.docx")
    assert (error.status, error.code) == (400, "encrypted_file")


# ---------------------------------------------------------------- text formats


@pytest.mark.parametrize(
    "data, dialect",
    [
        ('\ufeffName;Ort;Notiz\nJörg Weißmüller;Wien;"Größe; 182"\n'.encode("utf-8"), "utf-8 BOM, semicolon"),
        ('Name,Ort,Notiz\nJörg Weißmüller,Wien,"Größe, 182"\n'.encode("cp1252"), "cp1252, comma"),
        ("Name\tOrt\tNotiz\nJörg Weißmüller\tWien\tGröße; 182\n".encode(), "utf-8, tab"),
    ],
)
def test_csv_encodings_and_delimiters(data: bytes, dialect: str) -> None:
    doc = extract(data, "liste.csv")
    assert (doc.extraction_method, doc.page_count) == ("csv_parser", 1)
    lines = doc.pages[0].splitlines()
    assert lines[0] == "Name | Ort | Notiz", dialect
    assert lines[1] in ("Jörg Weißmüller | Wien | Größe; 182", "Jörg Weißmüller | Wien | Größe, 182"), dialect


def test_json_keeps_structure_readable() -> None:
    data = json.dumps(
        {
            "patient": {"name": "Jörg Weißmüller", "telefon": ["+43 1 234", "0664 123"], "alter": 44},
            "befunde": [{"diagnose": "Übelkeit"}],
        },
        ensure_ascii=False,
    ).encode()
    doc = extract(data, "akte.json")
    assert (doc.extraction_method, doc.page_count) == ("json_parser", 1)
    assert doc.pages[0].splitlines() == [
        "patient:",
        "  name: Jörg Weißmüller",
        "  telefon:",
        "    - +43 1 234",
        "    - 0664 123",
        "  alter: 44",
        "befunde:",
        "  -",
        "    diagnose: Übelkeit",
    ]
    error = refusal(b'{"name": "Jorg", ', "akte.json")
    assert (error.status, error.code) == (400, "corrupt_file")
    assert refusal(b"[" * 100_000 + b"]" * 100_000, "tief.json").code == "corrupt_file"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_txt_encoding_detection(encoding: str) -> None:
    text = "Sehr geehrter Herr Weißmüller,\nIhre Befunde (Übelkeit, Schwäche) liegen vor. Grüße aus der Ordination"
    doc = extract(text.encode(encoding), "brief.txt")
    assert (doc.extraction_method, doc.used_ocr, doc.page_count) == ("text", False, 1)
    assert doc.text == text
    assert extract((METADATA / "dirty.txt").read_bytes(), "dirty.txt").text.startswith("I'm a file that")


# ---------------------------------------------------------------- type policy


def test_content_decides_over_the_name(letter_pdf: bytes) -> None:
    assert extract(letter_pdf, "befund.docx").extraction_method == "pdf_parser"
    assert extract(image_bytes(text_image(LETTER[:2]), "PNG"), "befund.pdf").extraction_method == "ocr"
    assert extract(b'{"a": "b"}', "notiz.txt").extraction_method == "json_parser"
    assert extract(b'{"a": "b"}', "daten").extraction_method == "json_parser"
    assert extract(b"a;b\n1;2\n", "daten.csv").extraction_method == "csv_parser"


@pytest.mark.parametrize(
    "data, name, error_type, code",
    [
        (b"", "leer.pdf", InvalidRequest, "empty_file"),
        (b"<html><body>Fehler 500</body></html>", "befund.pdf", InvalidRequest, "file_type_mismatch"),
        (bytes(range(256)) * 8, "befund.pdf", InvalidRequest, "corrupt_file"),
        (b"PK\x03\x04" + b"\0" * 100, "brief.docx", InvalidRequest, "corrupt_file"),
        (bytes(range(256)) * 8, "daten.bin", UnsupportedMediaType, "unsupported_file_type"),
        (b"PK\x05\x06" + b"\0" * 18, "archiv.zip", UnsupportedMediaType, "unsupported_file_type"),
    ],
)
def test_bad_input_gets_its_own_code(data: bytes, name: str, error_type: type, code: str) -> None:
    error = refusal(data, name)
    assert (type(error), error.code, error.param) == (error_type, code, "files")


@pytest.mark.parametrize("name", ["dirty.gif", "dirty.bmp", "dirty.webp"])
def test_images_outside_the_spec_are_unsupported(name: str) -> None:
    error = refusal((METADATA / name).read_bytes(), name)
    assert (error.status, error.code) == (415, "unsupported_file_type")


# ---------------------------------------------------------------- settings and the OCR plug-in point


def test_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAI_EXTRACT_MAX_PAGES", "7")
    monkeypatch.setenv("KAI_EXTRACT_OCR_TIMEOUT_S", "2.5")
    monkeypatch.setenv("KAI_OCR_LANGUAGES", "eng")
    limits = extraction_limits(Settings.from_env())
    assert (limits.max_pages, limits.ocr_timeout_s, limits.ocr_languages) == (7, 2.5, "eng")
    assert limits.max_pixels == ExtractionLimits().max_pixels


def test_another_ocr_engine_plugs_in() -> None:
    """Any object with image_to_text(image, languages) is an OcrEngine (easyocr's adapter is one)."""
    seen: list[tuple[tuple[int, int], str]] = []

    class Recorder:
        def image_to_text(self, image: Image.Image, languages: str) -> str:
            seen.append((image.size, languages))
            return "Frau Ölz"

    image = text_image(LETTER[:1])
    doc = extract_document(image_bytes(image, "PNG"), "x.png", replace(LIMITS, ocr_languages="deu"), Recorder())
    assert doc.text == "Frau Ölz" and seen == [(image.size, "deu")]


def test_ocr_engine_follows_settings(tmp_path: Path) -> None:
    assert isinstance(build_ocr_engine(Settings()), TesseractOcr)
    easy = build_ocr_engine(replace(Settings(), ocr_engine="easyocr", easyocr_model_dir=tmp_path))
    assert isinstance(easy, EasyOcr) and easy.model_dir == tmp_path
    try:
        import easyocr  # noqa: F401
    except ImportError:  # the usual case: easyocr is optional, and says so as a 503
        with pytest.raises(ServiceUnavailable) as caught:
            easy.image_to_text(text_image(LETTER[:1]), "deu+eng")
        assert caught.value.code == "ocr_unavailable"
    with pytest.raises(ValueError):
        build_ocr_engine(replace(Settings(), ocr_engine="abbyy"))


def test_limit_errors_are_413() -> None:
    pages = [[f"Seite {n}"] for n in range(3)]
    error = refusal(text_pdf(pages), "lang.pdf", replace(LIMITS, max_pages=2))
    assert (type(error), error.code) == (PayloadTooLarge, "too_many_pages")
