"""DOCX, PPTX and XLSX redacted in their own XML (kai_local.documents.redact.office), on files
written here with python-docx, python-pptx and openpyxl with values planted where they hide:
split across runs of different formatting, in headers, footers, tables, comments, notes,
charts, sheet names, formulas and alternative text. The result is checked two ways that do not
share the redactor's code: the file's own library reads it back, and every XML part's text
(raw, and with the tags stripped so that split runs join again) is searched for the values."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import openpyxl
import pptx
import pytest
from docx.oxml import parse_xml
from docx.shared import Inches
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches as PptxInches

from kai_local.documents.metadata.ooxml import _parse, _read_zip
from kai_local.documents.redact.matching import BLOCK, Replacer
from kai_local.documents.redact.office import _may_hold_text, _redact_tree, redact_package
from kai_local.errors import InvalidRequest

ANNA = "Anna Huber"
JOSEF = "Josef Gruber"
PHONE = "+43 316 385 12345"
EMAIL = "anna.huber@example.at"
SVNR = "1237 030751"
SURFACES = {
    ANNA: "[[NAME_1]]",
    JOSEF: "[[NAME_2]]",
    PHONE: "[[PHONE_1]]",
    EMAIL: "[[EMAIL_1]]",
    SVNR: "[[SVNR_1]]",
}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _replacer(style: str = "placeholder") -> Replacer:
    return Replacer(SURFACES, style)


# --- independent checks ------------------------------------------------------------------


def _xml_parts(data: bytes) -> Iterator[tuple[str, str]]:
    """(name, text) of every XML part, also of office files embedded in the package."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            body = archive.read(name)
            if body.startswith(b"PK\x03\x04"):
                yield from ((f"{name}!{inner}", text) for inner, text in _xml_parts(body))
            elif name.endswith((".xml", ".rels", ".vml")):
                yield name, body.decode("utf-8")


def _value_pattern(value: str) -> re.Pattern[str]:
    # Not the redactor's Replacer: the words of the value with any whitespace (or none) between.
    return re.compile(r"\s*".join(re.escape(word) for word in value.split()), re.IGNORECASE)


def _assert_no_value_in_xml(data: bytes) -> None:
    for name, xml in _xml_parts(data):
        joined = html.unescape(re.sub(r"<[^>]+>", "", xml))  # like docx2txt: runs join again
        spaced = html.unescape(re.sub(r"<[^>]+>", " ", xml))
        for value in SURFACES:
            for text in (xml, html.unescape(xml), joined, spaced):
                assert not _value_pattern(value).search(text), f"{value!r} is still in {name}"
        assert "huber" not in joined.lower() and "gruber" not in joined.lower(), name


def _assert_no_value_in(text: str) -> None:
    for value in SURFACES:
        assert not _value_pattern(value).search(text), f"{value!r} is still readable"


def _png() -> io.BytesIO:
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(image, "PNG")
    image.seek(0)
    return image


# --- DOCX --------------------------------------------------------------------------------

DOCX_PLANTED = 10


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(f"Vertrag zwischen {ANNA} und {JOSEF}.")
    split = document.add_paragraph("Kundin: ")
    first = split.add_run("An")
    first.bold = True
    split.add_run("na Hu").italic = True
    split.add_run("ber")
    split.add_run(" (Stammkundin)")
    tabbed = document.add_paragraph("Ansprechperson ").add_run("Anna")
    tabbed.add_tab()
    tabbed.add_text("Huber")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Telefon"
    table.cell(0, 1).text = PHONE
    table.cell(1, 0).text = "E-Mail"
    table.cell(1, 1).text = f"Mail an {EMAIL} bitte"
    section = document.sections[0]
    section.header.paragraphs[0].text = f"Akte {JOSEF}"
    section.footer.paragraphs[0].text = f"SVNR {SVNR} vertraulich"
    commented = document.add_paragraph("Bitte zurückrufen.")
    document.add_comment(commented.runs, text=f"Rückruf an {ANNA}", author="Sachbearbeitung", initials="SB")
    document.add_picture(_png(), width=Inches(0.5))
    document.inline_shapes[0]._inline.docPr.set("descr", f"Foto von {JOSEF}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_text(document: Any) -> str:
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    lines += [comment.text for comment in document.comments]
    lines += [shape._inline.docPr.get("descr") or "" for shape in document.inline_shapes]
    return "\n".join(lines)


def test_docx_values_are_replaced_everywhere_and_the_file_still_opens() -> None:
    original = _docx()
    assert ANNA in _docx_text(docx.Document(io.BytesIO(original)))

    redacted, count = redact_package(original, _replacer())

    assert count == DOCX_PLANTED
    document = docx.Document(io.BytesIO(redacted))
    text = _docx_text(document)
    _assert_no_value_in(text)
    _assert_no_value_in_xml(redacted)
    for kept in ("Vertrag zwischen", "(Stammkundin)", "Ansprechperson", "Telefon", "bitte", "Akte", "vertraulich"):
        assert kept in text
    assert "Rückruf an [[NAME_1]]" in text
    assert "Foto von [[NAME_2]]" in text
    assert "Vertrag zwischen [[NAME_1]] und [[NAME_2]]." in text
    assert f"Mail an {SURFACES[EMAIL]} bitte" in text
    assert SURFACES[PHONE] in text and f"SVNR {SURFACES[SVNR]} vertraulich" in text
    assert "Ansprechperson [[NAME_1]]" in text  # the tab inside the value went with it


def test_docx_value_split_across_runs_keeps_the_first_runs_formatting() -> None:
    redacted, _ = redact_package(_docx(), _replacer())

    paragraph = next(p for p in docx.Document(io.BytesIO(redacted)).paragraphs if p.text.startswith("Kundin"))
    runs = paragraph.runs
    assert paragraph.text == "Kundin: [[NAME_1]] (Stammkundin)"
    assert (runs[1].text, runs[1].bold) == ("[[NAME_1]]", True)
    assert runs[2].text == "" and runs[2].italic is True
    assert runs[3].text == ""
    preserved = runs[1]._r.find(f"{{{W_NS}}}t").get("{http://www.w3.org/XML/1998/namespace}space")
    assert preserved == "preserve"


def test_docx_untouched_entries_stay_byte_identical() -> None:
    original = _docx()
    redacted, _ = redact_package(original, _replacer())
    with zipfile.ZipFile(io.BytesIO(original)) as before, zipfile.ZipFile(io.BytesIO(redacted)) as after:
        assert sorted(before.namelist()) == sorted(after.namelist())
        changed = {name for name in before.namelist() if before.read(name) != after.read(name)}
        # Stored: the package goes on to the metadata stripper, which deflates what is returned.
        assert all(info.compress_type == zipfile.ZIP_STORED for info in after.infolist())
    assert changed == {"word/document.xml", "word/header1.xml", "word/footer1.xml", "word/comments.xml"}


def test_docx_tracked_changes_are_redacted_in_the_text_now_and_before() -> None:
    document = docx.Document()
    body = document.element.body
    paragraph = parse_xml(
        f'<w:p xmlns:w="{W_NS}"><w:r><w:t xml:space="preserve">Vertrag mit Anna </w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>Maier</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>Huber</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve">, früher </w:t></w:r>'
        '<w:del w:id="3" w:author="x"><w:r><w:delText>Josef Gr</w:delText></w:r></w:del>'
        '<w:r><w:t xml:space="preserve">uber, </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:{EMAIL}" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Mail</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    body.insert(0, paragraph)
    out = io.BytesIO()
    document.save(out)

    redacted, count = redact_package(out.getvalue(), _replacer())

    # now: "Vertrag mit Anna Huber, früher uber, Mail"; before: "... Anna Maier, früher Josef Gruber, Mail";
    # the field code holds the e-mail address
    assert count == 3
    _assert_no_value_in_xml(redacted)
    xml = zipfile.ZipFile(io.BytesIO(redacted)).read("word/document.xml").decode()
    assert "Maier" in xml and "Mail" in xml and "[[NAME_1]]" in xml and "[[NAME_2]]" in xml
    assert 'HYPERLINK "mailto:[[EMAIL_1]]"' in xml
    docx.Document(io.BytesIO(redacted))


def test_docx_hyperlink_target_is_redacted_and_percent_encoded() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Schreiben Sie an ")
    rid = document.part.relate_to(
        f"mailto:{EMAIL}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", True
    )
    link = parse_xml(
        f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        f' r:id="{rid}" w:tooltip="{JOSEF}"><w:r><w:t>uns</w:t></w:r></w:hyperlink>'
    )
    paragraph._p.append(link)
    out = io.BytesIO()
    document.save(out)

    redacted, count = redact_package(out.getvalue(), _replacer())

    assert count == 2
    _assert_no_value_in_xml(redacted)
    rels = zipfile.ZipFile(io.BytesIO(redacted)).read("word/_rels/document.xml.rels").decode()
    assert 'Target="mailto:%5B%5BEMAIL_1%5D%5D"' in rels
    docx.Document(io.BytesIO(redacted))


def test_blackout_gives_blocks_as_long_as_the_value() -> None:
    redacted, count = redact_package(_docx(), _replacer("blackout"))

    assert count == DOCX_PLANTED
    document = docx.Document(io.BytesIO(redacted))
    text = _docx_text(document)
    _assert_no_value_in(text)
    _assert_no_value_in_xml(redacted)
    assert f"Vertrag zwischen {BLOCK * len(ANNA)} und {BLOCK * len(JOSEF)}." in text
    assert f"SVNR {BLOCK * len(SVNR)} vertraulich" in text
    split = next(p for p in document.paragraphs if p.text.startswith("Kundin"))
    assert split.runs[1].text == BLOCK * len(ANNA) and split.runs[1].bold
    assert "[[" not in text


# --- PPTX --------------------------------------------------------------------------------

PPTX_PLANTED = 12


def _pptx() -> bytes:
    presentation = pptx.Presentation()
    first = presentation.slides.add_slide(presentation.slide_layouts[1])
    first.shapes.title.text = f"Besprechung mit {ANNA}"
    first.placeholders[1].text_frame.text = f"Telefon: {PHONE}\nE-Mail: {EMAIL}"
    first.notes_slide.notes_text_frame.text = f"Nicht vergessen: {JOSEF} anrufen"
    second = presentation.slides.add_slide(presentation.slide_layouts[6])
    box = second.shapes.add_textbox(PptxInches(1), PptxInches(1), PptxInches(6), PptxInches(1))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.text = f"SVNR {SVNR} gehört "
    split = paragraph.add_run()
    split.text = "Ann"
    split.font.bold = True
    paragraph.add_run().text = "a Huber"
    paragraph.add_run().text = " (Kundin)"
    table = second.shapes.add_table(2, 2, PptxInches(1), PptxInches(3), PptxInches(4), PptxInches(1)).table
    table.cell(0, 0).text = "Betreuer"
    table.cell(0, 1).text = JOSEF
    data = CategoryChartData()
    data.categories = [ANNA, JOSEF]
    data.add_series("Umsatz", (3, 5))
    chart = second.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, PptxInches(5), PptxInches(3), PptxInches(4), PptxInches(3), data
    ).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = f"Umsatz {JOSEF}"
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def _pptx_text(presentation: Any) -> str:
    lines = []
    for slide in presentation.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if shape.has_table:
                lines += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                lines.append(shape.chart.chart_title.text_frame.text)
                lines += [str(c) for c in shape.chart.plots[0].categories]
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(lines)


def test_pptx_values_are_replaced_on_slides_notes_tables_and_charts() -> None:
    original = _pptx()
    assert JOSEF in _pptx_text(pptx.Presentation(io.BytesIO(original)))

    redacted, count = redact_package(original, _replacer())

    # 6 in slide text, 1 in the table, 5 in the chart: its title, the two cached category
    # labels and the same two in the chart's embedded workbook
    assert count == PPTX_PLANTED
    presentation = pptx.Presentation(io.BytesIO(redacted))
    text = _pptx_text(presentation)
    _assert_no_value_in(text)
    _assert_no_value_in_xml(redacted)
    assert "Besprechung mit [[NAME_1]]" in text
    assert "Telefon: [[PHONE_1]]\nE-Mail: [[EMAIL_1]]" in text
    assert "Nicht vergessen: [[NAME_2]] anrufen" in text
    assert "SVNR [[SVNR_1]] gehört [[NAME_1]] (Kundin)" in text
    assert "Umsatz [[NAME_2]]" in text and "Betreuer" in text
    assert list(presentation.slides[1].shapes[2].chart.plots[0].categories) == ["[[NAME_1]]", "[[NAME_2]]"]
    runs = presentation.slides[1].shapes[0].text_frame.paragraphs[0].runs
    assert (runs[1].text, runs[1].font.bold) == ("[[NAME_1]]", True)
    embedded = next(name for name, _ in _xml_parts(redacted) if "!xl/sharedStrings.xml" in name)
    workbook = zipfile.ZipFile(io.BytesIO(redacted)).read(embedded.split("!")[0])
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    assert [sheet.cell(row, 1).value for row in (2, 3)] == ["[[NAME_1]]", "[[NAME_2]]"]


# --- XLSX --------------------------------------------------------------------------------

XLSX_PLANTED = 11


def _xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    customers = workbook.active
    customers.title = "Kunden"
    customers.append(["Name", ANNA, 3])
    customers.append(["Telefon", PHONE, 5])
    customers.append([f"Kontakt: {EMAIL}", "ok", 7])
    customers["D1"] = f"='{ANNA}'!A1"
    customers["B1"].comment = Comment(f"Rückfrage bei {ANNA}", "Sachbearbeitung")
    customers.oddHeader.center.text = f"Akte {JOSEF}"
    chart = BarChart()
    chart.title = f"Umsatz {JOSEF}"
    chart.add_data(Reference(customers, min_col=3, min_row=1, max_row=3))
    customers.add_chart(chart, "F2")
    person = workbook.create_sheet(ANNA)
    person["A1"] = f"Betreuer: {JOSEF}"
    person["A2"] = SVNR
    workbook.defined_names["Kontakt"] = DefinedName("Kontakt", attr_text=f"'{ANNA}'!$A$1")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_text(workbook: Any) -> str:
    lines = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        lines += [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
        lines += [cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment]
        lines.append(sheet.oddHeader.center.text or "")
    lines += [name.attr_text for name in workbook.defined_names.values()]
    return "\n".join(lines)


def test_xlsx_values_are_replaced_in_cells_sheet_names_comments_and_charts() -> None:
    original = _xlsx()
    assert ANNA in openpyxl.load_workbook(io.BytesIO(original)).sheetnames

    redacted, count = redact_package(original, _replacer())

    # 3 cells + 2 cells + the sheet's name + the formula and the defined name that refer to it
    # + the comment + the chart title + the header
    assert count == XLSX_PLANTED
    workbook = openpyxl.load_workbook(io.BytesIO(redacted))
    text = _xlsx_text(workbook)
    _assert_no_value_in(text)
    _assert_no_value_in_xml(redacted)
    assert workbook.sheetnames == ["Kunden", "NAME_1"]  # a sheet name cannot hold '[' or ']'
    customers, person = workbook["Kunden"], workbook["NAME_1"]
    assert [customers["B1"].value, customers["B2"].value, customers["A3"].value] == [
        "[[NAME_1]]",
        "[[PHONE_1]]",
        "Kontakt: [[EMAIL_1]]",
    ]
    assert customers["D1"].value == "='NAME_1'!A1"
    assert workbook.defined_names["Kontakt"].attr_text == "'NAME_1'!$A$1"
    assert customers["B1"].comment.text == "Rückfrage bei [[NAME_1]]"
    assert customers.oddHeader.center.text == "Akte [[NAME_2]]"
    assert [person["A1"].value, person["A2"].value] == ["Betreuer: [[NAME_2]]", "[[SVNR_1]]"]
    assert customers["A1"].value == "Name" and customers["C2"].value == 5
    charts = [xml for name, xml in _xml_parts(redacted) if name.startswith("xl/charts/")]
    assert any("Umsatz [[NAME_2]]" in xml for xml in charts)


def test_xlsx_number_that_is_a_value_becomes_an_inline_string() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["SVNR", 1237030751, 42])
    out = io.BytesIO()
    workbook.save(out)

    redacted, count = redact_package(out.getvalue(), Replacer({"1237030751": "[[SVNR_1]]"}))

    assert count == 1
    sheet = openpyxl.load_workbook(io.BytesIO(redacted)).active
    assert [cell.value for cell in sheet[1]] == ["SVNR", "[[SVNR_1]]", 42]


def test_xlsx_header_codes_inside_a_value_go_with_it() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.oddFooter.left.text = "Anna &BHuber"  # bold from the middle of the name on
    sheet.oddFooter.right.text = "Seite &[Page]"
    out = io.BytesIO()
    workbook.save(out)
    page = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.oddFooter.right.text

    redacted, count = redact_package(out.getvalue(), _replacer())

    assert count == 1
    _assert_no_value_in_xml(redacted)
    footer = openpyxl.load_workbook(io.BytesIO(redacted)).active.oddFooter
    assert footer.left.text == "[[NAME_1]]"
    assert footer.right.text == page


# --- packages in general ----------------------------------------------------------------


def test_package_without_values_is_returned_unchanged() -> None:
    original = _docx()
    assert redact_package(original, Replacer({"Maximilian Mustermann": "[[NAME_9]]"})) == (original, 0)
    assert redact_package(original, Replacer({})) == (original, 0)


def _with_part(data: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, body if info.filename == name else source.read(info.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "part"),
    [(_docx, "word/document.xml"), (_pptx, "ppt/slides/slide1.xml"), (_xlsx, "xl/worksheets/sheet2.xml")],
)
def test_malformed_part_is_refused_with_invalid_request(make: Any, part: str) -> None:
    broken = _with_part(make(), part, b"<?xml version='1.0'?><root><p>Anna Huber</root>")

    with pytest.raises(InvalidRequest) as refused:
        redact_package(broken, _replacer())

    assert part in refused.value.message and "not well-formed XML" in refused.value.message


@pytest.mark.parametrize("make", [_docx, _pptx, _xlsx])
def test_a_part_left_unparsed_is_one_the_walk_would_not_change(make: Any) -> None:
    """The byte test that spares styles, fonts and themes their parse must never skip a part
    the walk changes: every part is walked here, skipped or not."""
    skipped = []
    for name, body in _read_zip(make()).items():
        if not name.endswith(".xml") or name == "[Content_Types].xml":
            continue
        if not _may_hold_text(body):
            skipped.append(name)
            assert _redact_tree(_parse(name, body), _replacer(), {}) == 0, name
    assert skipped  # the test would prove nothing if every part were walked


@pytest.mark.parametrize(
    "body",
    [
        f'<w:ftr xmlns:w="{W_NS}"><w:p><w:r><w:t>Anna Huber</w:t></w:r></w:p></w:ftr>'.encode(),
        f'<x:ftr xmlns:x="{W_NS}"><x:p/></x:ftr>'.encode(),  # any prefix
        b'<ftr xmlns="urn:x"><p>Anna Huber</p></ftr>',  # the default namespace
        f'<w:styles xmlns:w="{W_NS}"><w:ins w:author="Anna Huber"/></w:styles>'.encode(),
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>',
        # names the bytes cannot show: another encoding, a namespace written with character references
        f'<?xml version="1.0" encoding="UTF-16"?><w:styles xmlns:w="{W_NS}"/>'.encode("utf-16"),
        b'<x:coreProperties xmlns:x="&#104;ttp://purl.org/dc/elements/1.1/"><x:creator>Anna</x:creator></x:coreProperties>',
        b'<!DOCTYPE x [<!ENTITY e "Anna Huber">]><x>&e;</x>',
        # UTF-16 without a byte order mark; a prefix with letters beyond ASCII (found by a review)
        f'<?xml version="1.0" encoding="UTF-16"?><w:ftr xmlns:w="{W_NS}"><w:p/></w:ftr>'.encode("utf-16-le"),
        f'<é:ftr xmlns:é="{W_NS}"><é:p><é:r><é:t>Anna Huber</é:t></é:r></é:p></é:ftr>'.encode(),
        '<x xmlns:é="urn:x"><é:docPr descr="Anna Huber"/></x>'.encode(),
    ],
)
def test_a_part_that_may_hold_text_is_parsed(body: bytes) -> None:
    assert _may_hold_text(body)


def test_a_styles_part_is_not_parsed() -> None:
    body = f'<w:styles xmlns:w="{W_NS}"><w:style w:styleId="x"><w:name w:val="heading 1"/><w:rsid w:val="00A1"/></w:style></w:styles>'
    assert not _may_hold_text(body.encode())


def test_part_with_a_dtd_and_a_damaged_zip_are_refused() -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "Anna Huber">]><x>&e;</x>'
    with pytest.raises(InvalidRequest, match="DTD"):
        redact_package(_with_part(_docx(), "word/document.xml", doctype), _replacer())
    with pytest.raises(InvalidRequest, match="damaged"):
        redact_package(_docx()[:-200], _replacer())
