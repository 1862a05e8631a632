"""Nationality: adjectives and nouns (österreichisch, Türkin, Austrian) and, after a label, countries.

Adjectives double as language names ("spricht Türkisch"), so a bare adjective counts only after a
nationality label or before a person word; nouns (Österreicherin) count alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

LABEL = words(
    "Staatsbürgerschaft",
    "Staatsangehörigkeit",
    "Nationalität",
    "Herkunft",
    "Herkunftsland",
    "Staatsbürger(?:in)?",
    "Nationality",
    "Citizenship",
    "Citizen of",
    "national of",
)
LANGUAGE_CONTEXT = words(
    "Sprache",
    "Muttersprache",
    "Erstsprache",
    "spricht",
    "sprechend",
    "auf",
    "Dolmetsch(?:er|erin)?",
    "Übersetzung",
    "Kenntnisse",
    "speaks",
    "speaking",
    "language",
    "interpreter",
    "in",
)
PERSON_AFTER = re.compile(
    r"\s+(?:Staatsbürger(?:in)?|Staatsangehörige[rn]?|Patient(?:in)?|Mann|Frau|Pensionist(?:in)?|Familie"
    r"|Abstammung|Herkunft|citizen|national|patient|man|woman|male|female|descent|origin)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"(?<![\w-])[^\W\d_][\w-]*[^\W\d_](?![\w-])")
AMBIGUOUS_NOUNS = {
    "deutsche",
    "deutscher",
    "schweizer",
    "luxemburger",
    "liechtensteiner",
    "ire",
    "pole",
    "este",
    "inder",
    "jude",
}


class NationalityRule(RuleRecognizer):
    ENTITY = "NATIONALITY"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        vocabulary = self.lexicon.nationality_words
        for m in WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            if lower not in vocabulary and word not in self.lexicon.countries:
                continue
            labelled = has_context(LABEL, text, m.start(), 35)
            if labelled:
                yield Span(m.start(), m.end(), 0.9)
                continue
            if word in self.lexicon.countries or has_context(LANGUAGE_CONTEXT, text, m.start(), 20):
                continue
            is_noun = word[0].isupper() and lower not in AMBIGUOUS_NOUNS and self._is_noun(lower)
            before_person = PERSON_AFTER.match(text, m.end()) is not None
            if before_person or (is_noun and not self._followed_by_capitalised(text, m.end())):
                yield Span(m.start(), m.end(), 0.75)

    @staticmethod
    def _is_noun(lower: str) -> bool:
        # Adjectives end in -isch/-sch (+ inflection) or are English (-an, -ish, -ese ...).
        return not re.search(r"sch(?:e|er|en|em|es)?$|(?:an|ish|ese|ic|i|ch)$", lower)

    @staticmethod
    def _followed_by_capitalised(text: str, end: int) -> bool:
        """'Schweizer Franken', 'Wiener Straße': a demonym used as an attribute, not a person."""
        m = re.match(r" ([A-ZÄÖÜ])", text[end : end + 2])
        return m is not None
