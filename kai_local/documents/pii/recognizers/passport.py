"""Passport and identity card numbers; these formats collide with any code, so only next to
their label (Reisepass, Personalausweis, passport, ...)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

LABEL = re.compile(
    r"(?<!\w)(?:Reisepass(?:nummer|-?Nr\.?)?|Pass(?:nummer|-?Nr\.?|-?Nummer)|Passport(?: No\.?| number| #| ID)?"
    r"|Personalausweis(?:nummer|-?Nr\.?)?|Ausweis(?:nummer|-?Nr\.?)?|Identitätsausweis(?:-?Nr\.?)?"
    r"|Identitätskarte(?:-?Nr\.?)?|ID[- ]card(?: No\.?| number)?|Aufenthaltstitel(?:-?Nr\.?)?"
    r"|Dokumentennummer|Document (?:No\.?|number)"
    r"|Pass(?=[ \t:]{1,8}[A-Z]{1,2}\d{6,8}(?!\w))"  # "Pass FX482917": the bare word before a passport's shape
    r"|Verfahrenskarte|Personalausw\.)(?!\w)",  # an asylum procedure's card; "Reisepass/Personalausw.:"
    re.IGNORECASE,
)
# Up to a few label-ish words between label and number ("Reisepass Nr.:", "Passport No. is"). The
# fillers are bounded, and so is each lookahead: unbounded, a long run of blanks after a label
# was split every way and rescanned (16,000 blanks after "Ausweis": 14 s).
VALUE = re.compile(
    r"[^\n\w]{0,24}(?:(?:Nr|No|nr|no|Nummer|number|is|ist|lautet|lautend auf|Personalausw)\.?[^\n\w]{0,24}){0,2}"
    r"(?P<v>(?=(?:[A-Z]{0,10}\d){4})[A-Z0-9]{7,10}"
    # or in groups, as a card prints it: "HU 704 13 82 AB", "VK 2026 0031 887", "46 221 837"
    r"|(?=(?:[A-Z ]{0,10}\d){6})[A-Z0-9]{2,4}(?: [A-Z0-9]{2,4}){2,4})(?![\w])"
)


class PassportRule(RuleRecognizer):
    ENTITY = "PASSPORT"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for label in LABEL.finditer(text):
            m = VALUE.match(text, label.end())
            if m:
                yield Span(m.start("v"), m.end("v"), 0.9)
