"""Year of birth: "Jahrgang 1965", "Jg. 1965", "Geburtsjahr: 1965", "geb. 1965", "(*1965)", "born in 1965"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

YEAR = re.compile(
    r"(?<!\w)(?:Jahrgang|Jg\.|Geburtsjahr|Geb\.-?Jahr|geb\.|geboren(?: im Jahr| im Jahre)?|Jahrgang:|"
    r"born(?: in)?|year of birth|birth year|YOB)\s*:?\s*(?P<v>(?:19|20)\d{2})(?!\w|\.\d)"
    r"|(?<![\w*])\*\s?(?P<w>(?:19|20)\d{2})(?!\w|\.\d)",
    re.IGNORECASE,
)


class BirthYearRule(RuleRecognizer):
    ENTITY = "BIRTH_YEAR"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        this_year = dt.date.today().year
        for m in YEAR.finditer(text):
            group = "v" if m.group("v") else "w"
            if 1900 <= int(m.group(group)) <= this_year:
                yield Span(m.start(group), m.end(group), 0.9)
