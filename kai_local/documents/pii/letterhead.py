"""Organisational units around an institution that the rules found: the lines of a letterhead or an
address block between the institution and its street ("Kantonsspital Winterthur / Departement
Kinder- und Jugendmedizin / Brauerstrasse 15"), and the parts of a line joined to it by a dash,
a middle dot or a comma ("Spital Limmattal, Klinik für Chirurgie - Sozialberatung").

Such a unit ("Patientenverwaltung / Archiv", "Sachbereich Gewaltdelikte", "Team Süd") has no
head noun the institution rules know, yet it says where the patient was and who wrote: masked as
company. This runs on the resolved findings, after every recognizer: it needs to know where the
institution and the address are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kai_local.documents.pii.findings import Finding, coverage
from kai_local.documents.pii.lexicon import Lexicon

# An address block's opening line: "An die", "An das", "An:", "To:", "Einschreiben an".
RECIPIENT_OPENING = re.compile(r"^\s*(?:(?:Einschreiben\s+)?an\s+(?:die|das|den)|an:|to:)\s*$", re.I)
# The delivery line of an address block: "z. Hd. Frau Dr. Ruth Zechmeister", "Attn: ...".
DELIVERY = re.compile(r"^\s*(?:z\.\s*H(?:d)?\.|zu\s+Händen|Attn\b|c/o\b)", re.I)
# What an address block's first line names: an institution, or an insurer ("BARMER /
# Krankenhausabrechnung Region Nord / Postfach ...").
ANCHOR_TYPES = frozenset({"company", "insurance"})
DELIVERY_AFTER = re.compile(r",[ \t]*(?:z\.\s*H(?:d)?\.|zu\s+Händen|Attn\b|c/o\b)", re.I)
# Lines that are not a unit: a salutation or a delivery note ("z. Hd. Frau ...", "Herrn", "per Fax").
NOT_A_UNIT = re.compile(
    r"^\s*(?:z\.\s*H(?:d)?\.?|zu\s+Händen|zH\b|Herrn?\b|Frau\b|Familie\b|Attn\b|c/o\b|per\s|via\s|"
    r"Einschreiben|Vertraulich|Persönlich|Eilt|Dringend|Betreff|Betrifft|Sehr\s|Liebe|Dear\b|"
    r"Tel\b|Telefon|Fax\b|Telefax|Mobil|Handy|E-?Mail|Web|www\.|Internet|Postfach|Seite|Page\b|"
    r"IBAN|BIC|SWIFT|UID|DVR|GLN|ZSR|BSNR|LANR|HRB|HRA|FN\b|St\.-?Nr|Steuer)",
    re.I,
)
# Separators that join an institution and its unit on one line.
SEPARATOR = re.compile(r"\s+[–—·•]\s+|\s+-\s+|,\s+")
# Words a unit may hold besides capitalised ones ("Klinik für Chirurgie", "Medical Claims and ...").
UNIT_FUNCTION_WORDS = frozenset(
    "für und der die das des dem den am an im in zur zum vom von bei u. & / of and for the de du la".split()
)
# A role or a specialty under a doctor's name is not a unit: "Fachärztin für ...", "Consultant ...".
ROLE_WORD = re.compile(r"^(?:[A-ZÄÖÜ][a-zäöüß]*)?(?:[Aa]rzt|[Ää]rzt(?:in|e|innen)?)$")
TITLE = re.compile(r"(?<![\w.-])(?:Dr|Prof|Doz|Mag|DGKP|DGKS|MSc|BSc|MBA|FMH|FRCP\w*|MD)\b")
MAX_UNIT_LINE = 80
MAX_UNIT_WORDS = 8
MAX_BLOCK_LINES_ABOVE = 6  # how far above an address line a unit may stand
UNIT_SCORE = 0.6
WORD = re.compile(r"[^\W\d_][\w.'’&/-]*|\d+\.?")
# Findings that make a line something else than a unit (a phone line, a mail line, a date line).
CONTACT_TYPES = frozenset({"phone", "email", "url", "dob", "iban", "vat_number", "company_register"})


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str
    findings: tuple[Finding, ...]  # those that overlap the line


def add_units(text: str, findings: Sequence[Finding], lexicon: Lexicon) -> list[Finding]:
    """The findings with the organisational units around found institutions added as company."""
    lines = _lines(text, findings)
    mask = coverage(len(text), ((f.start, f.end) for f in findings))
    shaped = _UnitShape(lexicon)
    added: list[Finding] = []
    for block in _blocks(lines):
        added += _block_units(block, mask, shaped)
    for line in lines:
        added += _joined_units(line, mask, shaped)
    return sorted([*findings, *added], key=lambda f: f.start)


def _lines(text: str, findings: Sequence[Finding]) -> list[_Line]:
    """The text's lines, each with the findings on it (one pass: the findings are sorted; only
    those still open at a line's start are carried to it)."""
    ordered = sorted(findings, key=lambda f: f.start)
    out = []
    pos = 0
    index = 0
    active: list[Finding] = []
    for raw in text.split("\n"):
        end = pos + len(raw)
        active = [f for f in active if f.end > pos]
        while index < len(ordered) and ordered[index].start < end:
            if ordered[index].end > pos:
                active.append(ordered[index])
            index += 1
        out.append(_Line(pos, end, raw, tuple(f for f in active if f.start < end)))
        pos = end + 1
    return out


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of non-blank lines."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _opens_with_address(line: _Line) -> bool:
    indent = len(line.text) - len(line.text.lstrip())
    return any(f.pii_type == "address" and f.start <= line.start + indent + 1 for f in line.findings)


def _block_units(block: list[_Line], mask: bytearray, shaped: _UnitShape) -> list[Finding]:
    """Unit lines between an institution (or an "An die") and the address below it. Below a
    line with a person's name only that person's role or specialty follows: nothing is taken."""
    added: list[Finding] = []
    for index, line in enumerate(block):
        if not _opens_with_address(line):
            continue
        above = block[max(0, index - MAX_BLOCK_LINES_ABOVE) : index]
        anchor = next(
            (
                i
                for i, candidate in enumerate(above)
                if RECIPIENT_OPENING.match(candidate.text)
                or any(f.pii_type in ANCHOR_TYPES for f in candidate.findings)
            ),
            None,
        )
        if anchor is None:
            # "z. Hd. Frau ..." above the street: what stands above it is the addressee's body.
            delivery = next((i for i, c in enumerate(above) if DELIVERY.match(c.text)), None)
            if delivery is None:
                continue
            above, anchor = above[:delivery], -1
        for position, candidate in enumerate(above):
            if position < anchor:
                continue
            on_line = candidate.findings
            note = DELIVERY_AFTER.search(candidate.text)
            unit_end = candidate.start + (note.start() if note else len(candidate.text))
            if any(f.pii_type == "name" and f.start < unit_end for f in on_line):
                break
            if position > anchor:
                added += _unit_of_line(candidate, on_line, mask, shaped)
        break  # one address per block opens it; the lines below it are its own
    return added


def _unit_of_line(line: _Line, on_line: Sequence[Finding], mask: bytearray, shaped: _UnitShape) -> list[Finding]:
    """The uncovered part of a line that reads as a unit's name, as a company finding; up to a
    delivery note after a comma ("Fachgebiet Gesundheitswesen, z.H. Frau Dr. Zechmeister")."""
    value = line.text
    note = DELIVERY_AFTER.search(value)
    if note is not None:
        value = value[: note.start()]
    if any(f.pii_type in CONTACT_TYPES for f in on_line if f.start < line.start + len(value)) or not shaped(value):
        return []
    return _uncovered_unit(line.start, value, mask)


class _UnitShape:
    """Short, capitalised words with a few function words: a name, not a sentence, a label, a
    title or a role ("Fachärztin für Allgemeinmedizin", "Logopädin")."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.occupations = lexicon.occupations

    def __call__(self, value: str) -> bool:
        stripped = value.strip(" \t–—-·•")
        if not stripped or len(stripped) > MAX_UNIT_LINE or NOT_A_UNIT.match(stripped) or TITLE.search(stripped):
            return False
        if ":" in stripped or "@" in stripped or stripped.endswith((",", ";")):
            return False
        words = WORD.findall(stripped)
        if not words or len(words) > MAX_UNIT_WORDS or sum(c.isdigit() for c in stripped) > 3:
            return False
        first = words[0].rstrip(".")
        if first in self.occupations or ROLE_WORD.match(first) or first in ROLE_OPENINGS:
            return False
        if not any(w[0].isupper() and len(w) >= 3 for w in words) or any(w in CALENDAR_WORDS for w in words):
            return False
        return all(w[0].isupper() or w[0].isdigit() or w.lower() in UNIT_FUNCTION_WORDS for w in words)


# "Übergabe Frühdienst - Mittwoch": a day or a month is no unit.
CALENDAR_WORDS = frozenset(
    "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday Januar Jänner Februar Feber März April Mai Juni Juli August September Oktober November "
    "Dezember January February March May June July October December".split()
)
ROLE_OPENINGS = frozenset(
    "Consultant Specialist Registrar Leitende Leitender Leitung Chefarzt Chefärztin Primar Primaria "
    "Oberarzt Oberärztin Assistenzarzt Assistenzärztin Stationsleitung".split()
)


def _uncovered_unit(offset: int, value: str, mask: bytearray) -> list[Finding]:
    """The runs of `value` (at `offset`) that no finding covers and that name something."""
    found = []
    pos = 0
    while pos < len(value):
        if mask[offset + pos]:
            pos += 1
            continue
        end = pos
        while end < len(value) and not mask[offset + end]:
            end += 1
        run = re.search(r"[^\W_](?:.*[^\W_]|\))?", value[pos:end])
        if run and re.search(r"[A-ZÄÖÜ][^\W\d_]{3,}", run.group()):
            start = offset + pos + run.start()
            stop = offset + pos + run.end()
            mask[start:stop] = b"\x01" * (stop - start)
            found.append(Finding("company", start, stop, UNIT_SCORE))
        pos = end
    return found


def _joined_units(line: _Line, mask: bytearray, shaped: _UnitShape) -> list[Finding]:
    """Parts of a short line joined by a separator to a found institution on it, in a chain
    ("Klinik Bergsonne · Neurorehabilitation · Logopädie")."""
    if len(line.text) > 2 * MAX_UNIT_LINE or line.text.count("|") >= 2:  # a table row, or prose
        return []
    companies = [f for f in line.findings if f.pii_type == "company"]
    if not companies:
        return []
    # The line's pieces between separators, with their offsets, and the separator after each.
    pieces: list[tuple[int, int]] = []
    after: list[str] = []
    pos = 0
    for sep in SEPARATOR.finditer(line.text):
        pieces.append((pos, sep.start()))
        after.append(sep.group().strip())
        pos = sep.end()
    pieces.append((pos, len(line.text)))
    after.append("")
    company_piece = [any(line.start + a < f.end and line.start + b > f.start for f in companies) for a, b in pieces]
    added: list[Finding] = []
    # Forward from an institution ("Spital Thun – Sozialberatung"); backward only across a middle
    # dot ("Neuromed Campus · Klinik für Neurologie"): before a dash stands a document's title
    # ("Befundbericht Labor – Labor Dr. Weller").
    for direction in (1, -1):
        order = range(len(pieces)) if direction == 1 else range(len(pieces) - 1, -1, -1)
        joined = False
        for i in order:
            if company_piece[i]:
                joined = True
                continue
            a, b = pieces[i]
            piece = line.text[a:b]
            if direction == -1 and after[i] not in ("·", "•"):
                joined = False
            if not joined or any(mask[line.start + a : line.start + b]) or not shaped(piece):
                joined = False
                continue
            found = _uncovered_unit(line.start + a, piece, mask)
            added += found
            joined = bool(found)
    return added
