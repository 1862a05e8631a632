"""The console's routes: `GET /ui/` renders the page (Jinja2), `/ui/static/` serves its scripts,
styles and translations, `/` and `/ui` lead to `/ui/`. `ConsoleHeaders` gives every response
under /ui (404s included) a strict Content-Security-Policy and the other browser protections.

The server keeps no console state: the API key lives in the browser tab's sessionStorage and
goes only into the Authorization header of the page's API calls, never into a cookie, a URL or
this server's log.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kai_local.documents.pii.types import PII_TYPES

CONSOLE_DIR = Path(__file__).resolve().parent
STATIC_DIR = CONSOLE_DIR / "static"
TEMPLATES_DIR = CONSOLE_DIR / "templates"
# The translations, one file for the server's first rendering (German) and for the scripts.
MESSAGES_FILE = STATIC_DIR / "messages.json"
PREFIX = "/ui"
DEFAULT_LANGUAGE = "de"  # the clinic's language; the page switches to English by the browser's

# Only this origin's scripts, styles and connections: no inline script can run, even if a
# document's text ever slipped into the page unescaped; blob:/data: for downloads and previews.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def is_console_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class ConsoleHeaders:
    """ASGI middleware: the security headers on every response under /ui, whoever answered it
    (the page, the static files, or the app's error handler for a missing asset)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_console_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                # Assets are revalidated (ETag) on every load, so an upgrade is seen at once.
                headers.setdefault("Cache-Control", "no-cache")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def load_messages(path: Path = MESSAGES_FILE) -> dict[str, dict[str, str]]:
    """The translations: {language: {key: text}}."""
    messages: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return messages


def console_routes() -> list[BaseRoute]:
    """The console's routes, to add to the app when `settings.ui` is on."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    messages = load_messages()
    german = messages[DEFAULT_LANGUAGE]

    def translate(key: str) -> str:
        return german[key]  # a missing key fails the rendering (and the tests), not silently

    async def page(request: Request) -> Response:
        context = {"t": translate, "lang": DEFAULT_LANGUAGE, "pii_types": PII_TYPES}
        return templates.TemplateResponse(request, "console.html", context, headers={"Cache-Control": "no-store"})

    async def to_console(request: Request) -> Response:
        return RedirectResponse(PREFIX + "/")  # 307: temporary, KAI_UI=0 may turn it off

    return [
        Route("/", to_console, methods=["GET"]),
        Route(PREFIX, to_console, methods=["GET"]),
        Route(PREFIX + "/", page, methods=["GET"]),
        Mount(PREFIX + "/static", StaticFiles(directory=STATIC_DIR), name="console_static"),
    ]
