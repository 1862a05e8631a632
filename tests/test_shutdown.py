"""SIGTERM stops a real `kai-local serve` within `shutdown_timeout_s`, even with a parse job in
flight: the parse workers are killed at once and the waiting request is answered 503."""

from __future__ import annotations

import io
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.support import KAI_LOCAL, start_gateway


def slow_pdf(pages: int = 450, lines: int = 90) -> bytes:
    """A legitimate but long PDF: pdfminer needs far longer than the test waits to read it."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(pages):
        for line in range(lines):
            pdf.drawString(
                30, 820 - 9 * line, f"Seite {page} Zeile {line}: Befund unauffaellig, Kontrolle in drei Monaten."
            )
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.slow  # a real server process
def test_sigterm_stops_the_server_within_its_limit_during_a_parse(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    models = tmp_path / "models.toml"
    models.write_text("")
    key = subprocess.run(
        [KAI_LOCAL, "keys", "create", "--product", "default", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()[-1]
    env = {"KAI_PII_PRELOAD": "0", "KAI_SHUTDOWN_TIMEOUT_S": "10", "KAI_EXTRACT_PARSE_TIMEOUT_S": "600"}
    server = start_gateway(data_dir, models, env=env, timeout_s=120)
    base = f"{server.url}/api/v1"
    try:
        answer: dict[str, httpx.Response | Exception] = {}

        def upload() -> None:
            try:
                answer["response"] = httpx.post(
                    f"{base}/documents/anonymize",
                    headers={"Authorization": f"Bearer {key}"},
                    files={"files": ("long.pdf", slow_pdf(), "application/pdf")},
                    timeout=120,
                )
            except Exception as exc:
                answer["response"] = exc

        client = threading.Thread(target=upload)
        client.start()
        time.sleep(6)  # the PDF is being read in a parse worker by now
        assert "response" not in answer, answer
        sent = time.monotonic()
        server.stop(signal.SIGTERM, timeout_s=30)
        took = time.monotonic() - sent
        client.join(timeout=30)
    finally:
        server.stop(signal.SIGKILL)
    assert took < 10 + 2, f"took {took:.1f} s"
    response = answer["response"]
    assert isinstance(response, httpx.Response), response
    assert response.status_code == 503 and response.json()["error"]["code"] == "shutting_down"
