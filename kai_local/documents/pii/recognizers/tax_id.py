"""Tax identification numbers: German Steuer-ID (de.idnr) and Steuernummer (de.stnr), Austrian
Abgabenkontonummer/Steuernummer (at.tin), UK UTR (gb.utr), US EIN, Italian codice fiscale
(it.codicefiscale, whose shape alone is telling); all but the check-digit-safe Steuer-ID and the
codice fiscale need their label."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.at import tin as at_tin
from stdnum.de import idnr, stnr
from stdnum.gb import utr
from stdnum.it import codicefiscale

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

IDNR = re.compile(r"(?<![\d/.-])\d{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}(?![\d]|[/.-]\d)")
# Also Baden-Württemberg's "65001/22314".
STNR = re.compile(r"(?<![\d/])\d{2,3}/\d{3,4}/\d{4,5}(?![\d/])|(?<![\d/])\d{5}/\d{5}(?![\d/])|(?<!\d)\d{13}(?!\d)")
AT_TIN = re.compile(r"(?<![\d/-])\d{2}[- ]?\d{3}/?\d{4}(?![\d/])")
UTR = re.compile(r"(?<!\d)(?:\d{5} ?\d{5})(?!\d)")
EIN = re.compile(r"(?<![\d-])\d{2}-\d{7}(?![\d-])")
# Surname and given-name letters, birth year, month letter, day (+40 for women), town, check letter.
CODICE_FISCALE = re.compile(r"(?<![\w])[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z](?![\w])")
LABEL = words(
    "Steuernummer",
    "Steuer-Nr\\.?",
    "Steuernr\\.?",
    "St\\.?-?Nr\\.?",
    "StNr\\.?",
    "Steuer-ID",
    "Steuer-IdNr\\.?",
    "Steuer-Identifikationsnummer",
    "Steueridentifikationsnummer",
    "steuerliche Identifikationsnummer",
    "Identifikationsnummer",
    "IdNr\\.?",
    "TIN",
    "Tax ID",
    "Tax number",
    "Taxpayer",
    "UTR",
    "EIN",
    "Abgabenkontonummer",
    "Abgabenkonto",
    "Finanzamt",
    "Steuerkonto",
)


class TaxIdRule(RuleRecognizer):
    ENTITY = "TAX_ID"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in IDNR.finditer(text):
            labelled = has_context(LABEL, text, m.start())
            if idnr.is_valid(m.group()):
                yield Span(m.start(), m.end(), 1.0 if labelled else 0.6)
            elif labelled:
                yield Span(m.start(), m.end(), 0.8)  # "Steuer-ID 57 318 094 226" with a typo
        for m in CODICE_FISCALE.finditer(text):
            # a typed one may miss its check letter: the shape is an Italian tax code's all the same
            yield Span(m.start(), m.end(), 0.95 if codicefiscale.is_valid(m.group()) else 0.8)
        checks = ((STNR, stnr.is_valid), (AT_TIN, at_tin.is_valid), (UTR, utr.is_valid), (EIN, lambda v: True))
        for pattern, valid in checks:
            for m in pattern.finditer(text):
                # A label says what the number is; a wrong check digit (a typo) does not make it less so.
                if has_context(LABEL, text, m.start()):
                    yield Span(m.start(), m.end(), 0.95 if valid(m.group()) else 0.8)
