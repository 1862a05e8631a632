"""POST /documents/redact end to end through HTTP: documents generated here with planted values
(on page 2, in a table, a header and footer, split across runs, in a scan), redacted by the real
pipeline (extraction, detection, each format's redactor, the metadata stripper), then read back
by two independent readers each: none of the planted values may be readable, the text around
them must be, and the file must open in its own library."""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
import re
import shutil
import subprocess
import zipfile
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import xlwt
from docx import Document
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kai_local.documents.ocr import TesseractOcr
from kai_local.settings import Settings
from tests.conftest import Gateway, running_gateway

pytestmark = pytest.mark.anyio

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PATIENT, DOCTOR = "Max Mustermann", "Anna Huber"
PHONE, EMAIL, IBAN = "+43 664 1234567", "max.mustermann@gmx.at", "AT61 1904 3002 3457 3201"
PLANTED = [PATIENT, "Mustermann", DOCTOR, PHONE, EMAIL, IBAN]
KEPT = ["Entlassungsbrief", "Diagnosen", "freundlichen"]  # a diagnosis is PII (medical) itself
PAGE_1 = f"""Entlassungsbrief
Wir berichten über Herrn {PATIENT}, Tel. {PHONE},
E-Mail {EMAIL}.
Diagnosen: arterielle Hypertonie."""
PAGE_2 = f"""Herr Mustermann wurde entlassen. IBAN {IBAN}.
Mit freundlichen Grüßen
OA Dr. {DOCTOR}"""


@pytest.fixture(scope="module")
async def gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    tmp = tmp_path_factory.mktemp("redact")
    (tmp / "models.toml").write_text("")
    settings = replace(
        Settings(), data_dir=tmp / "data", models_file=tmp / "models.toml", models_dir_override=tmp, pii_preload=True
    )
    async with running_gateway(settings) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def key(gw: Gateway) -> str:
    return gw.create_key()


async def redact(gw: Gateway, key: str, filename: str, data: bytes, **fields: Any) -> tuple[bytes, Any]:
    response = await gw.http.post(
        "/documents/redact", headers=gw.headers(key), files={"file": (filename, data)}, data=fields
    )
    assert response.status_code == 200, response.text
    return response.content, response.headers


def readable(text: str, values: list[str]) -> list[str]:
    """The values still readable in `text` (whole words, any case, any whitespace inside)."""
    found = []
    for value in values:
        pattern = r"\s+".join(re.escape(part) for part in value.split())
        if re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
            found.append(value)
    return found


def placeholders_of(headers: Any) -> dict[str, str]:
    encoded = headers["x-placeholders"]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))  # type: ignore[no-any-return]


def text_pdf(pages: list[str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Brief für {PATIENT}")
    pdf.setAuthor("Dr. Huber")
    for page in pages:
        y = 800
        for line in page.splitlines():
            pdf.drawString(50, y, line)
            y -= 16
        pdf.line(50, 100, 500, 100)  # a vector drawing that a kept page keeps
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def scan_png(lines: list[str]) -> bytes:
    image = Image.new("RGB", (1800, 120 + 70 * len(lines)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 70 * i), line, font=font, fill=(0, 0, 80))
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Dr. Huber"  # Artist
    image.save(buffer, format="PNG", dpi=(300, 300), exif=exif)
    return buffer.getvalue()


def pdftotext(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is installed by scripts/test.sh"
    source = tmp_path / "out.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True, check=True).stdout


def raw_pdf_strings(data: bytes) -> str:
    """Every stream of the file decoded, and every string object: what a reader of the raw file
    could find, whatever a text extractor shows."""
    parts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes().decode("latin-1"))
            elif isinstance(obj, pikepdf.Dictionary):
                parts += [str(v) for v in obj.values() if isinstance(v, pikepdf.String)]
    return "\n".join(parts)


def ocr(image: Image.Image) -> str:
    return TesseractOcr().image_to_text(image.convert("L"), "deu+eng")


async def test_a_text_pdf_loses_its_values_and_keeps_its_other_pages_as_text(
    gw: Gateway, key: str, tmp_path: Path
) -> None:
    cover = "Deckblatt\nDieser Bericht umfasst drei Seiten."
    out, headers = await redact(gw, key, "Brief_Max_Mustermann.pdf", text_pdf([cover, PAGE_1, PAGE_2]))
    assert headers["content-type"] == "application/pdf"
    assert "Mustermann" not in headers["content-disposition"]  # the name is sanitized as in anonymize
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        assert len(pdf.pages) == 3
        plumbed = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert "Deckblatt" in (pdf.pages[0].extract_text() or "")  # a page without values: still text
        assert pdf.pages[0].lines  # ... and vector
    poppler = pdftotext(out, tmp_path)
    for reader in (plumbed, poppler, raw_pdf_strings(out)):
        assert readable(reader, PLANTED) == []
    assert "entlassen" in poppler and "freundlichen" in poppler
    # The values' glyphs were cut out of the content streams: every page is still text.
    assert int(headers["x-redactions"]) >= 6 and headers["x-rasterised-pages"] == "0"
    assert "Herr [[NAME_1]] wurde entlassen" in poppler and "[[PHONE_1]]" in poppler
    assert placeholders_of(headers)["[[NAME_1]]"] == PATIENT
    with pikepdf.open(io.BytesIO(out)) as pdf:  # metadata gone (title and author held the name)
        assert "/Title" not in pdf.docinfo and "/Author" not in pdf.docinfo


def form_xobject_pdf() -> bytes:
    """A letterhead drawn as a form XObject, with a name in it: a page the redactor does not
    rewrite, so it takes the raster path."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.beginForm("letterhead")
    pdf.drawString(50, 800, f"Praxis OA Dr. {DOCTOR}, Tel. {PHONE}")
    pdf.endForm()
    pdf.doForm("letterhead")
    pdf.drawString(50, 760, "Sehr geehrte Kollegin, anbei der Befund.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


async def test_a_page_that_cannot_be_rewritten_is_rasterised_under_an_ocr_text_layer(
    gw: Gateway, key: str, tmp_path: Path
) -> None:
    out, headers = await redact(gw, key, "brief.pdf", form_xobject_pdf())
    assert headers["x-rasterised-pages"] == "1"
    poppler = pdftotext(out, tmp_path)
    assert readable(poppler, [DOCTOR, PHONE]) == [] and readable(raw_pdf_strings(out), [DOCTOR, PHONE]) == []
    assert "Kollegin" in poppler  # the OCR text layer of the rendered page
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        assert pdf.pages[0].images and readable(pdf.pages[0].extract_text() or "", [DOCTOR, PHONE]) == []


async def test_a_pdf_exported_by_libreoffice_is_rewritten_in_its_embedded_fonts(
    gw: Gateway, key: str, tmp_path: Path
) -> None:
    source = tmp_path / "brief.docx"
    source.write_bytes(docx_letter())
    exported = export_pdf(source, tmp_path)
    out, headers = await redact(gw, key, "brief.pdf", exported)
    poppler = pdftotext(out, tmp_path)
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        plumbed = "\n".join(page.extract_text() or "" for page in pdf.pages)
    for reader in (poppler, plumbed, raw_pdf_strings(out)):
        assert readable(reader, PLANTED) == []
    assert all(word in poppler for word in KEPT)
    assert int(headers["x-redactions"]) >= 6 and headers["x-rasterised-pages"] == "0"


async def test_a_scan_gets_boxes_over_its_values_and_no_metadata(gw: Gateway, key: str) -> None:
    lines = [f"Patientin: {DOCTOR}", "Befund: siehe Beilage", f"Telefon: {PHONE}"]
    out, headers = await redact(gw, key, "scan.png", scan_png(lines), style="blackout")
    assert headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(out))
    assert image.format == "PNG" and image.mode == "RGB" and not image.getexif() and "dpi" not in image.info
    text = ocr(image)
    assert readable(text, [DOCTOR, "Huber", PHONE]) == []
    assert "Beilage" in text and "Befund" in text
    assert int(headers["x-redactions"]) >= 2
    # The boxes are black pixels where the name stood; the rest of the line is untouched.
    assert image.convert("L").crop((400, 60, 700, 100)).getextrema()[0] == 0


def docx_letter() -> bytes:
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Patient: {PATIENT}"
    section.footer.paragraphs[0].text = f"Rückfragen: {PHONE}"
    document.add_paragraph("Entlassungsbrief")
    split = document.add_paragraph("Wir berichten über Herrn ")
    for piece, bold in (("Max Mu", True), ("ster", False), ("mann", True)):  # one name in three runs
        split.add_run(piece).bold = bold
    split.add_run(", Diagnosen: arterielle Hypertonie.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "E-Mail"
    table.cell(0, 1).text = EMAIL
    document.add_page_break()
    document.add_paragraph(f"IBAN {IBAN}. Mit freundlichen Grüßen, OA Dr. {DOCTOR}")
    document.core_properties.author = "Dr. Anna Huber"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def zip_xml_text(data: bytes) -> str:
    """The text of every XML part, tags removed: a reader that knows nothing of Word's model."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())
    return re.sub(r"<[^>]+>", "", xml)


def converts_with_libreoffice(data: bytes, suffix: str, tmp_path: Path) -> str:
    source = tmp_path / f"redacted{suffix}"
    source.write_bytes(data)
    return pdftotext(export_pdf(source, tmp_path), tmp_path)


def export_pdf(source: Path, tmp_path: Path) -> bytes:
    """`soffice --headless --convert-to pdf`: the PDF LibreOffice makes of an office file."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/test.sh"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return (tmp_path / f"{source.stem}.pdf").read_bytes()


async def test_a_docx_is_redacted_in_its_runs_header_footer_and_table(gw: Gateway, key: str, tmp_path: Path) -> None:
    out, headers = await redact(gw, key, "brief.docx", docx_letter())
    assert headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = docx_text(out)
    assert readable(text, PLANTED) == [] and readable(zip_xml_text(out), PLANTED + ["Huber"]) == []
    assert all(word in text for word in KEPT)
    assert "[[NAME_1]]" in text and "[[PHONE_1]]" in zip_xml_text(out)
    assert not Document(io.BytesIO(out)).core_properties.author  # the metadata stripper ran
    with zipfile.ZipFile(io.BytesIO(out)) as package:
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in package.infolist())
    runs = Document(io.BytesIO(out)).paragraphs[1].runs
    assert any(run.bold and "[[NAME_1]]" in run.text for run in runs)  # the first run's formatting kept
    assert readable(converts_with_libreoffice(out, ".docx", tmp_path), PLANTED) == []


async def test_csv_keeps_its_columns_and_quoting(gw: Gateway, key: str) -> None:
    rows = [
        ["Name", "Telefon", "Befund"],
        [PATIENT, PHONE, "Kontrolle; in drei Monaten"],
        ["Herr Mustermann", "", "ok"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    out, headers = await redact(gw, key, "liste.csv", buffer.getvalue().encode("cp1252"))
    text = out.decode("cp1252")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [len(row) for row in parsed] == [3, 3, 3] and parsed[1][2] == "Kontrolle; in drei Monaten"
    assert text.startswith('"Name";"Telefon";"Befund"')  # the same quoting
    assert readable(text, [PATIENT, "Mustermann", PHONE]) == []
    assert headers["content-type"].startswith("text/csv")


async def test_json_stays_valid_with_its_structure_keys_included(gw: Gateway, key: str) -> None:
    document = {"patient": {"name": PATIENT, "phone": PHONE}, PATIENT: ["Befund: unauffällig", 42], "ok": True}
    out, _ = await redact(gw, key, "akte.json", json.dumps(document, ensure_ascii=False, indent=2).encode())
    parsed = json.loads(out)
    assert set(parsed) == {"patient", "[[NAME_1]]", "ok"} and parsed["ok"] is True
    assert parsed["patient"] == {"name": "[[NAME_1]]", "phone": "[[PHONE_1]]"}
    assert parsed["[[NAME_1]]"] == ["Befund: unauffällig", 42]
    assert out.decode().startswith('{\n  "patient"')  # its indentation kept


async def test_txt_blackout_and_the_json_answer(gw: Gateway, key: str) -> None:
    letter = (PAGE_1 + "\n" + PAGE_2).encode()
    response = await gw.http.post(
        "/documents/redact",
        headers={**gw.headers(key), "Accept": "application/json"},
        files={"file": ("brief.txt", letter)},
        data={"style": "blackout"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    text = base64.b64decode(body["file"]).decode()
    assert readable(text, PLANTED) == [] and "\u2588" * len(PATIENT) in text
    assert body["filename"] == "brief.txt" and body["content_type"].startswith("text/plain")
    assert body["redactions"] >= 6 and body["placeholders"]["[[NAME_1]]"] == PATIENT


async def test_bad_input_gets_a_clear_error(gw: Gateway, key: str) -> None:
    async def error(files: Any, data: Any = None) -> tuple[int, dict[str, Any]]:
        response = await gw.http.post("/documents/redact", headers=gw.headers(key), files=files, data=data)
        return response.status_code, response.json()["error"]

    status, body = await error({"file": ("a.txt", b"Max Mustermann")}, {"style": "pink"})
    assert status == 400 and body["param"] == "style" and body["code"] == "invalid_value"
    status, body = await error({"file": ("a.txt", b"")})
    assert status == 400 and body["code"] == "empty_file"
    status, body = await error({"file": ("a.pdf", b"%PDF-1.7 not really")})
    assert status == 400
    status, body = await error({"files": ("a.txt", b"x")})
    assert status == 400 and body["param"] == "file"
    workbook = xlwt.Workbook()
    workbook.add_sheet("Blatt").write(0, 0, PATIENT)
    legacy = io.BytesIO()
    workbook.save(legacy)
    status, body = await error({"file": ("alt.xls", legacy.getvalue())})
    assert status == 415 and "XLSX" in body["message"]


def scan_image(lines: list[str], size: tuple[int, int] = (1800, 400)) -> Image.Image:
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 70 * i), line, font=font, fill=(0, 0, 0))
    return image


def pictures_of(data: bytes) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [package.read(n) for n in package.namelist() if "/media/" in n]


async def test_a_scan_pasted_into_a_docx_is_redacted_in_its_pixels(gw: Gateway, key: str) -> None:
    document = Document()
    document.add_paragraph("Sehr geehrte Kollegin, anbei der Vorbefund:")
    picture = io.BytesIO()
    scan_image([f"Patientin: {DOCTOR}", "Befund: siehe Beilage"]).save(picture, format="PNG")
    document.add_picture(picture)
    buffer = io.BytesIO()
    document.save(buffer)
    out, headers = await redact(gw, key, "zuweisung.docx", buffer.getvalue())
    [picture_out] = pictures_of(out)
    text = ocr(Image.open(io.BytesIO(picture_out)))
    assert readable(text, [DOCTOR, "Huber"]) == [] and "Beilage" in text
    assert "Kollegin" in docx_text(out) and int(headers["x-redactions"]) >= 1


async def test_a_pptx_and_an_xlsx_open_in_their_libraries_and_in_libreoffice(
    gw: Gateway, key: str, tmp_path: Path
) -> None:
    from openpyxl import Workbook, load_workbook
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = f"Fallbesprechung {PATIENT}"
    slide.placeholders[1].text = f"Entlassungsbrief, Rückfragen: {PHONE}"
    slide.notes_slide.notes_text_frame.text = f"Vortragende: OA Dr. {DOCTOR}"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Diagnosen"
    second.placeholders[1].text = f"E-Mail {EMAIL}"
    buffer = io.BytesIO()
    deck.save(buffer)
    out, _ = await redact(gw, key, "fall.pptx", buffer.getvalue())
    reopened = Presentation(io.BytesIO(out))
    shown = "\n".join(
        shape.text_frame.text for slide in reopened.slides for shape in slide.shapes if shape.has_text_frame
    )
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in reopened.slides if s.has_notes_slide)
    assert readable(shown + notes, PLANTED) == [] and "Diagnosen" in shown and "[[NAME_" in notes
    assert readable(converts_with_libreoffice(out, ".pptx", tmp_path), PLANTED) == []

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Befunde"
    sheet.append(["Name", "Telefon", "Diagnosen"])
    sheet.append([PATIENT, PHONE, "Kontrolle"])
    other = workbook.create_sheet("Kontakte")
    other["A1"] = f"OA Dr. {DOCTOR}"
    other["B1"] = EMAIL
    buffer = io.BytesIO()
    workbook.save(buffer)
    out, _ = await redact(gw, key, "liste.xlsx", buffer.getvalue())
    reopened_book = load_workbook(io.BytesIO(out))
    cells = "\n".join(str(c.value) for ws in reopened_book for row in ws.iter_rows() for c in row if c.value)
    assert (
        readable(cells, PLANTED) == [] and "Diagnosen" in cells and reopened_book.sheetnames == ["Befunde", "Kontakte"]
    )
    assert readable(converts_with_libreoffice(out, ".xlsx", tmp_path), PLANTED) == []


async def test_a_scanned_pdf_page_and_a_multipage_tiff_are_boxed_by_ocr(gw: Gateway, key: str, tmp_path: Path) -> None:
    lines = [f"Patientin: {DOCTOR}", "Befund: siehe Beilage", f"Telefon: {PHONE}"]
    page = scan_image(lines, (1800, 2400))
    scanned = io.BytesIO()
    page.save(scanned, format="PDF", resolution=200)
    out, headers = await redact(gw, key, "scan.pdf", scanned.getvalue())
    assert headers["x-rasterised-pages"] == "1"
    poppler = pdftotext(out, tmp_path)
    assert readable(poppler, [DOCTOR, PHONE]) == [] and "Beilage" in poppler  # the new OCR text layer

    frames = [scan_image(lines), scan_image(["Seite 2", f"Rückruf an {PHONE}"])]
    tiff = io.BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    out, headers = await redact(gw, key, "scan.tiff", tiff.getvalue(), style="blackout")
    image = Image.open(io.BytesIO(out))
    assert image.format == "TIFF" and getattr(image, "n_frames", 1) == 2
    for index in range(2):
        image.seek(index)
        assert readable(ocr(image.copy()), [DOCTOR, PHONE]) == []
    assert int(headers["x-redactions"]) >= 3

    jpeg = io.BytesIO()
    frames[0].save(jpeg, format="JPEG", quality=95)
    out, headers = await redact(gw, key, "scan.jpg", jpeg.getvalue())
    assert headers["content-type"] == "image/jpeg"
    assert readable(ocr(Image.open(io.BytesIO(out))), [DOCTOR, PHONE]) == []


async def test_annotations_and_outlines_that_show_a_value_are_removed(gw: Gateway, key: str) -> None:
    with pikepdf.open(io.BytesIO(text_pdf([PAGE_1, "Anhang ohne Namen"]))) as pdf:
        for page, note in zip(pdf.pages, (f"Rückruf {PATIENT}", "Seite geprüft"), strict=True):
            page.obj.Annots = pdf.make_indirect(
                pikepdf.Array(
                    [
                        pikepdf.Dictionary(
                            Type=pikepdf.Name.Annot,
                            Subtype=pikepdf.Name.Text,
                            Rect=[50, 50, 70, 70],
                            Contents=pikepdf.String(note),
                        )
                    ]
                )
            )
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem(f"Brief an {PATIENT}", 0))
        buffer = io.BytesIO()
        pdf.save(buffer)
    out, _ = await redact(gw, key, "brief.pdf", buffer.getvalue())
    assert readable(raw_pdf_strings(out), [PATIENT, "Mustermann"]) == []
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert "/Outlines" not in pdf.Root
        assert [str(a.Contents) for a in pdf.pages[1].obj.get("/Annots", [])] == ["Seite geprüft"]  # kept: no value


async def test_a_form_field_that_holds_a_value_is_removed(gw: Gateway, key: str) -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(50, 800, "Zuweisung an die Ambulanz")
    pdf.acroForm.textfield(name="patient", value=f"Herr {PATIENT}", x=50, y=700, width=300, height=20)
    pdf.showPage()
    pdf.save()
    out, _ = await redact(gw, key, "formular.pdf", buffer.getvalue())
    assert readable(raw_pdf_strings(out), [PATIENT, "Mustermann"]) == []
    with pikepdf.open(io.BytesIO(out)) as redacted:
        assert "/AcroForm" not in redacted.Root
        assert all(a.get("/Subtype") != "/Widget" for a in redacted.pages[0].obj.get("/Annots", []))


async def test_nothing_of_the_document_reaches_log_or_usage_and_the_call_is_counted(
    gw: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    key = gw.create_key()
    caplog.set_level(logging.DEBUG)
    await redact(gw, key, "Brief_Max_Mustermann.pdf", text_pdf([PAGE_1, PAGE_2]))
    await redact(gw, key, "brief.docx", docx_letter())
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert readable(logged, PLANTED) == []
    record = gw.services.store.find_key(key, "2000-01")
    rows = list(gw.services.store.usage_rows(record.key.id))
    assert readable(" ".join(map(str, rows)), PLANTED) == []
    assert [(row[1], row[3]) for row in rows] == [("documents_anonymize", 2)]  # counted like anonymize
    usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
    assert (usage["total_requests"], usage["total_ok"]) == (2, 2)
