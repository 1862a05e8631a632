"""Payment card numbers: 13-19 digits with a known issuer prefix and a valid Luhn check digit."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import luhn

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

CANDIDATE = re.compile(r"(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])")
ISSUER = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|64[4-9]|35|36|38|30[0-5])")
# Words that name a card right before its number.
CARD_WORDS = (
    "Kreditkarte",
    "Kreditkartennummer",
    "Kartennummer",
    "Karten-Nr\\.",
    "Visa",
    "Mastercard",
    "Maestro",
    "Amex",
    "American Express",
    "Diners",
    "credit card",
    "card number",
    "Debitkarte",
)
CARD_LABEL = words(*CARD_WORDS)
# Near a valid number these say "card" too: "Karte", "card" alone, "Zahlung".
CONTEXT = words(*CARD_WORDS, "Karte", "card", "Zahlung")


class CreditCardRule(RuleRecognizer):
    ENTITY = "CREDIT_CARD"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in CANDIDATE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if not 13 <= len(digits) <= 19 or not ISSUER.match(digits):
                continue
            labelled = has_context(CONTEXT, text, m.start(), 40)
            if luhn.is_valid(digits):
                yield Span(m.start(), m.end(), 1.0 if labelled else 0.85)
            elif labelled and has_context(CARD_LABEL, text, m.start(), 25):
                # A card's number with a typo is still the card's number: the label says what it is.
                yield Span(m.start(), m.end(), 0.7)
