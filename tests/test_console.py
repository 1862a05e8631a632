"""The web console in a real browser (Debian's chromium driven by Playwright) against a real
`kai-local serve` with the bundled models: sign in with a key, anonymize a German letter,
transcribe jfk.flac and download its SRT, strip a photo's GPS, stream a chat answer and stop
one, read the month's usage; a wrong key, a page the product does not allow, German and
English, keyboard use, the 1366x768 screen, the Content-Security-Policy, and no request to any
other origin (every request of every test is recorded and checked).

KAI_CONSOLE_SCREENSHOTS=docs/img writes the manual's screenshots (docs/console.md) on the way.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docx import Document
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Download, Page, expect, sync_playwright

from kai_local.console.routes import CONTENT_SECURITY_POLICY
from kai_local.gateway.products import Product
from kai_local.gateway.store import Store
from tests.conftest import prepared_models_dir
from tests.metadata_samples import rich_jpeg
from tests.support import REPO, TESTDATA, ServerProcess, start_gateway

pytestmark = pytest.mark.slow  # a server with vLLM and whisper, and a browser

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser download is not reachable
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREEN = {"width": 1366, "height": 768}
CHAT_MODEL = "smollm2-135m-instruct"
SPEECH_MODEL = "whisper-tiny.en"  # English only and fast: jfk.flac in about a second
KEY_STORAGE = "kai-console-key"
LETTER = [
    "Sehr geehrte Frau Dr. Huber,",
    "wir berichten über Herrn Max Mustermann, geb. 12.03.1965, wohnhaft Hauptstraße 5, 1010 Wien, "
    "der sich am 02.11.2026 in unserer Ambulanz vorstellte.",
    "Herr Mustermann klagte über Kopfschmerzen. Rückfragen gerne unter +43 664 1234567.",
    "Mit freundlichen Grüßen",
    "Dr. Anna Berger",
]


@dataclass
class Console:
    server: ServerProcess
    keys: dict[str, str]  # purpose -> plain key

    @property
    def url(self) -> str:
        return self.server.url + "/ui/"


@dataclass
class Browsed:
    """A browser tab and what it did."""

    page: Page
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """One real server for the module, with the chat model and one whisper model."""
    prepared = prepared_models_dir()
    root = tmp_path_factory.mktemp("console")
    models_dir = root / "models"
    models_dir.mkdir()
    for model in (CHAT_MODEL, SPEECH_MODEL):
        if not (prepared / model).is_dir():
            pytest.fail(f"{prepared / model} is missing: run scripts/setup.sh (kai-local models prepare)")
        (models_dir / model).symlink_to(prepared / model)
    data_dir = root / "data"
    data_dir.mkdir()
    store = Store.at(data_dir / "kai-local.sqlite3")
    try:
        store.create_product(Product(name="clinic", label="Praxis Dr. Huber", monthly_cap=500, max_concurrent=16))
        store.create_product(Product(name="documents", label="Nur Dokumente", endpoints=("documents_anonymize",)))
        purposes = {"main": "clinic", "usage": "clinic", "documents": "documents"}
        keys = {purpose: store.create_key(product, label=purpose)[1] for purpose, product in purposes.items()}
        keys["ended"] = store.create_key("clinic", trial_days=0, label="ended")[1]  # a trial over at once
    finally:
        store.close()
    server = start_gateway(data_dir, REPO / "models.toml", models_dir=models_dir, timeout_s=300)
    try:
        yield Console(server, keys)
        output = server.output()
        for key in keys.values():
            assert key not in output, "an API key reached the server's log"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def open_tab(browser: Browser, console: Console, locale: str = "de-AT") -> Iterator[Browsed]:
    """A tab of its own (a fresh context: nothing shared with other tests); on leaving it, every
    request it made must have gone to the server's origin (or data:/blob:), and no script failed."""
    context = browser.new_context(viewport=SCREEN, locale=locale, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    browsed = Browsed(page)
    page.on("request", lambda request: browsed.requests.append(request.url))
    page.on("pageerror", lambda error: browsed.page_errors.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            browsed.csp_violations.append(message.text)

    page.on("console", on_console)
    try:
        yield browsed
    finally:
        context.close()
    origin = console.server.url + "/"
    outside = [url for url in browsed.requests if not url.startswith((origin, "data:", "blob:"))]
    assert not outside, f"requests to another origin: {outside}"
    assert not browsed.page_errors, browsed.page_errors


@pytest.fixture
def tab(browser: Browser, console: Console) -> Iterator[Browsed]:
    """A German-speaking browser's tab; it must cause no CSP violation."""
    with open_tab(browser, console) as browsed:
        yield browsed
        assert not browsed.csp_violations, browsed.csp_violations


def screenshot(page: Page, name: str) -> None:
    """For the manual: only with KAI_CONSOLE_SCREENSHOTS=<folder> (e.g. docs/img)."""
    folder = os.environ.get("KAI_CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"console-{name}.png"))


def sign_in(page: Page, console: Console, key: str) -> None:
    page.goto(console.url)
    page.fill("#key-input", key)
    page.press("#key-input", "Enter")
    expect(page.locator("#workspace")).to_be_visible()


def saved(download: Download) -> bytes:
    path = download.path()
    assert path is not None
    return Path(path).read_bytes()


def letter_docx() -> bytes:
    document = Document()
    for paragraph in LETTER:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def anonymize_letter(page: Page) -> None:
    page.set_input_files(
        "#anon-file",
        files=[{"name": "Brief_Mustermann.docx", "mimeType": "application/octet-stream", "buffer": letter_docx()}],
    )
    page.click("#anon-form button[type=submit]")
    expect(page.locator("#anon-result")).to_be_visible(timeout=60_000)


# -- the page and the key --------------------------------------------------------------------


def test_the_page_has_its_security_headers_and_enforces_them(tab: Browsed, console: Console) -> None:
    response = tab.page.goto(console.url)
    assert response is not None and response.ok
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    expect(tab.page.locator("#key-input")).to_be_focused()
    # An inline script, as an injected document text would be, does not run.
    ran = tab.page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';
                   document.body.append(s); return window.injected === 1; }"""
    )
    assert ran is False
    assert any("script-src 'self'" in text for text in tab.csp_violations)
    tab.csp_violations.clear()  # the one violation this test made on purpose


def test_a_wrong_key_shows_the_apis_message(tab: Browsed, console: Console) -> None:
    tab.page.goto(console.url)
    tab.page.fill("#key-input", "sk-kai-not-a-key")
    tab.page.click("#key-form button[type=submit]")
    expect(tab.page.locator("#key-error")).to_have_text("Fehler 401: Incorrect API key provided.")
    expect(tab.page.locator("#workspace")).to_be_hidden()
    assert tab.page.evaluate(f"sessionStorage.getItem('{KEY_STORAGE}')") is None
    screenshot(tab.page, "sign-in")


def test_the_key_stays_in_the_tabs_session_storage_only(tab: Browsed, console: Console) -> None:
    key = console.keys["main"]
    sign_in(tab.page, console, key)
    page = tab.page
    expect(page.locator("#product-label")).to_have_text("Praxis Dr. Huber")
    assert page.evaluate(f"sessionStorage.getItem('{KEY_STORAGE}')") == key
    assert page.context.cookies() == []
    assert key not in page.evaluate("JSON.stringify(localStorage)")
    assert page.locator("#key-input").input_value() == ""
    page.reload()  # still signed in: the tab keeps its sessionStorage
    expect(page.locator("#workspace")).to_be_visible()
    page.click("#forget-key")
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{KEY_STORAGE}')") is None
    assert all(key not in url for url in tab.requests)


# -- the four tasks -------------------------------------------------------------------------


def test_anonymize_a_german_letter(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    anonymize_letter(page)
    text = page.locator("#anon-text")
    expect(text).to_contain_text("wir berichten über Herrn [[NAME_")
    assert "Mustermann" not in text.inner_text()
    name = text.locator("mark.pii-name").first
    expect(name).to_have_text(re.compile(r"\[\[NAME_\d+\]\]"))
    expect(name).to_have_attribute("title", "Name")
    expect(text.locator("mark.pii-dob")).to_have_count(1)
    expect(page.locator("#anon-legend")).to_contain_text("Name")
    mapping = page.locator("#anon-map tbody")
    expect(mapping).to_contain_text("Max Mustermann")
    screenshot(page, "anonymize")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#anon-copy")
    expect(page.locator("#panel-anonymize [data-status]")).to_have_text("Text in die Zwischenablage kopiert.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Sehr geehrte Frau Dr. [[NAME_") and "Mustermann" not in copied

    with page.expect_download() as download_info:
        page.click("#anon-download")
    download = download_info.value
    assert download.suggested_filename.endswith(".txt")
    assert "Mustermann" not in download.suggested_filename
    plain = saved(download).decode("utf-8")
    assert "[[NAME_" in plain and "Mustermann" not in plain

    with page.expect_download(timeout=60_000) as download_info:
        page.click("#anon-redact")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    redacted = "\n".join(p.text for p in Document(io.BytesIO(saved(download))).paragraphs)
    assert "[[NAME_" in redacted and "Mustermann" not in redacted and "Huber" not in redacted


def test_only_the_chosen_pii_types_are_replaced(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.click("details.types summary")
    page.click("#anon-types-none")
    page.check('input[name="pii_types"][value="phone"]')
    expect(page.locator("#anon-types-count")).to_have_text("1 von 26")
    # The file is dropped on the field this time, as from a file manager.
    dropped = page.evaluate_handle(
        """(text) => { const files = new DataTransfer();
                       files.items.add(new File([text], 'notiz.txt', {type: 'text/plain'})); return files; }""",
        "\n".join(LETTER),
    )
    page.dispatch_event("#panel-anonymize [data-drop]", "drop", {"dataTransfer": dropped})
    assert page.evaluate("document.querySelector('#anon-file').files[0].name") == "notiz.txt"
    page.click("#anon-form button[type=submit]")
    expect(page.locator("#anon-result")).to_be_visible(timeout=60_000)
    text = page.locator("#anon-text")
    expect(text.locator("mark.pii-phone")).to_have_count(1)
    expect(text.locator("mark.pii-name")).to_have_count(0)
    expect(text).to_contain_text("Max Mustermann")


def test_transcribe_jfk_and_download_a_valid_srt(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.click("#tab-transcribe")
    page.set_input_files("#tr-file", TESTDATA / "audio" / "jfk.flac")
    page.select_option("#tr-model", SPEECH_MODEL)
    # Record each state the progress bar goes through: its label and whether it had a value.
    page.evaluate(
        """() => { window.progressSeen = [];
                   const label = document.querySelector('#tr-progress-label');
                   const bar = document.querySelector('#tr-progress');
                   new MutationObserver(() => window.progressSeen.push([label.textContent, bar.hasAttribute('value')]))
                     .observe(label, {childList: true, characterData: true, subtree: true}); }"""
    )
    page.click("#tr-form button[type=submit]")
    expect(page.locator("#tr-result")).to_be_visible(timeout=90_000)
    seen = page.evaluate("window.progressSeen")
    assert ["Hochladen: 0 %", True] in seen, seen
    assert [label for label, valued in seen if not valued][-1].startswith("Wird transkribiert"), seen
    expect(page.locator("#tr-progress-box")).to_be_hidden()
    expect(page.locator("#tr-lang")).to_have_text("english")
    expect(page.locator("#tr-duration")).to_have_text("0:11")
    first = page.locator("#tr-segments tbody tr").first
    expect(first.locator("td.time")).to_have_text(re.compile(r"0:00–0:\d\d"))
    expect(page.locator("#tr-segments")).to_contain_text("country")
    screenshot(page, "transcribe")

    with page.expect_download() as download_info:
        page.click('button[data-format="srt"]')
    download = download_info.value
    assert download.suggested_filename == "jfk.srt"
    cues = saved(download).decode("utf-8").strip().split("\n\n")
    assert cues
    for number, cue in enumerate(cues, start=1):
        index, timing, *lines = cue.split("\n")
        assert index == str(number)
        assert re.fullmatch(r"\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}", timing), timing
        assert lines and all(line.strip() for line in lines)
    assert "country" in " ".join(cues).lower()

    with page.expect_download() as download_info:
        page.click('button[data-format="vtt"]')
    vtt = saved(download_info.value).decode("utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")


def test_strip_a_jpeg_and_see_its_gps_gone(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.click("#tab-metadata")
    page.set_input_files("#meta-file", files=[{"name": "urlaub.jpg", "mimeType": "image/jpeg", "buffer": rich_jpeg()}])
    page.click("#meta-form button[type=submit]")
    expect(page.locator("#meta-result")).to_be_visible(timeout=60_000)
    gps = page.locator('#meta-before details[data-group="GPS"]')
    expect(gps).to_have_count(1)
    expect(gps).to_contain_text("GPS:GPSLatitude")
    expect(page.locator("#meta-summary")).to_contain_text("GPS")
    expect(page.locator("#meta-after details")).to_have_count(0)
    expect(page.locator("#meta-after")).to_have_text("Keine Metadaten mehr vorhanden.")
    screenshot(page, "metadata")

    with page.expect_download() as download_info:
        page.click("#meta-download")
    download = download_info.value
    assert download.suggested_filename == "urlaub.jpg"
    clean = saved(download)
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(0x8825)  # the GPS IFD
    assert b"Jane Doe" not in clean and b"SecretCam" not in clean


def test_a_refused_upload_shows_the_apis_message(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.click("#tab-metadata")
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    page.set_input_files("#meta-file", files=[{"name": "bild.gif", "mimeType": "image/gif", "buffer": gif}])
    page.click("#meta-form button[type=submit]")
    error = page.locator("#panel-metadata [data-error]")
    expect(error).to_contain_text("Fehler 415:")
    expect(page.locator("#meta-result")).to_be_hidden()
    # The next upload clears the message, and a language switch does not bring it back.
    page.set_input_files("#meta-file", files=[{"name": "x.jpg", "mimeType": "image/jpeg", "buffer": rich_jpeg()}])
    page.click("#meta-form button[type=submit]")
    expect(page.locator("#meta-result")).to_be_visible(timeout=60_000)
    expect(error).to_be_empty()
    page.click("#lang-toggle")
    expect(page.locator("#panel-metadata [data-status]")).to_have_text("Done: “x.jpg” is ready to download.")
    expect(error).to_be_empty()


def test_chat_streams_an_answer_and_stops_on_request(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.click("#tab-chat")
    expect(page.locator("#chat-model")).to_have_value(CHAT_MODEL)
    page.fill("#chat-temperature", "0")
    page.fill("#chat-max-tokens", "1500")
    page.fill("#chat-input", "Write a very long story about a cat who travels around the world.")
    page.press("#chat-input", "Enter")
    answer = page.locator(".message-assistant .text").last
    page.wait_for_function("() => document.querySelector('.message-assistant .text')?.textContent.length > 0")
    first = len(answer.text_content() or "")
    # It streams: the answer grows in place while it is being written.
    page.wait_for_function(
        f"() => document.querySelector('.message-assistant .text').textContent.length > {first}", timeout=20_000
    )
    expect(page.locator("#chat-stop")).to_be_enabled()
    page.click("#chat-stop")
    expect(page.locator("#panel-chat [data-status]")).to_have_text("Angehalten.")
    expect(page.locator(".message-assistant .note")).to_have_text("(angehalten)")
    expect(page.locator("#chat-stop")).to_be_disabled()
    stopped_at = len(answer.text_content() or "")
    page.wait_for_timeout(500)
    assert len(answer.text_content() or "") == stopped_at  # nothing more arrives

    # A short answer runs to its end.
    page.click("#chat-clear")
    page.fill("#chat-max-tokens", "24")
    page.fill("#chat-system", "You are a helpful assistant.")
    page.fill("#chat-input", "What is the capital of France?")
    page.click("#chat-send")
    expect(page.locator("#panel-chat [data-status]")).to_have_text(
        re.compile("Antwort fertig.|Antwort bei der Höchstzahl an Tokens abgeschnitten."), timeout=30_000
    )
    expect(page.locator(".message-user")).to_have_count(1)
    expect(page.locator(".message-user .who")).to_have_text("Sie")
    expect(page.locator(".message-assistant .text")).not_to_have_text("")
    screenshot(page, "chat")


def test_usage_shows_the_counts_just_made(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["usage"])
    anonymize_letter(page)
    page.click("#tab-metadata")
    page.set_input_files("#meta-file", files=[{"name": "leer.jpg", "mimeType": "image/jpeg", "buffer": b""}])
    page.click("#meta-form button[type=submit]")
    expect(page.locator("#panel-metadata [data-error]")).to_contain_text("Fehler 400:")
    page.click("#tab-usage")
    expect(page.locator("#panel-usage [data-status]")).to_have_text("Verbrauch aktualisiert.")

    def row(endpoint: str) -> list[str]:
        return page.locator(f'#usage-table tr[data-endpoint="{endpoint}"] td').all_text_contents()

    assert row("documents_anonymize") == ["1", "1", "0", "0", "0", "0"]
    assert row("documents_strip_metadata") == ["1", "0", "1", "0", "0", "0"]
    assert row("chat_completions") == ["0", "0", "0", "0", "0", "0"]
    expect(page.locator('.card[data-card="requests"] dd.main')).to_have_text("2")
    expect(page.locator('.card[data-card="monthly_cap"]')).to_contain_text("499 übrig")
    # Charts with their text alternative.
    requests = page.locator("svg#chart-requests")
    expect(requests).to_have_attribute("role", "img")
    expect(requests.locator("title").first).to_have_text("Anfragen nach Bereich: erfolgreich und Fehler")
    expect(requests.locator("desc")).to_contain_text("Anonymisieren: 1 erfolgreich · 0 Fehler")
    expect(requests.locator("desc")).to_contain_text("Metadaten: 0 erfolgreich · 1 Fehler")
    expect(requests.locator("rect.bar-hatch")).to_have_count(2)  # one error bar, and the legend's swatch
    expect(page.locator("svg#chart-cap desc")).to_have_text("1 von 500 verbraucht, 499 übrig")
    expect(page.locator("svg#chart-tokens")).to_be_visible()
    expect(page.locator("svg#chart-audio")).to_be_visible()


# -- products, languages, keyboard, screen ----------------------------------------------------


def test_a_page_the_product_does_not_allow_says_why(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["documents"])
    expect(page.locator("#tab-anonymize")).to_have_attribute("aria-selected", "true")
    for name, label in [("transcribe", "Transkribieren"), ("metadata", "Metadaten entfernen"), ("chat", "Chat")]:
        tab_button = page.locator(f"#tab-{name}")
        expect(tab_button).to_contain_text("(nicht verfügbar)")
        tab_button.click()
        panel = page.locator(f"#panel-{name}")
        expect(panel.locator(".unavailable")).to_have_text(
            f"Nicht verfügbar: Ihr Produkt erlaubt „{label}“ nicht. "
            "Fragen Sie Ihre IT nach einem Schlüssel mit dieser Berechtigung."
        )
        expect(panel.locator(".panel-body")).to_be_hidden()
    page.click("#tab-usage")
    expect(page.locator("#usage-cards")).to_contain_text("unbegrenzt")


def test_a_key_whose_trial_ended_sees_why(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["ended"])
    expect(page.locator("#panel-anonymize .unavailable")).to_contain_text("Ihr Schlüssel ist nicht aktiv")
    expect(page.locator("#tab-usage")).to_have_attribute("aria-selected", "true")  # the one page that works
    expect(page.locator('.card[data-card="status"] dd.main')).to_have_text("nicht aktiv")
    expect(page.locator('.card[data-card="trial"]')).to_contain_text("bis ")


@pytest.mark.parametrize(("locale", "title"), [("de-AT", "Anmelden"), ("fr-FR", "Anmelden"), ("en-US", "Sign in")])
def test_german_by_default_english_from_the_browser(
    browser: Browser, console: Console, locale: str, title: str
) -> None:
    with open_tab(browser, console, locale) as browsed:
        page = browsed.page
        page.goto(console.url)
        expect(page.locator("#login-title")).to_contain_text(title)
        expect(page.locator("html")).to_have_attribute("lang", "en" if title == "Sign in" else "de")


def test_the_language_toggle_translates_everything_shown(browser: Browser, console: Console) -> None:
    with open_tab(browser, console, "en-US") as browsed:
        page = browsed.page
        sign_in(page, console, console.keys["documents"])
        expect(page.locator("#tab-anonymize")).to_have_text("Anonymize")
        expect(page.locator("#tab-chat")).to_contain_text("(unavailable)")
        page.click("#tab-chat")
        expect(page.locator("#panel-chat .unavailable")).to_contain_text("your product does not allow “Chat”")
        page.click("#lang-toggle")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("#tab-anonymize")).to_have_text("Anonymisieren")
        expect(page.locator("#panel-chat .unavailable")).to_contain_text("Ihr Produkt erlaubt „Chat“ nicht")
        expect(page.locator("#lang-toggle")).to_have_text("English")
        page.reload()  # the choice is remembered
        expect(page.locator("#tab-anonymize")).to_have_text("Anonymisieren")


def test_the_tabs_work_with_the_keyboard(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])
    page.focus("#tab-anonymize")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-transcribe")).to_be_focused()
    expect(page.locator("#tab-transcribe")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-transcribe")).to_be_visible()
    expect(page.locator("#panel-anonymize")).to_be_hidden()
    page.keyboard.press("End")
    expect(page.locator("#tab-usage")).to_be_focused()
    page.keyboard.press("ArrowRight")  # wraps around
    expect(page.locator("#tab-anonymize")).to_be_focused()
    page.keyboard.press("Tab")  # from the tab list into the panel
    expect(page.locator("#panel-anonymize")).to_be_focused()


def test_every_page_fits_a_1366x768_screen(tab: Browsed, console: Console) -> None:
    page = tab.page
    sign_in(page, console, console.keys["main"])  # the key the tests above used: a month with some use
    anonymize_letter(page)
    for name in ("anonymize", "transcribe", "metadata", "chat", "usage"):
        page.click(f"#tab-{name}")
        expect(page.locator(f"#panel-{name}")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"], name
        box = page.locator(f"#panel-{name} h2").bounding_box()
        assert box is not None and box["y"] + box["height"] < SCREEN["height"], name
        submit = page.locator(f"#panel-{name} button.primary")
        if submit.count():
            box = submit.first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= SCREEN["height"], (
                f"{name}: its button is below the fold"
            )
    expect(page.locator("#panel-usage [data-status]")).to_have_text("Verbrauch aktualisiert.")
    screenshot(page, "usage")
