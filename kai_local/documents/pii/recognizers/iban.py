"""IBANs (any country), printed compact or in groups of four: with right check digits anywhere,
and with any check digits after an IBAN label (a typo is still a bank account)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import iban

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}", re.IGNORECASE)


LABEL = words("IBAN", "IBAN:", "Kontonummer", "Konto", "Kto\\.", "Bankverbindung", "Zahlungsverbindung", "account")
# A labelled IBAN-shaped value: country, check digits, then groups of four, with letters where a
# bank code has them ("GB71 LOYD ..."); it ends before a word goes on.
SHAPE = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")


class IbanRule(RuleRecognizer):
    ENTITY = "IBAN"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in CANDIDATE.finditer(text):
            # The greedy match may run into following text ("... 3201 BIC ..."): take the
            # longest prefix that ends on a character and is a valid IBAN.
            candidate = m.group()
            ends = [i for i, ch in enumerate(candidate) if ch == " "] + [len(candidate)]
            for end in sorted(ends, reverse=True):
                if end >= 12 and iban.is_valid(candidate[:end]):
                    yield Span(m.start(), m.start() + end, 1.0)
                    break
            else:
                shaped = SHAPE.match(text, m.start())
                if shaped and has_context(LABEL, text, m.start(), 30):
                    yield Span(m.start(), shaped.end(), 0.85)
