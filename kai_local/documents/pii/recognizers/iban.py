"""IBANs (any country), printed compact or in groups of four; the check digits must be right."""

from __future__ import annotations

import re
from typing import Iterable

from stdnum import iban

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}", re.IGNORECASE)


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
