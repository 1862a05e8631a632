"""Plain-text tables and exports: a column's header says what its cells hold.

Handover lists, OP plans, contact-tracing lists and lab call logs put a patient's surname, birth
date, room and bed in cells with no label of their own ("01  | Schuster, Erwin | 81 | ..."); the
header row above ("Bett | Pat. | Alter | Dx") is the label; in a form of label | value lines
("| Geb.-Datum | 08.12.1944 |") the first cell is. A table here is a run of two or more
lines with at least two "|" each, or an export's lines of values separated by ";", tabs or ","
(quoted or not: a CSV list of a ward, a practice's appointments, an analyser's results); its first
line is the header, and a header cell that names a
personal value ("Name", "Geb.", "Zi.", "Tel.", "Alter", "Patient / Geb.") makes each cell below it
that value. Cells that cannot hold it (no digit in a room column, digits in a name column) are
left to the other recognizers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan
from kai_local.documents.pii.recognizers.identifier import FOREIGN_LABEL


def _header(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# What a header cell (lower-cased, trimmed) says its column holds, as Presidio entity names.
COLUMN_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        _header(
            r"(?:nach|vor|familien|geburts)?name(?:,? vorname)?|vorname|patient(?:/in|in)?|pat\.?|kontakt ?person"
            r"|angehörige[r]?|bewohner(?:/in|in)?|kind|op/ass\.?|operateur(?:/in|in)?|patient name|surname"
            r"|given name|first name|last name|family name|doctor(?: name)?|physician|arzt|ärztin|beh\.? arzt"
            r"|behandelnde[r]? (?:arzt|ärztin)|zuweiser(?:/in|in)?|anrufer(?:/in|in)?|person|bezugsperson"
            r"|ansprechpartner(?:/in|in)?|mitarbeiter(?::in|/in|in)?|berater(?::in|/in|in)?"
        ),
        "NAME",
    ),
    (
        _header(
            r"geb\.?|geboren|geb\.?-?dat(?:um|\.)?|geburtsdatum|dob|date of birth|birth(?: ?date)?|jg\.?|jahrgang"
            r"|geburtsjahr"
        ),
        "DOB",
    ),
    (
        _header(
            r"zi\.?|zimmer|zi\.?-?nr\.?|bett|bett-?nr\.?|room|bed|pid|pat\.?-?(?:nr|id)\.?|patienten-?(?:nr|id)\.?"
            r"|fall(?:-?nr\.?|zahl)?|aufnahme-?(?:nr\.?|zahl)|auftrag(?:s-?nr\.?)?|befund-?nr\.?|sv-?nr\.?|svnr"
            r"|versicherungs-?nr\.?|ahv(?:-?nr\.?)?|kvnr|mrn|hospital no\.?|pat-?nr\.?|aufn\.?-?(?:zahl|nr\.?)"
            r"|patient ?id|sample no\.?|versicherten-?nr\.?|vers\.?-?nr\.?|pseudonym|rg\.?-?nr\.?|rechnungs-?nr\.?"
        ),
        "HEALTHCARE_NUMBER",
    ),
    (
        _header(
            r"tel\.?|telefon(?:nummer)?|tel\.?-?nr\.?|mobil|handy|phone|kontakt|erreichbarkeit|rückruf|piep|funk"
            r"|rufnr\.?(?: extern)?|rufnummer|nst|nebenstelle|durchwahl"
        ),
        "PHONE",
    ),
    # any other number or code column: "Scr-Nr.", "Rand.-Nr.", "Proben-ID", "KSE-PID",
    # "Kostenträgerkennung"; not "Nr." alone (a row's count), nor a lab value ending alike
    # ("Chlorid", "Mono"), nor a code that is no one's ("ICD-Code": see _entity_of)
    (
        _header(r"[\w.]{2,}[-. ](?:nr\.?|no\.?|p?id)|[\w.-]{2,}(?:nummer|kennung|-?code)"),
        "HEALTHCARE_NUMBER",
    ),
    (_header(r"alter|age"), "AGE"),
    (_header(r"g|geschl\.?|geschlecht|sex|gender|m/w|w/m"), "GENDER"),
    (_header(r"adresse|anschrift|wohnort|wohnadresse|address|plz|ort|strasse|straße|city|zip|postcode"), "ADDRESS"),
    (_header(r"kasse|krankenkasse|kostenträger|versicherer|versicherung|insurer|insurance"), "INSURANCE"),
    (_header(r"beruf|tätigkeit|occupation"), "OCCUPATION"),
    # a unit or a party: "Station", "Abteilung", "Einsender", "Teilnehmer intern" (a phone log)
    (
        _header(
            r"station|abteilung|abt\.?|fachabteilung|einsender|zuweisende stelle|klinik|ward|department"
            r"|organisationseinheit|teilnehmer(?: intern)?|arbeitgeber|employer|dienstgeber"
        ),
        "COMPANY",
    ),
)
ENTITIES = tuple(dict.fromkeys(entity for _, entity in COLUMN_TYPES)) + ("BIRTH_YEAR",)
LINE = re.compile(r"^.*$", re.MULTILINE)
SEPARATOR_LINE = re.compile(r"^[\s|:+=-]*$")
RULE_LINE = re.compile(r"^\s*[|:+=-]*[-=][|:+=-]*\s*$")
DATE = re.compile(r"(?<!\d)\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})(?![\d.])")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A date as exports write it: "1948/04/12", "1952-04-09", "19480412".
EXPORT_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:[-/]?)(?:0[1-9]|1[0-2])(?:[-/]?)(?:0[1-9]|[12]\d|3[01])(?!\d)")
DELIMITERS = (";", "\t", ",")
PHONE = re.compile(r"\+?\d[\d ()/.-]{1,22}\d")
AGE = re.compile(r"(?<![\d.])\d{1,3}(?:\s?(?:J\.?|a|Jahre|Mon\.?|Mo\.?|M\.))?(?![\d.,])")
WORD = re.compile(r"[^\W\d_]{2,}")
GENDER = re.compile(r"[mwdfMWDF]|männl\.?|weibl\.?|männlich|weiblich|divers|male|female", re.IGNORECASE)


class TableColumnRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ENTITIES

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        return table_cells(text)


def table_cells(text: str) -> Iterator[TypedSpan]:
    last_header: list[list[str]] = []
    for rows in _tables(text):
        labels = [_column_types(text[row[0][0] : row[0][1]]) if len(row) >= 2 else [] for row in rows]
        if sum(1 for types in labels if types) >= 2:
            # a form, label then value on each line: "| Name | WUTTE-OGRIS Notburga |"
            for row, types in zip(rows, labels, strict=True):
                if len(types) == 1:
                    yield from _cell_values(types[0], text, *row[1])
            continue
        columns = [_column_types(text[start:end]) for start, end in rows[0]]
        if any(columns) and not any(DATE.search(text[start:end]) for start, end in rows[0]):
            body = rows[1:]
            last_header = columns
        elif len(last_header) == len(rows[0]):
            # the same table again after a heading ("Saal 2"): its header is the one above
            body, columns = rows, last_header
        else:
            continue  # no header we know
        for row in body:
            for (start, end), types in zip(row, columns, strict=False):
                if not types:
                    continue
                parts = _parts(text, start, end, len(types))
                for entity, (part_start, part_end) in zip(types, parts, strict=True):
                    yield from _cell_values(entity, text, part_start, part_end)


def _tables(text: str) -> Iterator[list[list[tuple[int, int]]]]:
    """Runs of table lines (2+ cells each), each line as its cells' (start, end); a rule line
    ("----+-----", "|---|---|") belongs to the table and is left out. An export runs from its
    header line while its lines have its delimiter."""
    run: list[list[tuple[int, int]]] = []
    delimiter = ""
    for m in LINE.finditer(text):
        line = m.group()
        if delimiter:
            cells = _split(line, delimiter, m.start())
            if cells is not None:
                run.append(cells)
                continue
        elif line.count("|") >= 2 and not SEPARATOR_LINE.match(line):
            run.append(_bar_cells(line, m.start()))
            continue
        elif run and RULE_LINE.match(line):
            continue
        # this line ends the table before it, and may be an export's header
        if len(run) >= 2:
            yield run
        run, delimiter = [], ""
        found = _export_line(line, m.start())
        if found is not None:
            delimiter, first = found
            run = [first]
    if len(run) >= 2:
        yield run


def _bar_cells(line: str, offset: int) -> list[tuple[int, int]]:
    cells, start = [], offset
    for bar in re.finditer(r"\|", line):
        cells.append((start, offset + bar.start()))
        start = offset + bar.end()
    cells.append((start, offset + len(line)))
    if line.lstrip().startswith("|"):
        cells = cells[1:]  # "| Nr | Name |": the empty cell before the first bar
    return cells


def _export_line(line: str, offset: int) -> tuple[str, list[tuple[int, int]]] | None:
    """An export's header line: 3+ short cells by ";", a tab or ",", two or more of them a known header."""
    for delimiter in DELIMITERS:
        cells = _split(line, delimiter, offset)
        if cells is None or len(cells) < 3:
            continue
        labels = [line[start - offset : end - offset] for start, end in cells]
        if any(len(label.split()) > 4 for label in labels):
            continue  # a sentence with commas, not a header
        if sum(1 for label in labels if _column_types(label)) >= 2:
            return delimiter, cells
    return None


def _split(line: str, delimiter: str, offset: int) -> list[tuple[int, int]] | None:
    """The cells of a delimited line (quotes keep a delimiter inside a cell), or None if the
    line has fewer than two delimiters."""
    if line.count(delimiter) < 2:
        return None
    cells, start, quoted = [], 0, False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            cells.append((offset + start, offset + i))
            start = i + 1
    cells.append((offset + start, offset + len(line)))
    return cells


def _column_types(header: str) -> list[str]:
    """The entity (or entities, for "Patient / Geb.") a header cell names, else []."""
    label = re.sub(r"\s*\([^()]*\)$", "", header.strip().strip('"').strip().rstrip(":").strip()).lower()
    whole = _entity_of(label)
    if whole:
        return [whole]
    pieces = [p.strip() for p in label.split("/")]
    if len(pieces) > 1 and all(pieces):
        types = [_entity_of(p) for p in pieces]
        if all(types):
            kinds = [t for t in types if t]
            return kinds[:1] if len(set(kinds)) == 1 else kinds  # "Zi/Bett": one number
    return []


def _entity_of(label: str) -> str | None:
    entity = next((entity for pattern, entity in COLUMN_TYPES if pattern.fullmatch(label)), None)
    if entity == "HEALTHCARE_NUMBER" and FOREIGN_LABEL.search(label):
        return None  # "ICD-Code", "Tel.-Nr." of a kind the identifier labels leave to others
    return entity


def _parts(text: str, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """The cell, or its `count` parts split at " / " ("Haddad, Samir / 03.03.1977")."""
    if count == 1:
        return [(start, end)]
    bounds, begin = [], start
    for m in re.finditer(r"\s/\s", text[start:end]):
        bounds.append((begin, start + m.start()))
        begin = start + m.end()
    bounds.append((begin, end))
    return bounds if len(bounds) == count else [(start, start)] * count


def _cell_values(entity: str, text: str, start: int, end: int) -> Iterator[TypedSpan]:
    cell = text[start:end]
    stripped = cell.strip().strip('"').strip()
    if not stripped or stripped in ("-", "–"):
        return
    begin = start + cell.index(stripped)
    if entity in ("ADDRESS", "INSURANCE", "COMPANY"):
        if len(stripped.split()) <= 8:  # "Mellingerstrasse 44, 5400 Baden", "67105", "AOK Bayern"
            yield TypedSpan(entity, begin, begin + len(stripped), 0.75)
    elif entity in ("NAME", "OCCUPATION"):
        # a short cell of words: "Schuster, Erwin", "da Silva Moutinho, Beatriz", "Imhof/Kälin"
        if not any(c.isdigit() for c in stripped) and WORD.search(stripped) and len(stripped.split()) <= 6:
            yield TypedSpan(entity, begin, begin + len(stripped), 0.75)
    elif entity == "DOB":
        dates = [*DATE.finditer(cell), *EXPORT_DATE.finditer(cell)]
        for m in dates:
            yield TypedSpan(entity, start + m.start(), start + m.end(), 0.85)
        if not dates and (year := YEAR.fullmatch(stripped)):
            yield TypedSpan("BIRTH_YEAR", begin, begin + len(year.group()), 0.8)
    elif entity == "HEALTHCARE_NUMBER":
        if any(c.isdigit() for c in stripped) and len(stripped) <= 24:
            yield TypedSpan(entity, begin, begin + len(stripped), 0.75)
    elif entity == "PHONE":
        for m in PHONE.finditer(cell):
            if sum(c.isdigit() for c in m.group()) >= 3:
                yield TypedSpan(entity, start + m.start(), start + m.end(), 0.75)
    elif entity == "GENDER":
        if GENDER.fullmatch(stripped):
            yield TypedSpan(entity, begin, begin + len(stripped), 0.75)
    elif entity == "AGE":
        for m in AGE.finditer(cell):
            yield TypedSpan(entity, start + m.start(), start + m.end(), 0.7)
