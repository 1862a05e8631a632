"""PII detection, type by type: tables of positives (the value must be found as that type) and
negatives (it must not be: wrong check digits, dates that are no birth dates, everyday nouns).

Runs the real Anonymizer (spaCy + Presidio + our recognizers), built once per run (the
`anonymizer` fixture in conftest.py).
"""

from __future__ import annotations

import pytest

from kai_local.documents.pii import PII_TYPES
from kai_local.documents.pii.anonymizer import Anonymizer


def found(anonymizer: Anonymizer, text: str, pii_type: str) -> list[str]:
    return [text[f.start : f.end] for f in anonymizer.detect(text, [pii_type]) if f.pii_type == pii_type]


# (type, text, value that must be found as that type)
POSITIVES = [
    ("name", "Wir berichten über Herrn Max Mustermann, der stationär aufgenommen war.", "Max Mustermann"),
    ("name", "Sehr geehrte Frau Mag. Huber,", "Huber"),
    ("name", "Befund vidiert: OA Dr. med. univ. Anna-Lena Berger-Schmid", "Anna-Lena Berger-Schmid"),
    ("name", "Patientin: GRUBER Theresia\nStation 3B", "GRUBER Theresia"),
    ("name", "Name: Pfleger, Anne\nGeburtsdatum: 01.02.1950", "Pfleger, Anne"),
    ("name", "Mit freundlichen Grüßen\n\nSabine Leitner\nFachärztin für Innere Medizin", "Sabine Leitner"),
    ("name", "Rechnungsempfänger:\nMagdolna Virág\nHauptstraße 5\n8010 Graz", "Magdolna Virág"),
    ("name", "gez. Prim. Univ.-Prof. Dr. Johann Pichler", "Johann Pichler"),
    ("name", "Kontrolle bei Dr. Yilmaz in zwei Wochen.", "Yilmaz"),
    ("name", "Follow-up with GP Dr Dennis Richardson in two weeks.", "Dennis Richardson"),
    ("name", "Mrs Vasquez is a 50-year-old teacher.", "Vasquez"),
    ("email", "Kontakt: max.mustermann@gmx.at", "max.mustermann@gmx.at"),
    ("email", "E-Mail an ordination.huber@aon.at senden", "ordination.huber@aon.at"),
    ("phone", "Tel. +43 664 1234567", "+43 664 1234567"),
    ("phone", "Rückruf unter 0664/1234567 erbeten", "0664/1234567"),
    ("phone", "Zentrale: (0316) 385-12345", "(0316) 385-12345"),
    ("phone", "Telefon: +49 89 12345678", "+49 89 12345678"),
    ("phone", "Tel. 044 123 45 67", "044 123 45 67"),
    ("phone", "Please call (312) 471-9553 tomorrow.", "(312) 471-9553"),
    ("dob", "Frau Anna Huber, geb. 12.03.1965, wurde aufgenommen.", "12.03.1965"),
    ("dob", "Max Mustermann (* 4.4.1997)", "4.4.1997"),
    ("dob", "Geburtsdatum: 3. März 1948", "3. März 1948"),
    ("dob", "Date of birth: 13 July 1974", "13 July 1974"),
    ("dob", "Patient: Max Muster, 21.06.1961, SVNR folgt", "21.06.1961"),
    ("address", "wohnhaft Hauptstraße 12/3/7, 8010 Graz", "Hauptstraße 12/3/7, 8010 Graz"),
    ("address", "Adresse: Wiener Straße 5, Stiege 2, Top 14", "Wiener Straße 5, Stiege 2, Top 14"),
    ("address", "A-1090 Wien, Österreich", "A-1090 Wien"),
    ("address", "Postfach 123, 1010 Wien", "Postfach 123, 1010 Wien"),
    ("address", "Am Hof 3\n1010 Wien", "Am Hof 3"),
    ("address", "653 Justin Mill, Shepherdhaven, NV 84733", "653 Justin Mill, Shepherdhaven, NV 84733"),
    ("insurance", "Versicherung: ÖGK", "ÖGK"),
    ("insurance", "versichert bei der Techniker Krankenkasse", "Techniker Krankenkasse"),
    ("insurance", "Polizzennummer: 12-3456789", "12-3456789"),
    ("iban", "IBAN: AT61 1904 3002 3457 3201", "AT61 1904 3002 3457 3201"),
    ("iban", "Konto DE89370400440532013000 BIC COBADEFFXXX", "DE89370400440532013000"),
    ("company", "Rechnung der Huber & Söhne GmbH vom Mai", "Huber & Söhne GmbH"),
    ("company", "Ein Schreiben der Maier Bau Ges.m.b.H. liegt bei.", "Maier Bau Ges.m.b.H."),
    ("company", "Aufnahme im LKH Graz am Montag", "LKH Graz"),
    ("company", "Transfer ins Klinikum Klagenfurt am Wörthersee.", "Klinikum Klagenfurt am Wörthersee"),
    ("company", "Verlegung ins Hanusch-Krankenhaus.", "Hanusch-Krankenhaus"),
    ("medical", "Diagnose: Diabetes mellitus Typ 2 (E11.9)", "Diabetes mellitus Typ 2"),
    ("medical", "Diagnose: Diabetes mellitus Typ 2 (E11.9)", "E11.9"),
    ("medical", "Bekannte Sigmadivertikulitis.", "Sigmadivertikulitis"),
    ("medical", "Diagnosen:\nI10 Arterielle Hypertonie", "I10"),
    ("medical", "history of atrial fibrillation", "atrial fibrillation"),
    ("credit_card", "Kreditkarte 4111 1111 1111 1111", "4111 1111 1111 1111"),
    ("passport", "Reisepassnummer: P1234567", "P1234567"),
    ("passport", "Personalausweis-Nr. L01X00T47", "L01X00T47"),
    ("vehicle", "Kennzeichen G-123AB", "G-123AB"),
    ("vehicle", "Lieferung an KFZ LL 391 NP am Parkplatz", "LL 391 NP"),
    ("vehicle", "amtliches Kennzeichen M-AB 1234", "M-AB 1234"),
    ("ip_address", "Login von IP 192.168.1.23 fehlgeschlagen", "192.168.1.23"),
    ("ip_address", "Server 2001:db8::8a2e:370:7334 antwortet", "2001:db8::8a2e:370:7334"),
    ("url", "Mehr unter https://www.ordination-huber.at/termine", "https://www.ordination-huber.at/termine"),
    ("url", "Web: praxis-mueller.de", "praxis-mueller.de"),
    ("username", "Benutzername: mhuber82", "mhuber82"),
    ("username", "Folgen Sie @max_muster für Updates", "@max_muster"),
    ("vat_number", "UID: ATU13585627", "ATU13585627"),
    ("vat_number", "USt-IdNr. DE136695976", "DE136695976"),
    ("company_register", "Firmenbuch FN 122119m, HG Wien", "FN 122119m"),
    ("company_register", "Amtsgericht München HRB 12345", "HRB 12345"),
    ("healthcare_number", "SVNR: 1237 010180", "1237 010180"),
    ("healthcare_number", "AHV-Nr. 756.1234.5678.97", "756.1234.5678.97"),
    ("healthcare_number", "Pat.-ID: 2021/85711", "2021/85711"),
    ("tax_id", "Steuer-ID 86 095 742 719", "86 095 742 719"),
    ("tax_id", "Steuernummer: 59-119/9013", "59-119/9013"),
    ("age", "Die 45-jährige Patientin klagt über Schmerzen.", "45-jährige"),
    ("age", "Pat. 45 J., weiblich", "45 J."),
    ("age", "a 50-year-old man", "50-year-old"),
    ("nationality", "Staatsbürgerschaft: Österreich", "Österreich"),
    ("nationality", "Er ist Bosnier und spricht wenig Deutsch.", "Bosnier"),
    ("nationality", "eine türkische Staatsbürgerin", "türkische"),
    ("gender", "Geschlecht: weiblich", "weiblich"),
    ("gender", "Geschlecht: m", "m"),
    ("religion", "Religion: röm.-kath.", "röm.-kath."),
    ("religion", "Bekenntnis: islamisch", "islamisch"),
    ("occupation", "Beruf: Tischler", "Tischler"),
    ("occupation", "Sie arbeitet als Krankenpflegerin im AKH.", "Krankenpflegerin"),
    ("occupation", "Der Patient (Lokführer) wurde aufgenommen.", "Lokführer"),
    ("birth_year", "Jahrgang 1956, lebt allein", "1956"),
    ("birth_year", "Frau Huber (Jg. 1948)", "1948"),
    (
        "linkedin",
        "Profil: https://www.linkedin.com/in/max-mustermann-4711",
        "https://www.linkedin.com/in/max-mustermann-4711",
    ),
]

# (type, text, value that must NOT be found as that type)
NEGATIVES = [
    ("name", "Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege!", "Kollegin"),
    ("name", "Die Diagnose wurde im Befund bestätigt.", "Diagnose"),
    ("name", "Thrombo ASS 100 mg 1-0-0", "ASS"),
    ("name", "Dear Colleague,", "Colleague"),
    ("email", "Format: name(at)domain", "name(at)domain"),
    ("phone", "Probenentnahme: 07.03.2025 07:45", "07.03.2025 07"),
    ("phone", "Rechnungsnummer 2024-12345678", "2024-12345678"),
    ("dob", "Aufnahme am 03.04.2024, Entlassung am 10.04.2024.", "03.04.2024"),
    ("dob", "Kontrolltermin 12.03.2024 laut Kalender", "12.03.2024"),
    ("address", "Seite 3 von 5", "Seite 3"),
    ("address", "Im Jahr 2020 erstmals aufgetreten", "Im Jahr 2020"),
    # a wrong check digit without a label (with one it is found: test_pii_recall.py)
    ("iban", "Buchungstext AT61 1904 3002 3457 3202", "AT61 1904 3002 3457 3202"),
    ("credit_card", "Karte 4111 1111 1111 1112", "4111 1111 1111 1112"),
    ("credit_card", "Tel. +43 2742 27434008", "43 2742 27434008"),
    ("passport", "Auftragsnummer P1234567", "P1234567"),
    ("vehicle", "Stufe W-3 der Skala", "W-3"),
    ("medical", "Vitamin B12 im Normbereich", "B12"),
    ("medical", "Die Zuweisungsdiagnose lautet", "Zuweisungsdiagnose"),
    ("medical", "Er arbeitet als Maler.", "als"),
    ("medical", "Der arbeitslose Patient", "arbeitslose"),
    # A wrong check digit and no date of birth in it, without a label: no SVNR (with a label, or
    # with a date of birth, it is one: test_pii_recall.py).
    ("healthcare_number", "Kontrolle in 2237 013380 Tagen", "2237 013380"),
    ("age", "seit 5 Jahren bekannt", "5 Jahren"),
    ("age", "mit 45 mg täglich", "45"),
    ("nationality", "Sie spricht Türkisch und Deutsch.", "Türkisch"),
    ("nationality", "Preis in Schweizer Franken", "Schweizer"),
    ("religion", "ev. Kontrolle in 3 Monaten", "ev."),
    ("religion", "Christian Huber kommt morgen.", "Christian"),
    ("occupation", "Die behandelnde Fachärztin empfiehlt Ruhe.", "Fachärztin"),
    ("birth_year", "Seit 1965 in Behandlung", "1965"),
    ("gender", "Die Patientin wurde entlassen.", "Patientin"),
]


def test_tables_cover_all_26_types() -> None:
    assert len(PII_TYPES) == 26
    assert {t for t, _, _ in POSITIVES} == set(PII_TYPES)


@pytest.mark.parametrize(("pii_type", "text", "value"), POSITIVES, ids=[f"{t}:{v}" for t, _, v in POSITIVES])
def test_finds(anonymizer: Anonymizer, pii_type: str, text: str, value: str) -> None:
    assert value in found(anonymizer, text, pii_type)


@pytest.mark.parametrize(("pii_type", "text", "value"), NEGATIVES, ids=[f"{t}:{v}" for t, _, v in NEGATIVES])
def test_does_not_find(anonymizer: Anonymizer, pii_type: str, text: str, value: str) -> None:
    hits = found(anonymizer, text, pii_type)
    assert not any(value in hit or hit in value for hit in hits), hits


# Each of the 100,000-token texts takes about 2 s through spaCy and the recognizers: slow.
@pytest.mark.parametrize(
    "text",
    [
        pytest.param("A." * 50_000, id="dots", marks=pytest.mark.slow),
        pytest.param("a-" * 50_000 + "@x", id="hyphens", marks=pytest.mark.slow),
        pytest.param(("a" * 50 + "@") * 1000, id="at-signs"),
        pytest.param("0 " * 50_000, id="digits", marks=pytest.mark.slow),
        pytest.param("Q" + "x" * 100_000, id="one-long-word"),
        # blanks between a label and its value (round 29-36 patterns, made linear after a review)
        pytest.param("Adresse:" + " " * 50_000 + "x", id="address-label-blanks"),
        pytest.param("wurde 1950 in" + " " * 50_000 + "x", id="birthplace-blanks"),
        pytest.param("ł" * 100_000, id="latin-extended-small-letters"),
        # records nested without end: the JSON, XML and YAML readers stay linear
        pytest.param("[" * 20_000 + '"a":', id="json-brackets"),
        pytest.param("</x>" + "<a>" * 20_000, id="xml-tags"),
        pytest.param("a:\n" + "".join(" " * i + "k:\n" for i in range(1, 440)), id="yaml-indents"),  # 97 KB
    ],
)
def test_hostile_text_finishes_without_findings(anonymizer: Anonymizer, text: str) -> None:
    """Long runs that make careless regexes backtrack quadratically (a hostile upload)."""
    assert anonymizer.detect(text) == []


@pytest.mark.slow  # builds a PII engine of its own (its point: loading with the network off)
def test_builds_and_detects_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline: loading (spaCy, Presidio, word lists) and detecting e-mails and URLs, whose
    domains tldextract checks, never open a connection."""
    import socket

    attempts: list[object] = []

    def refuse(sock: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network is off in this test")

    def refuse_lookup(host: object, *args: object, **kwargs: object) -> None:
        attempts.append(host)
        raise socket.gaierror("network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    anonymizer = Anonymizer.build()
    text = "Dear Dr Smith, write to anna.huber@example.co.uk or see https://www.klinik-graz.at/team."
    types = {f.pii_type for f in anonymizer.detect(text)}
    assert {"email", "url", "name"} <= types
    assert attempts == []
