"""Year of birth: "Jahrgang 1965", "Jg. 1965", "Geburtsjahr: 1965", "geb. 1965", "(*1965)", "born in 1965"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

YEAR = re.compile(
    r"(?<!\w)(?:Jahrgang|Jg\.|Geburtsjahr|Geb\.-?Jahr|geb\.|geboren(?: im Jahr| im Jahre)?|Jahrgang:|"
    r"born(?: in)?|year of birth|birth year|YOB)\s*:?\s*(?P<v>(?:19|20)\d{2})(?!\w|\.\d)"
    r"|(?<![\w*])\*\s?(?P<w>(?:19|20)\d{2})(?!\w|\.\d)"
    # a year alone closing the patient's line: "Patient: Stucki Fritz, 1952"
    r"|(?im:^[ \t]*(?:Patient(?:in)?|Pat\.|Name)[ \t]*:[^\n]{3,60}?,[ \t]*(?P<y>(?:19|20)\d{2})[ \t]*$)"
    # "wurde 1938 in Lwówek Śląski geboren"
    r"|(?<!\w)wurde[ \t]+(?P<x>(?:19|20)\d{2})(?=[ \t]+(?:in[ \t]+[^\s.,;][^\n.,;]{0,39}?[ \t]+)?geboren)",
    re.IGNORECASE,
)


class BirthYearRule(RuleRecognizer):
    ENTITY = "BIRTH_YEAR"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        this_year = dt.date.today().year
        for m in YEAR.finditer(text):
            group = next(g for g in ("v", "w", "x", "y") if m.group(g))
            if 1900 <= int(m.group(group)) <= this_year:
                yield Span(m.start(group), m.end(group), 0.9)
