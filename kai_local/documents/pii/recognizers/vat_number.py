"""VAT identification numbers: ATU (at.uid), DE (de.vat), CHE ... MWST (ch.vat), other EU
numbers (eu.vat) next to a VAT label."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.at import uid
from stdnum.ch import vat as ch_vat
from stdnum.de import vat as de_vat
from stdnum.eu import vat as eu_vat

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

AT = re.compile(r"(?<!\w)ATU ?\d{2} ?\d{3} ?\d{3}(?!\w)|(?<!\w)ATU ?\d{4} ?\d{4}(?!\w)")
DE = re.compile(r"(?<!\w)DE ?\d{3} ?\d{3} ?\d{3}(?!\w)")
# The number without its "MWST": the same number stands alone as the company's register number
# ("Handelsregister: CHE-114.587.302"), where the repetition rule then finds it.
CH = re.compile(r"(?<!\w)(?P<n>CHE[- ]?\d{3}[. ]?\d{3}[. ]?\d{3}) ?(?:MWST|TVA|IVA|VAT)(?!\w)")
EU = re.compile(
    r"(?<!\w)(?:BE|BG|CY|CZ|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI) ?[0-9A-Z][0-9A-Z ]{7,13}[0-9A-Z](?!\w)"
)
LABEL = words(
    "UID",
    "UID-Nr\\.?",
    "UID-Nummer",
    "USt-IdNr\\.?",
    "USt\\.-IdNr\\.?",
    "USt-ID",
    "UStID",
    "Umsatzsteuer-Identifikationsnummer",
    "Umsatzsteuer-ID",
    "MwSt-Nr\\.?",
    "MWST-Nr\\.?",
    "VAT",
    "VAT number",
    "VAT No\\.?",
    "VAT ID",
    "TVA",
    "IVA",
    "Mehrwertsteuernummer",
)


class VatNumberRule(RuleRecognizer):
    ENTITY = "VAT_NUMBER"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for pattern, valid in ((AT, uid.is_valid), (DE, de_vat.is_valid), (CH, ch_vat.is_valid)):
            for m in pattern.finditer(text):
                start, end = m.span("n") if "n" in pattern.groupindex else m.span()
                if valid(m.group()):
                    yield Span(start, end, 1.0)
                elif has_context(LABEL, text, m.start()) or pattern is AT:
                    yield Span(start, end, 0.85)  # a label (or ATU's own prefix) says what it is
        for m in EU.finditer(text):
            value = m.group().rstrip()
            if has_context(LABEL, text, m.start()) and eu_vat.is_valid(value):
                yield Span(m.start(), m.start() + len(value), 0.95)
