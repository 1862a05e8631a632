"""Findings: resolving overlaps (the most specific wins) and finding every repetition of a value."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kai_local.documents.pii.lexicon import Lexicon

# When two findings overlap with equal score and length, the earlier type here wins: values
# with check digits or a strict syntax before pattern-with-context before list lookups.
SPECIFICITY = (
    "iban",
    "credit_card",
    "healthcare_number",
    "tax_id",
    "vat_number",
    "company_register",
    "email",
    "linkedin",
    "ip_address",
    "url",
    "passport",
    "vehicle",
    "phone",
    "dob",
    "username",
    "birth_year",
    "age",
    "address",
    "company",
    "name",
    "insurance",
    "medical",
    "occupation",
    "nationality",
    "religion",
    "gender",
)
_RANK = {t: i for i, t in enumerate(SPECIFICITY)}
# Repetitions of short values ("m" for male) would hit ordinary words.
MIN_REPEAT_LENGTH = 3
# The town after a postcode in an address value: "Dorfstrasse 56, 8706 Meilen", "6356 Rigi Kaltbad".
POSTAL_TOWN = re.compile(r"(?<![\w-])\d{4,5}[ \t]+([A-ZÄÖÜ][\w'’.-]*(?:[ \t][A-ZÄÖÜ][\w'’-]*){0,2})")
NO_REPEAT_TYPES = frozenset({"gender"})


@dataclass(frozen=True)
class Finding:
    pii_type: str
    start: int
    end: int
    score: float
    source: str = "rules"  # rules | ai | repeat

    @property
    def length(self) -> int:
        return self.end - self.start


def resolve_overlaps(findings: Iterable[Finding], text: str | None = None) -> list[Finding]:
    """Keep a non-overlapping subset: higher score first, then the longer span, then the more
    specific type. Returned sorted by position.

    With the `text`, a finding that overlaps a stronger one keeps what is left of it where that
    names something ("Abteilung für Nephrologie" beside "Landesklinikum Neunkirchen"
    found as part of a longer, weaker institution span): dropping it whole would leave readable
    what only it covered. A rest that is only function words ("bei", "rechts") is dropped."""
    ranked = sorted(findings, key=lambda f: (-round(f.score, 2), -f.length, _RANK.get(f.pii_type, 99), f.start))
    taken: list[Finding] = []
    mask = bytearray(max((f.end for f in ranked), default=0))
    for f in ranked:
        if any(mask[f.start : f.end]):
            if text is not None:
                for start, end in _uncovered_words(text, mask, f.start, f.end):
                    mask[start:end] = b"\x01" * (end - start)
                    taken.append(Finding(f.pii_type, start, end, f.score, f.source))
            continue
        mask[f.start : f.end] = b"\x01" * f.length
        taken.append(f)
    return sorted(taken, key=lambda f: f.start)


def _telling_remainder(value: str) -> bool:
    """A rest worth masking: a capitalised word of 4+ letters or a digit, not a lone function
    word ("bei", "rechts", "keine") that the stronger finding happened to leave."""
    return any(c.isdigit() for c in value) or any(w[0].isupper() for w in re.findall(r"[^\W\d_]{4,}", value))


def _uncovered_words(text: str, mask: bytearray, start: int, end: int) -> list[tuple[int, int]]:
    """The runs of `text[start:end]` not yet masked, trimmed to words, that say something."""
    runs = []
    pos = start
    while pos < end:
        if mask[pos]:
            pos += 1
            continue
        run_end = pos
        while run_end < end and not mask[run_end]:
            run_end += 1
        m = re.search(r"\w(?:.*\w)?", text[pos:run_end], re.S)
        if m and _telling_remainder(m.group()):
            runs.append((pos + m.start(), pos + m.end()))
        pos = run_end
    return runs


def name_parts(value: str, lexicon: Lexicon) -> list[str]:
    """The parts of a name that identify the person when they appear alone ("Mustermann")."""
    parts = []
    for part in re.split(r"[\s,]+", value):
        if len(part) < MIN_REPEAT_LENGTH or not part[0].isupper() or part in lexicon.not_names:
            continue
        if part.endswith("."):
            continue  # an abbreviation a name rule took along ("Dr." of "TTE Dr."): no name alone
        if part.lower() in lexicon.common_words and part not in lexicon.last_names:
            continue
        parts.append(part)
        if part.isupper():
            parts.append(part.title())
        elif part.istitle() and "-" not in part:
            parts.append(part.upper())
    # the family name with its particles: "van der Linden" of "Dorothea van der Linden"
    particle = re.search(r"(?<!\S)(?:von|van|de|da|di|dos|das|du|del|della|zu|ten|ter|vom|zur)\s+\S.*$", value)
    if particle and " " in particle.group():
        parts.append(particle.group())
    return parts


def repeatable_values(text: str, findings: Iterable[Finding], lexicon: Lexicon) -> dict[str, str]:
    """value -> type for every found value (and every identifying part of a found name)."""
    wanted: dict[str, str] = {}
    for f in findings:
        if f.pii_type in NO_REPEAT_TYPES:
            continue
        value = text[f.start : f.end]
        if f.pii_type == "address":
            # The town of a postal address is the patient's town wherever else it stands
            # ("8706 Meilen" ... "Spitex, Stützpunkt Meilen"), also when it is a word too.
            for town in POSTAL_TOWN.findall(value):
                # "Titisee-Neustadt": each part of a hyphenated town names the place too
                for name in (town, *town.split("-")):
                    if len(name) >= MIN_REPEAT_LENGTH:  # "6300 Zug": "Zug, 4 March 2025"
                        wanted.setdefault(name, "address")
            if value.lower() in lexicon.german_frequent:
                continue  # "wohnhaft in Baden" does not make every "Baden" (bathing) a place
        candidates = [value] + (name_parts(value, lexicon) if f.pii_type == "name" else [])
        for candidate in candidates:
            if len(candidate) >= MIN_REPEAT_LENGTH:
                wanted.setdefault(candidate, f.pii_type)
    return wanted


def coverage(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """A byte per character of a text of `length`: 1 where one of `spans` (start, end) covers it."""
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def add_occurrences(text: str, findings: list[Finding], wanted: dict[str, str]) -> list[Finding]:
    """Each whole-word occurrence of a wanted value outside the findings becomes a finding."""
    if not wanted:
        return findings
    mask = coverage(len(text), ((f.start, f.end) for f in findings))
    added = []
    for value in sorted(wanted, key=len, reverse=True):  # longest first: "Max Mustermann" before "Max"
        start = text.find(value)
        while start != -1:
            end = start + len(value)
            whole_word = not (start > 0 and _is_word(text[start - 1])) and not (end < len(text) and _is_word(text[end]))
            if whole_word and not any(mask[start:end]):
                mask[start:end] = b"\x01" * len(value)
                added.append(Finding(wanted[value], start, end, 0.8, "repeat"))
            start = text.find(value, start + 1)
    return sorted(findings + added, key=lambda f: f.start)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def add_repetitions(text: str, findings: list[Finding], lexicon: Lexicon) -> list[Finding]:
    """Every other occurrence of a found value becomes a finding: nothing leaks by repetition."""
    return add_occurrences(text, findings, repeatable_values(text, findings, lexicon))
