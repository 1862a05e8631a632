"""Redaction: pages per second for a 10-page text PDF and a 10-page DOCX, beside
/documents/anonymize on the same files in the same run, and the share of PDF pages that took
the raster path.

A page is the project's page of 3,000 characters (as in pii_eval.py): a letter's head with the
patient's data, then the clinical text. A second set of documents has only the head on each
page (about 470 characters): there the fixed costs of a request dominate.

    .venv/bin/python benchmarks/redact.py [--rounds 3]

A real `kai-local serve` (PII engine preloaded, no models), one request at a time; the two
endpoints alternate within each round and the median of the rounds is shown, with the ratio
redact / anonymize (the issue's target: at most 2x for text documents).
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.strip_metadata import make_key  # a product without effective limits, and a key
from tests.support import start_gateway

PAGES = 10
LETTER = """Entlassungsbrief, Seite {page}
Wir berichten über Herrn Max Mustermann, geb. 12.03.1965, wohnhaft Hauptstraße 12/3, 8010 Graz.
Tel. +43 664 1234567, E-Mail max.mustermann@gmx.at, IBAN AT61 1904 3002 3457 3201.
Der Patient wurde stationär aufgenommen und am Folgetag in gutem Zustand entlassen.
Kontrolle in der Ambulanz in drei Monaten, bitte Befunde mitbringen.
Mit freundlichen Grüßen, OA Dr. Anna Huber"""
# The clinical text of a full page: no personal data, the words detection still has to read.
CLINICAL = """Diagnosen: Community-acquired Pneumonie rechts basal, Diabetes mellitus Typ 2 (HbA1c 7,8 %),
arterielle Hypertonie, chronische Niereninsuffizienz Stadium 3a, Vorhofflimmern unter Antikoagulation.
Anamnese: Seit vier Tagen zunehmender Husten mit gelblichem Auswurf, Fieber bis 39,2 °C und
Belastungsdyspnoe. Keine Thoraxschmerzen, keine Beinschwellung. Nikotinkonsum seit 20 Jahren sistiert.
Status bei Aufnahme: Wach, orientiert, RR 135/80 mmHg, HF 96/min arrhythmisch, SpO2 91 % unter Raumluft,
Temperatur 38,6 °C. Über der rechten Lungenbasis feinblasige Rasselgeräusche, Abdomen weich, kein
Druckschmerz, Nierenlager frei, periphere Pulse tastbar, keine Ödeme.
Labor: CRP 148 mg/l, Leukozyten 14,2 G/l, Hb 12,9 g/dl, Kreatinin 1,4 mg/dl, eGFR 48 ml/min,
Kalium 4,3 mmol/l, Natrium 136 mmol/l, Procalcitonin 0,8 ng/ml, Laktat 1,6 mmol/l.
Bildgebung: Thoraxröntgen mit Infiltrat im rechten Unterlappen, kein Pleuraerguss, Herz normal groß.
Verlauf: Unter Amoxicillin/Clavulansäure 2,2 g i.v. dreimal täglich rasche Entfieberung und Rückgang
der Entzündungsparameter. Die Sauerstoffgabe konnte am dritten Tag beendet werden. Die Blutzucker-
einstellung erfolgte mit Basalinsulin, das vor der Entlassung wieder auf die orale Therapie umgestellt
wurde. Die Antikoagulation wurde bei stabiler Nierenfunktion in unveränderter Dosis fortgeführt.
Therapieempfehlung: Amoxicillin/Clavulansäure 875/125 mg 1-0-1 für weitere fünf Tage, Metformin
1000 mg 1-0-1, Apixaban 5 mg 1-0-1, Ramipril 5 mg 1-0-0, Bisoprolol 2,5 mg 1-0-0.
Kontrollen: Blutbild, CRP und Nierenfunktion in einer Woche beim Hausarzt, Thoraxröntgen in sechs
Wochen zum Ausschluss einer Residualverschattung, Blutzuckertagebuch weiterführen.
Epikrise: Die stationäre Aufnahme erfolgte wegen einer ambulant erworbenen Pneumonie mit respiratorischer
Partialinsuffizienz. Unter der kalkulierten antibiotischen Therapie kam es zu einer raschen klinischen
Besserung. Echokardiographisch zeigte sich eine erhaltene linksventrikuläre Funktion ohne relevante
Klappenvitien. Die Frequenzkontrolle des Vorhofflimmerns war unter Bisoprolol ausreichend. Eine
Schulung zur Blutzuckerselbstkontrolle wurde durchgeführt, die Diabetesberatung ist informiert.
Bei erneutem Fieber, zunehmender Atemnot oder Thoraxschmerzen bitten wir um umgehende Wiedervorstellung.
Pneumokokken- und Influenzaimpfung werden nach Abklingen des Infekts empfohlen.
Sozialanamnese: Lebt mit der Ehefrau im eigenen Haus, selbstständig in den Aktivitäten des täglichen
Lebens, keine Pflegestufe. Körperliche Schonung für zwei Wochen, danach schrittweise Belastungssteigerung.
"""


def page_lines(page: int, full: bool) -> list[str]:
    """One page's lines: the letter's head, and on a full page the clinical text (3,000
    characters in all)."""
    text = LETTER.format(page=page) + ("\n" + CLINICAL if full else "")
    return text.splitlines()


def text_pdf(full: bool = True) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in range(1, PAGES + 1):
        y = 800
        pdf.setFont("Helvetica", 8)  # a full page's 33 lines of up to 105 characters fit A4
        for line in page_lines(page, full):
            pdf.drawString(30, y, line)
            y -= 12
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx(full: bool = True) -> bytes:
    from docx import Document

    document = Document()
    for page in range(1, PAGES + 1):
        for line in page_lines(page, full):
            document.add_paragraph(line)
        if page < PAGES:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def timed(
    client: httpx.Client, key: str, path: str, field: str, name: str, data: bytes
) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = client.post(path, headers={"Authorization": f"Bearer {key}"}, files={field: (name, data)})
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    documents = {
        "pdf": ("brief.pdf", text_pdf()),
        "docx": ("brief.docx", docx()),
        "pdf, short pages": ("kurz.pdf", text_pdf(full=False)),
        "docx, short pages": ("kurz.docx", docx(full=False)),
    }
    with tempfile.TemporaryDirectory() as work:
        data_dir = Path(work)
        key = make_key(data_dir)
        models = data_dir / "models.toml"
        models.write_text("")  # no models: the document endpoints alone (the PII engine loads at start)
        server = start_gateway(data_dir, models, log=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"{server.url}/api/v1", timeout=600) as client:
                for name, data in documents.values():  # warm-up: workers forked, parsers loaded
                    timed(client, key, "/documents/anonymize", "files", name, data)
                    timed(client, key, "/documents/redact", "file", name, data)
                print(f"{PAGES}-page documents, {args.rounds} rounds, one request at a time (median s, pages/s)")
                print(f"{'format':17} {'anonymize':>16} {'redact':>16} {'redact/anonymize':>17} {'raster pages':>13}")
                for kind, (name, data) in documents.items():
                    anonymize, redact, raster = [], [], ""
                    for _ in range(args.rounds):
                        anonymize.append(timed(client, key, "/documents/anonymize", "files", name, data)[0])
                        seconds, response = timed(client, key, "/documents/redact", "file", name, data)
                        redact.append(seconds)
                        raster = response.headers.get("x-rasterised-pages", "0") if "pdf" in kind else "-"
                    a, r = statistics.median(anonymize), statistics.median(redact)
                    print(
                        f"{kind:17} {a:7.2f} s {PAGES / a:5.1f}/s {r:7.2f} s {PAGES / r:5.1f}/s {r / a:16.2f}x "
                        f"{raster + '/' + str(PAGES) if 'pdf' in kind else '-':>13}"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
