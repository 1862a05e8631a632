"""Insurance: the carrier (ÖGK, BVAEB, AOK Bayern, Helsana, UNIQA, ...) and policy/member numbers
next to their label. Social insurance numbers with check digits are healthcare_number."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words, words_of
from kai_local.documents.pii.recognizers.listed import matchers

INSURANCE_WORDS = words(
    "Versicherung",
    "Versicherungsträger",
    "Versicherungsanstalt",
    "Krankenversicherung",
    "Zusatzversicherung",
    "Privatversicherung",
    "Krankenkasse",
    "Kasse",
    "Kostenträger",
    "Träger",
    "versichert",
    "KV",
    "Sozialversicherung",
    "insurance",
    "insurer",
    "insured",
    "health plan",
    "payer",
    "Krankenversicherer",
    "Vers\\.",
    "Versicherer",
    "KK",
    "Grundversicherung",
    "KVG",
    "VVG",
    "Kostengutsprache",
    "EHIC",
    "Krankenversicherungskarte",
    "Kostenzusage",
    "Kostenübernahme",
    "cost guarantee",
    "policy",
    "Polizze",
    "Police",
)
POLICY = re.compile(
    r"(?<!\w)(?:Polizzen?(?:nummer|-?Nr\.?)?|Polizze|Police(?:nnummer|-?Nr\.?)?|Versicherungsschein(?:nummer|-?Nr\.?)?"
    r"|Vertragsnummer|Vertrags-?Nr\.?|(?-i:Vertrag)(?=[ \t]{1,4}(?:[:#][ \t]{0,4})?(?-i:[A-Z]{1,5})[ -]?\d)|Mitgliedsnummer|Mitglieds-?Nr\.?|Versicherungsnummer|Vers\.-?Nr\.?"
    r"|Versichertennummer|Policy(?: number| No\.?| ID)?|Member(?:ship)? (?:ID|number|No\.?)|Insurance (?:ID|number|No\.?))"
    # "NÖ-SP-44018273"; a full stop and a space end the value ("PZT 44-0918273. Der ..."), so a
    # "Nr." after the label is read as the label's ("Polizze Nr. 417-534100-2")
    r"(?:[ \t]?(?:Nr|No)\.)?\s*[:#]?\s*(?P<v>[A-ZÄÖÜ0-9](?:(?:[A-ZÄÖÜ0-9/ -]|\.(?! )){3,22}[A-ZÄÖÜ0-9])?)(?![\w-])",
    re.IGNORECASE,
)

# A carrier's name after its label, listed or not: "Zusatzversicherung: Hanse-Union Zahnschutz",
# "Krankenkasse: BKK Mobil Oil" (up to four capitalised words, on the label's line).
CARRIER_LABEL = re.compile(
    r"(?<![\w-])(?:Krankenkasse|Kasse|KK|Krankenversicherung|Zusatzversicherung|Privatversicherung|Versicherung"
    r"|Versicherer|Krankenversicherer|Kostenträger|Versicherungsträger)[ \t]*:[ \t]*"
    # words without a full stop (it ends the sentence: "Krankenkasse: AOK. Die ..."), but "a. G."
    r"(?P<v>[A-ZÄÖÜ][\w&'’-]*(?:[ \t](?:[A-ZÄÖÜ&][\w&'’-]*|a\.[ \t]?G\.)){0,3})"
)


class InsuranceRule(RuleRecognizer):
    ENTITY = "INSURANCE"

    def load(self) -> None:
        self.plain, self.marked = matchers(self.lexicon.insurers, casefold=False)

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for start, end in self.plain.finditer(text, words_of(nlp_artifacts)):
            yield Span(start, end, 0.85)
        for start, end in self.marked.finditer(text, words_of(nlp_artifacts)):
            after = text[end : end + 40].split("\n", 1)[0]  # "register with CSS for basic insurance"
            if has_context(INSURANCE_WORDS, text, start, 40) or INSURANCE_WORDS.search(after):
                yield Span(start, end, 0.8)
        for m in CARRIER_LABEL.finditer(text):
            value = m.group("v")
            if not all(self.lexicon.is_everyday_word(w) for w in value.split()):  # not "Privat", "Keine Angabe"
                yield Span(m.start("v"), m.start("v") + len(value), 0.7)
        for m in POLICY.finditer(text):
            value = m.group("v").rstrip(" .-/")
            if sum(c.isdigit() for c in value) >= 4:
                yield Span(m.start("v"), m.start("v") + len(value), 0.8)
