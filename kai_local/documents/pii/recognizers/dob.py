"""Date of birth: a date after a birth label (geb., geboren am, Geburtsdatum, *, DOB, born), a date
on a patient's identification line, or a date equal to the one inside a valid Austrian SVNR.
Other dates (admission, examination, invoice) are not reported."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from stdnum.at import vnr

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, context_before, words
from kai_local.documents.pii.recognizers.dates import find_dates, plausible_birth_date

BIRTH_LABEL = re.compile(
    r"(?:(?<!\w)(?:geb\.?|geboren|geb\. am|geboren am|Geburtsdatum|Geb\.-?Dat\.?|Geb\.-?datum|GebDat|"
    r"Geburtstag|DOB|D\.O\.B\.|Date of birth|Birth date|Birthdate|born(?: on)?|b\.)|\*)"
    r"[\s:.,]*(?:am|on)?[\s:]*$",
    re.IGNORECASE,
)
ID_LINE = words("Patient", "Patientin", "Pat\\.", "Name", "Versicherte[r]?", "Patient name", "PatientIn")
OTHER_DATE = words(
    "aufgenommen",
    "Aufnahme",
    "Entlassung",
    "entlassen",
    "Datum",
    "vom",
    "am",
    "seit",
    "bis",
    "Termin",
    "Untersuchung",
    "Befund",
    "Rechnung",
    "Wien,",
    "Graz,",
    "Date",
    "admitted",
    "discharged",
    "visit",
    "on",
    "since",
    "dated",
    "Leistungszeitraum",
    "Operation",
    "OP",
)
# A full date (day, month, year) at least this many years back is masked as dob without a label.
OLD_DATE_YEARS = 12
FULL_DATE = re.compile(
    r"\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zäöü]+)\s?\d{4}|\d{1,2}\s[A-Z][a-z]+\s\d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{4}\.\d{2}\.\d{2}"  # Hungarian order: "1974.08.19"
)
SVNR = re.compile(r"(?<!\d)\d{4}[ ]?\d{2}[ .]?\d{2}[ .]?\d{2}(?!\d)")


class DobRule(RuleRecognizer):
    ENTITY = "DOB"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        svnr_dates = self._svnr_dates(text)
        for found in find_dates(text):
            if not plausible_birth_date(found.date):
                continue
            before = context_before(text, found.start, 30)
            if BIRTH_LABEL.search(before):
                yield Span(found.start, found.end, 0.95)
            elif found.date.strftime("%d%m%y") in svnr_dates:
                yield Span(found.start, found.end, 0.9)
            elif self._on_id_line(text, found.start) and not OTHER_DATE.search(context_before(text, found.start, 15)):
                yield Span(found.start, found.end, 0.7)
            elif found.date.year <= date.today().year - OLD_DATE_YEARS and FULL_DATE.search(
                text[found.start : found.end]
            ):
                # HIPAA Safe Harbor removes every date; a full date of long ago is most often a
                # birth date ("Caminada, Giusep, 17.01.1946") and never harmless to mask.
                yield Span(found.start, found.end, 0.55)

    @staticmethod
    def _svnr_dates(text: str) -> set[str]:
        dates = set()
        for m in SVNR.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if vnr.is_valid(digits):
                dates.add(digits[4:])
        return dates

    @staticmethod
    def _on_id_line(text: str, start: int) -> bool:
        """The date shares its line with a patient label, and is the first date on it."""
        line = context_before(text, start, 80)
        return bool(ID_LINE.search(line)) and not re.search(r"\d{1,2}\.\d{1,2}\.\d{2,4}", line)
