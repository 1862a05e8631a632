"""The web console's routes without a browser: the page and its assets with their security
headers, KAI_UI=0, what the files may contain (no outside URL, no inline script or style, every
text in both languages) and that they ship as package data. tests/test_console.py drives the
page in a real browser."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import httpx
import pytest

from kai_local.console.routes import CONSOLE_DIR, SECURITY_HEADERS, STATIC_DIR, TEMPLATES_DIR
from kai_local.documents.pii.types import PII_TYPES
from kai_local.settings import Settings
from tests.conftest import Gateway, echo_settings, running_gateway
from tests.support import REPO

pytestmark = pytest.mark.anyio

ORIGIN = "http://kai.test"
MESSAGES = json.loads((STATIC_DIR / "messages.json").read_text(encoding="utf-8"))
# The console's own files: its page template and everything under static/.
FILES = sorted(p for p in CONSOLE_DIR.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts)
TEXT_FILES = [p for p in FILES if p.suffix in {".html", ".js", ".css", ".json", ".svg"}]


def assert_secured(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


async def test_the_page_is_served_with_its_security_headers(gateway: Gateway) -> None:
    response = await gateway.http.get(f"{ORIGIN}/ui/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_secured(response)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe" not in csp
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert '<html lang="de">' in page  # German first; the script follows the browser's language
    assert "Anmelden mit Ihrem API-Schlüssel" in page
    assert '<script type="module" src="static/main.js"></script>' in page
    # One checkbox per PII type, all on.
    boxes = re.findall(r'<input type="checkbox" name="pii_types" value="([a-z_]+)" checked>', page)
    assert boxes == list(PII_TYPES)


async def test_the_key_field_has_no_name_so_no_form_can_send_it(gateway: Gateway) -> None:
    page = (await gateway.http.get(f"{ORIGIN}/ui/")).text
    field = re.search(r"<input id=\"key-input\"[^>]*>", page, re.S)
    assert field is not None
    assert 'type="password"' in field.group(0) and "name=" not in field.group(0)
    # Disabled until the script has taken the form over (Enter pressed while it still loads
    # would send the form to the server instead of checking the key).
    assert field.group(0).endswith(" disabled>")
    assert re.search(r'<button id="key-connect" type="submit"[^>]* disabled>', page)


@pytest.mark.parametrize("path", ["/", "/ui"])
async def test_the_root_and_ui_lead_to_the_console(gateway: Gateway, path: str) -> None:
    response = await gateway.http.get(f"{ORIGIN}{path}")
    assert response.status_code == 307
    assert response.headers["location"] == "/ui/"


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("main.js", "text/javascript"),
        ("console.css", "text/css"),
        ("messages.json", "application/json"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
async def test_assets_are_served_with_the_headers(gateway: Gateway, asset: str, content_type: str) -> None:
    response = await gateway.http.get(f"{ORIGIN}/ui/static/{asset}")
    assert response.status_code == 200
    # nosniff: a module script must come as JavaScript (application/javascript is as good)
    expected = {content_type, "application/javascript"} if asset.endswith(".js") else {content_type}
    assert response.headers["content-type"].split(";")[0] in expected
    assert_secured(response)
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (STATIC_DIR / asset).read_bytes()


async def test_a_missing_asset_is_the_api_404_with_the_headers(gateway: Gateway) -> None:
    response = await gateway.http.get(f"{ORIGIN}/ui/static/nothing.js")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    assert_secured(response)


async def test_the_api_keeps_its_own_headers(gateway: Gateway) -> None:
    response = await gateway.http.get("/models")
    assert response.status_code == 401
    assert "content-security-policy" not in response.headers


@pytest.mark.parametrize("path", ["/", "/ui", "/ui/", "/ui/static/main.js"])
async def test_kai_ui_0_turns_the_console_off(tmp_path: Path, path: str) -> None:
    async with running_gateway(echo_settings(tmp_path, ui=False)) as gateway:
        response = await gateway.http.get(f"{ORIGIN}{path}")
        assert response.status_code == 404
        error = response.json()["error"]
        assert set(error) == {"message", "type", "param", "code"}
        assert error["message"] == f"Unknown route: GET {path}."
        # The API is unaffected.
        assert (await gateway.http.get(f"{ORIGIN}/health")).status_code == 200


def test_kai_ui_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().ui is True
    monkeypatch.setenv("KAI_UI", "0")
    assert Settings.from_env().ui is False
    monkeypatch.setenv("KAI_UI", "nein")
    with pytest.raises(ValueError, match="KAI_UI"):
        Settings.from_env()


# XML namespace names are identifiers, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg"}


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(CONSOLE_DIR)))
def test_no_file_names_another_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    urls = set(re.findall(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)]*""", text)) - NAMESPACES
    assert not urls, urls
    assert "@import" not in text and "fonts.googleapis" not in text


def test_the_template_has_no_inline_script_style_or_handler() -> None:
    page = (TEMPLATES_DIR / "console.html").read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag, tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", page)  # nothing between <script> and </script>
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_scripts_never_parse_html_from_strings() -> None:
    """Document text, transcripts, metadata and chat answers reach the page as text nodes only."""
    for path in STATIC_DIR.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in text, f"{path.name}: {sink}"


def test_both_languages_have_every_text() -> None:
    assert set(MESSAGES) == {"de", "en"}
    assert set(MESSAGES["de"]) == set(MESSAGES["en"])
    assert all(text.strip() for language in MESSAGES.values() for text in language.values())


def test_every_key_the_page_and_scripts_use_is_translated() -> None:
    page = (TEMPLATES_DIR / "console.html").read_text(encoding="utf-8")
    used = set(re.findall(r"""t\(["']([a-z_]+\.[a-z_]+)["']\)""", page))
    used |= set(re.findall(r'data-i18n(?:-[a-z-]+)?="([a-z_]+\.[a-z_]+)"', page))
    for path in STATIC_DIR.glob("*.js"):
        used |= set(re.findall(r'"((?:[a-z]+)\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    used -= {"main.js", "messages.json"}
    used |= {f"pii.{t}" for t in PII_TYPES} | {f"tabs.{n}" for n in ("anonymize", "transcribe", "metadata", "chat")}
    used |= {"unavailable.no_chat_model", "unavailable.no_transcription_model", "chat.role_user", "chat.role_assistant"}
    missing = sorted(key for key in used if key not in MESSAGES["de"])
    assert not missing, missing


def test_the_console_files_are_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["kai_local"]
    package = REPO / "kai_local"
    for path in FILES:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
