"""POST /documents/anonymize end to end through HTTP: real extraction (PDF, DOCX, a scanned
image through tesseract), real detection, placeholders, the error envelope for bad input, the
permission, the `ai` strategy (with a chat engine registered through the engine registry: this
is about the route's merge, not about a model), and that no document content reaches the log or
the usage store.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from docx import Document
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from kai_local.documents.pii import PII_TYPES
from kai_local.engines.chat.base import ChatDelta, ChatEvent, ChatRequest, ChatUsage
from kai_local.engines.registry import register_engine
from kai_local.settings import Settings
from tests.conftest import Gateway, running_gateway
from tests.fakes import EchoChatEngine

pytestmark = pytest.mark.anyio

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LETTER = """Entlassungsbrief

Wir berichten über Herrn Max Mustermann, geb. 12.03.1965, SVNR 1237 010180,
wohnhaft Hauptstraße 12/3, 8010 Graz, Tel. +43 664 1234567, E-Mail max.mustermann@gmx.at.
Diagnosen: Diabetes mellitus Typ 2 (E11.9), arterielle Hypertonie.
Herr Mustermann wurde am 10.04.2024 entlassen. IBAN AT61 1904 3002 3457 3201.

Mit freundlichen Grüßen
OA Dr. Anna Huber"""
SECRETS = [
    "Max Mustermann",
    "Mustermann",
    "12.03.1965",
    "1237 010180",
    "Hauptstraße 12/3",
    "8010 Graz",
    "+43 664 1234567",
    "max.mustermann@gmx.at",
    "Diabetes mellitus Typ 2",
    "AT61 1904 3002 3457 3201",
    "Anna Huber",
]


class HintEngine(EchoChatEngine):
    """A chat model that 'finds' the pet's name the rules cannot know, and invents one value."""

    calls = 0

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        type(self).calls += 1
        prompt = request.messages[-1].content
        assert request.sampling.max_tokens is not None  # the ai strategy always bounds the answer
        assert "Max Mustermann" not in prompt  # the rules' findings are masked before the model sees them
        yield ChatDelta(0, "name: Zorro\nname: Erika Erfunden\nemail: [[EMAIL]]\nfoo: bar\n", "stop")
        yield ChatUsage(prompt_tokens=len(prompt.split()), completion_tokens=12)


register_engine("test-pii-hints", HintEngine)

MODELS_TOML = """
[models."pii-hints"]
kind = "chat"
engine = "test-pii-hints"
weights = "{models_dir}"
"""


@pytest.fixture(scope="module")
async def gw(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Gateway]:
    tmp = tmp_path_factory.mktemp("pii-api")
    (tmp / "models.toml").write_text(MODELS_TOML)
    settings = replace(
        Settings(), data_dir=tmp / "data", models_file=tmp / "models.toml", models_dir_override=tmp, pii_preload=True
    )
    async with running_gateway(settings) as gateway:
        yield gateway


@pytest.fixture(scope="module")
def key(gw: Gateway) -> str:
    return gw.create_key()


async def anonymize(gw: Gateway, key: str, filename: str, data: bytes, **fields: Any) -> Any:
    response = await gw.http.post(
        "/documents/anonymize", headers=gw.headers(key), files={"files": (filename, data)}, data=fields
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "list" and len(body["data"]) == 1
    return body["data"][0]


def pdf_bytes(pages: list[str]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in pages:
        y = 800
        for line in page.splitlines():
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(text: str) -> bytes:
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Hausärztin"
    table.cell(0, 1).text = "Dr. Sabine Leitner"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def scan_bytes(lines: list[str]) -> bytes:
    image = Image.new("L", (1700, 120 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 70 * i), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def assert_no_secrets(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert not re.search(r"(?<!\w)" + re.escape(secret) + r"(?!\w)", text), secret


async def test_pdf_two_pages(gw: Gateway, key: str) -> None:
    first, second = LETTER.split("Herr Mustermann wurde")
    data = await anonymize(gw, key, "Befund_Max_Mustermann.pdf", pdf_bytes([first, "Herr Mustermann wurde" + second]))
    text = data["sanitized_text"]
    assert_no_secrets(text, SECRETS)
    placeholders = data["placeholders"]
    assert placeholders["[[NAME_1]]"] == "Max Mustermann"  # numbered by first appearance ...
    assert placeholders["[[NAME_2]]"] == "Anna Huber"
    assert text.count("[[NAME_1]]") == 2  # ... and "Herr Mustermann" on page 2 is the same person
    assert placeholders["[[IBAN_1]]"] == "AT61 1904 3002 3457 3201"
    assert "[[HEALTHCARE_NUMBER_1]]" in text and "[[DOB_1]]" in text and "[[MEDICAL_1]]" in text
    assert "10.04.2024" in text  # a discharge date is no date of birth
    assert data["original_filename"] == "Befund_Max_Mustermann.pdf"
    assert data["sanitized_filename"] == "Befund_[[NAME_1]].pdf"
    assert data["metadata"] == {
        "extraction_method": data["metadata"]["extraction_method"],
        "used_ocr": False,
        "page_count": 2,
        "strategy": "rules",
    }
    assert data["metadata"]["extraction_method"].startswith("pdf")


async def test_pdf_form_fields_and_sticky_notes_are_anonymized_too(gw: Gateway, key: str) -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(50, 800, "Zuweisung zur Abklärung")
    pdf.acroForm.textfield(name="patient", value="Herr Max Mustermann", x=50, y=700, width=300, height=20)
    pdf.showPage()
    pdf.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as document:
        note = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[50, 50, 70, 70],
            T=pikepdf.String("Dr. Anna Huber"), Contents=pikepdf.String("Rückruf unter +43 664 1234567"),
        )  # fmt: skip
        document.pages[0].obj.Annots.append(document.make_indirect(note))
        out = io.BytesIO()
        document.save(out)
    data = await anonymize(gw, key, "zuweisung.pdf", out.getvalue())
    assert_no_secrets(data["sanitized_text"], ["Max Mustermann", "Anna Huber", "+43 664 1234567"])
    assert {"[[NAME_1]]", "[[NAME_2]]", "[[PHONE_1]]"} <= set(data["placeholders"])
    assert "Zuweisung" in data["sanitized_text"] and data["metadata"]["page_count"] == 1


async def test_docx_with_table(gw: Gateway, key: str) -> None:
    data = await anonymize(gw, key, "brief.docx", docx_bytes(LETTER))
    assert_no_secrets(data["sanitized_text"], SECRETS + ["Sabine Leitner"])
    assert "Sabine Leitner" in data["placeholders"].values()
    assert data["sanitized_filename"] == "brief.docx"
    assert data["metadata"]["used_ocr"] is False


async def test_scanned_image_goes_through_ocr(gw: Gateway, key: str) -> None:
    lines = ["Patientin: Anna Huber", "geb. 12.03.1965", "Telefon: 0664 1234567", "IBAN AT61 1904 3002 3457 3201"]
    data = await anonymize(gw, key, "scan.png", scan_bytes(lines))
    assert data["metadata"]["used_ocr"] is True
    assert_no_secrets(data["sanitized_text"], ["Anna Huber", "Huber", "12.03.1965", "0664 1234567"])
    assert {"[[NAME_1]]", "[[DOB_1]]", "[[PHONE_1]]", "[[IBAN_1]]"} <= set(data["placeholders"])


async def test_docx_with_a_pasted_scan_is_anonymized_in_the_scan_too(gw: Gateway, key: str) -> None:
    document = Document()
    document.add_paragraph("Sehr geehrte Kollegin, anbei der Vorbefund:")
    document.add_picture(io.BytesIO(scan_bytes(["Patientin: Anna Huber", "geb. 12.03.1965"])))
    buffer = io.BytesIO()
    document.save(buffer)
    data = await anonymize(gw, key, "zuweisung.docx", buffer.getvalue())
    assert data["metadata"]["extraction_method"] == "docx_parser+ocr" and data["metadata"]["used_ocr"] is True
    assert_no_secrets(data["sanitized_text"], ["Anna Huber", "Huber", "12.03.1965"])
    assert {"[[NAME_1]]", "[[DOB_1]]"} <= set(data["placeholders"])


async def test_an_uploaded_fhir_resource_is_anonymized_by_its_keys(gw: Gateway, key: str) -> None:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:oid:1.2.40.0.10.1.4.3.1", "value": "3318 220858"}],
        "name": [{"use": "official", "family": "Wohlgemuth", "given": ["Irmtraud"]}],
        "telecom": [{"system": "phone", "value": "+43 676 5512093"}],
        "gender": "female",
        "birthDate": "1958-08-22",
        "address": [{"line": ["Grazer Straße 17/3"], "city": "Bruck an der Mur", "postalCode": "8600"}],
    }
    data = await anonymize(gw, key, "patient.json", json.dumps(patient).encode())
    text = data["sanitized_text"]
    secrets = ["3318 220858", "Wohlgemuth", "Irmtraud", "+43 676 5512093", "1958-08-22", "Grazer Straße 17/3"]
    assert_no_secrets(text, [*secrets, "Bruck an der Mur", "8600", "female"])
    assert set(secrets) <= set(data["placeholders"].values())
    assert "resourceType: Patient" in text and "system: phone" in text  # the record's structure stays
    assert data["metadata"]["extraction_method"] == "json_parser"


async def test_same_value_same_placeholder_and_overlaps(gw: Gateway, key: str) -> None:
    text = (
        "Frau Anna Huber (anna.huber@gmx.at) und Herr Max Huber.\n"
        "Frau Huber ruft unter 0664 1234567 an; Rückruf an 0664 1234567.\n"
        "Profil: https://www.linkedin.com/in/anna-huber-12 Web: https://www.huber.at\n"
    )
    data = await anonymize(gw, key, "notiz.txt", text.encode())
    ph = data["placeholders"]
    assert ph["[[NAME_1]]"] == "Anna Huber" and ph["[[NAME_2]]"] == "Max Huber"
    assert ph["[[EMAIL_1]]"] == "anna.huber@gmx.at"  # the e-mail wins over the name inside it
    assert ph["[[LINKEDIN_1]]"] == "https://www.linkedin.com/in/anna-huber-12"  # not a plain URL
    assert ph["[[URL_1]]"] == "https://www.huber.at"
    assert data["sanitized_text"].count("[[PHONE_1]]") == 2 and "[[PHONE_2]]" not in ph
    assert "Frau [[NAME_1]] ruft" in data["sanitized_text"]  # the surname alone: the first Huber


async def test_pii_types_selects_and_validates(gw: Gateway, key: str) -> None:
    data = await anonymize(gw, key, "a.txt", LETTER.encode(), pii_types="email,phone")
    assert set(re.findall(r"\[\[([A-Z_]+)_\d+\]\]", data["sanitized_text"])) == {"EMAIL", "PHONE"}
    assert "Max Mustermann" in data["sanitized_text"]
    response = await gw.http.post(
        "/documents/anonymize",
        headers=gw.headers(key),
        files={"files": ("a.txt", b"x")},
        data={"pii_types": ["name", "shoe_size"]},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "pii_types" and "shoe_size" in error["message"]
    assert all(t in error["message"] for t in PII_TYPES)  # the valid ones are listed


@pytest.mark.parametrize(
    ("files", "fields", "param", "code"),
    [
        ([], {}, "files", "missing_required_parameter"),
        ([("file", ("a.txt", b"Max"))], {}, "files", "missing_required_parameter"),
        ([("files", ("a.txt", b"a")), ("files", ("b.txt", b"b"))], {}, "files", "invalid_value"),
        ([("files", ("a.txt", b"a"))], {"strategy": "magic"}, "strategy", "invalid_value"),
        ([("files", ("a.txt", b""))], {}, "files", "empty_file"),
    ],
    ids=["no-file", "wrong-field", "two-files", "bad-strategy", "empty-file"],
)
async def test_bad_requests_are_400(gw: Gateway, key: str, files: list, fields: dict, param: str, code: str) -> None:
    response = await gw.http.post(
        "/documents/anonymize",
        headers=gw.headers(key),
        files=files or {"unrelated": ("x.txt", b"")},  # still multipart
        data={"note": "multipart", **fields},
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["param"], error["code"]) == (param, code)


async def test_unsupported_type_is_415(gw: Gateway, key: str) -> None:
    response = await gw.http.post(
        "/documents/anonymize", headers=gw.headers(key), files={"files": ("a.zip", b"PK\x03\x04" + b"\x00" * 40)}
    )
    assert response.status_code in (400, 415), response.text
    assert response.json()["error"]["code"] in ("unsupported_file_type", "corrupt_file")


async def test_needs_the_documents_anonymize_permission(gw: Gateway) -> None:
    gw.create_product("chat-only", endpoints=("chat_completions",))
    response = await gw.http.post(
        "/documents/anonymize",
        headers=gw.headers(gw.create_key("chat-only")),
        files={"files": ("a.txt", b"Max Mustermann")},
    )
    assert response.status_code == 403
    assert "documents_anonymize" in response.json()["error"]["message"]


async def test_ai_strategy_adds_only_literal_findings(gw: Gateway, key: str) -> None:
    HintEngine.calls = 0
    text = "Herr Max Mustermann kam mit seinem Hund Zorro zur Kontrolle.\n"
    data = await anonymize(gw, key, "a.txt", text.encode(), strategy="ai")
    assert data["metadata"]["strategy"] == "ai"
    assert HintEngine.calls == 1
    ph = data["placeholders"]
    assert ph["[[NAME_1]]"] == "Max Mustermann"  # the rules' finding stays first and unchanged
    assert ph["[[NAME_2]]"] == "Zorro"  # added by the model: it occurs in the text
    assert "Erika Erfunden" not in ph.values()  # invented by the model: not in the text, ignored
    rules = await anonymize(gw, key, "a.txt", text.encode())
    assert set(rules["placeholders"].values()) < set(ph.values())  # never fewer findings than rules


async def test_nothing_of_the_document_reaches_log_or_usage(gw: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    key = gw.create_key()
    caplog.set_level(logging.DEBUG)
    await anonymize(gw, key, "Befund_Max_Mustermann.txt", LETTER.encode())
    await anonymize(gw, key, "b.txt", LETTER.encode(), strategy="ai")
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert_no_secrets(logged, SECRETS)
    record = gw.services.store.find_key(key, "2000-01")
    rows = " ".join(map(str, gw.services.store.usage_rows(record.key.id)))
    assert "documents_anonymize" in rows
    assert_no_secrets(rows, SECRETS)


async def test_a_text_past_the_detection_limit_is_413_with_the_limit(tmp_path: Path) -> None:
    """A small upload can extract to a lot of text: detection takes at most `anonymize_max_chars`."""
    settings = replace(
        Settings(),
        data_dir=tmp_path / "data",
        models_file=tmp_path / "none.toml",
        load_engines=False,
        pii_preload=False,
        anonymize_max_chars=1000,
    )
    (tmp_path / "none.toml").write_text("")
    async with running_gateway(settings) as small:
        key = small.create_key()
        response = await small.http.post(
            "/documents/anonymize",
            headers=small.headers(key),
            files={"files": ("long.txt", b"Herr Max Mustermann. " * 100, "text/plain")},
        )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "text_too_long" and "1,000" in error["message"]
