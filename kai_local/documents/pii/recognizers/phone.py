"""Telephone and fax numbers (AT, DE, CH first, then international), validated with phonenumbers.

A candidate is a run of digits with the usual separators. National numbers must start with the
trunk prefix 0 (AT/DE/CH), international ones with + or 00; only English text also accepts
North American numbers without a prefix, and then only next to a phone label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

CANDIDATE = re.compile(
    # not across " / " before a second number: "Tel. / Fax: 044 940 17 62 / 044 940 17 69"
    r"(?<![\w+/,-])(?:(?<=Tel\.)|(?<=Fax\.)|(?<!\.))(?:\+|00|\(0|0|\(?[1-9])"
    r"(?:(?![ \t]/[ \t]*(?:\+|0\d))[\d \t()/.–-]){5,22}\d(?![\w]|[.,]\d)"
)
EXTENSION = re.compile(r"\s*(?:x|ext\.?|Durchwahl|DW|Klappe|Kl\.)\s*\d{1,6}", re.IGNORECASE)
# An extension alone after its label: "Fax DW -20", "DW 64628", "Fax -39" (the number before it
# on the letterhead; the extension still reaches a person).
EXTENSION_ALONE = re.compile(
    r"(?<![\w])(?:(?:Fax|Tel\.?)[ \t]+DW|DW|Durchwahl|Durchw\.|Klappe|Kl\.|ext\.|DECT|Dect|Piepser|Pieper|Piep|Sucher|Funk|Nebenstelle"
    r"|intern|Bleep|Pager)[ \t.:]*(?P<v>-?\d{2,6})(?![\d\w])"
    r"|(?<![\w])(?:Fax|Telefax|Tel\.?|Telefon)[ \t:]*(?P<w>-[ ]?\d{1,5})(?![\d\w])"
    # an in-house number after "Tel.": "Tel. 2354", "(Tel. 3120)"
    r"|(?<![\w])(?:Tel\.?|Telefon|Fax)[ \t:]*(?P<x>\d{3,5})(?![\d\w]|[ \t./-]\d)"
)
# On a line with a telephone label and number, an extension after a word: "Befundauskunft -200",
# "(Sekretariat -4100)".
LINE_EXTENSION = re.compile(r"(?<=[^\W\d_][ \t])-\d{2,5}(?![\d\w.,])")
PHONE_LINE = re.compile(r"(?i:\bTel\b|Telefon|Fax\b)")
NUMBER_BEFORE = re.compile(r"\d[\d /()-]{4,}\d")
DATE_INSIDE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")
# North American numbers in their usual shapes, "(312) 471-9553" and "312-692-9633".
NANP_SHAPE = re.compile(r"^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[-.])\d{3}[-.]\d{4}$")
DATE_LIKE = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$|^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{2,4}$")
LABEL = words(
    "Tel",
    "Tel\\.",
    "Telefon",
    "Telefonnummer",
    "Tel\\.-Nr\\.",
    "T",
    "Fax",
    "F",
    "Telefax",
    "Mobil",
    "Mobiltelefon",
    "Handy",
    "Mob",
    "Mob\\.",
    "Phone",
    "Ph",
    "Cell",
    "Mobile",
    "Ruf",
    "Rufnummer",
    "erreichbar",
    "Notruf",
    "Durchwahl",
    "DW",
    "Hotline",
    "Zentrale",
    "call",
    "tel\\.:",
    "Contact",
    "Kontakt",
    "erreichbar unter",
    "unter",
    "on",
)
REGIONS = {"de": ("AT", "DE", "CH"), "en": ("GB", "US", "AT", "DE", "CH")}


class PhoneRule(RuleRecognizer):
    ENTITY = "PHONE"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        regions = REGIONS.get(self.supported_language, REGIONS["de"])
        for m in CANDIDATE.finditer(text):
            raw = m.group().rstrip(" \t-/.(")
            start = m.start()
            if "\n" in raw or DATE_LIKE.match(raw) or DATE_INSIDE.search(raw):
                continue
            # "+43 (0)2622 9004-21100": the bracketed trunk 0 is not dialled, nor counted
            digits = re.sub(r"\D", "", raw.replace("(0)", ""))
            if not 6 <= len(digits) <= 15:
                continue
            labelled = has_context(LABEL, text, start, 25)
            international = raw.startswith(("+", "00"))
            trunk = raw.lstrip("(").startswith("0")
            nanp = self.supported_language == "en" and NANP_SHAPE.match(raw) is not None
            if not (international or trunk or nanp or (labelled and self.supported_language == "en")):
                continue
            # a label says it is a number to call: an invalid one (a typo, a reserved range) still is
            if not self._valid(raw, regions, international) and not (labelled and len(digits) >= 7):
                continue
            end = start + len(raw)
            ext = EXTENSION.match(text, end)
            if ext:
                end = ext.end()
            yield Span(start, end, 0.95 if labelled else 0.85 if international or nanp else 0.75)
        for m in LINE_EXTENSION.finditer(text):
            before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
            if PHONE_LINE.search(before) and NUMBER_BEFORE.search(before):  # a number to call comes first
                yield Span(m.start(), m.end(), 0.65)
        for m in EXTENSION_ALONE.finditer(text):
            group = next(g for g in ("v", "w", "x") if m.group(g))
            yield Span(m.start(group), m.end(group), 0.7)

    @staticmethod
    def _valid(raw: str, regions: tuple[str, ...], international: bool) -> bool:
        raw = raw.replace("–", "-")  # "040 – 47 11 96 3": an en dash as separator
        number = "+" + raw[2:] if raw.startswith("00") else raw
        for region in (None,) if international else regions:
            try:
                parsed = phonenumbers.parse(number, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                return True
            # "+44 7700 914 226": a plus and a country code say "phone" even where the number
            # is not assigned (typos, test ranges); its length must still fit the country.
            if raw.startswith("+") and phonenumbers.is_possible_number(parsed):
                return True
        return False
