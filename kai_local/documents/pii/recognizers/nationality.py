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
    "Staatsbürgersch\\.",
    "Staatsang\\.",
    "Staatsangeh\\.",
    "Staatsbürg\\.",
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
    r"\s+(?:Staatsbürger(?:in)?|Staatsangehörige[rn]?|Patient(?:in|en|innen)?|Mann|Frau|Pensionist(?:in)?|Familie"
    # "einer slowakischen Betreuerin", "schweizerisch-italienischer Doppelbürger"
    r"|Betreuer(?:in)?|Pfleger(?:in)?|Pflegekraft|(?:Doppel)?[Bb]ürger(?:in)?|Ehefrau|Ehemann|Mutter|Vater"
    r"|Arbeiter(?:in)?|Asylwerber(?:in)?|Flüchtling|Wurzeln"
    r"|Abstammung|Herkunft|citizen|national|patient|man|woman|male|female|descent|origin)\b",
    re.IGNORECASE,
)
# the label right before its value, also in a table's cell: "| Staatsangehörigkeit | Ungarn |"
LABEL_RIGHT_BEFORE = re.compile(r"(?:" + LABEL.pattern + r")[ \t]*[:|]?[ \t]*$", re.IGNORECASE)
# Countries by their three-letter code, as a form prints them after the label: "NATIONALITÄT ITA".
COUNTRY_CODES = frozenset(
    """AUT DEU CHE LIE ITA FRA ESP PRT NLD BEL LUX GBR IRL USA CAN HUN CZE SVK POL SVN HRV SRB BIH MNE MKD ALB
    KOS XKX ROU BGR GRC TUR SYR IRQ IRN AFG PAK IND CHN RUS UKR BLR MDA GEO ARM AZE SOM ERI ETH NGA MAR DZA TUN
    EGY SWE NOR DNK FIN BRA""".split()
)
LIST_JOIN = re.compile(r"[ \t]*(?:,|/|und|oder|u\.|and|or)[ \t]*")
COORDINATED = re.compile(r"\s+(?:und|oder|u\.|and|or)\s+([^\W\d_][\w-]*)")
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
        labelled_end = -1  # where the last labelled value ended: a second one may follow it
        for m in WORD.finditer(text):
            word = m.group()
            lower = word.lower()
            # "schweizerisch-italienischer": every part a nationality word
            hyphenated = "-" in lower and all(part in vocabulary for part in lower.split("-"))
            if word in COUNTRY_CODES:
                if _right_after_label(text, m.start()):
                    yield Span(m.start(), m.end(), 0.85)
                continue
            if lower not in vocabulary and word not in self.lexicon.countries and not hyphenated:
                continue
            labelled = has_context(LABEL, text, m.start(), 35)
            if word in self.lexicon.countries:
                # a country only as the label's value: "Staatsbürgerschaft: Syrien", not "seit 2015 in Österreich"
                labelled = _right_after_label(text, m.start())
            # "Staatsangehörigkeit: schweizerisch, französisch", "Schweiz/Kosovo": the label's second value
            labelled = labelled or (
                labelled_end >= 0 and LIST_JOIN.fullmatch(text, labelled_end, m.start()) is not None
            )
            if labelled:
                labelled_end = m.end()
                yield Span(m.start(), m.end(), 0.9)
                continue
            if word in self.lexicon.countries:
                continue
            # "italienische und schweizerische Staatsbürgerin": the first of two adjectives too
            coordinated = COORDINATED.match(text, m.end())
            after = coordinated.end() if coordinated and coordinated.group(1).lower() in vocabulary else m.end()
            if PERSON_AFTER.match(text, after) is not None:
                yield Span(m.start(), m.end(), 0.75)
                continue
            if has_context(LANGUAGE_CONTEXT, text, m.start(), 20):
                continue
            is_noun = word[0].isupper() and lower not in AMBIGUOUS_NOUNS and self._is_noun(lower)
            if is_noun and not self._followed_by_capitalised(text, m.end()):
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


def _right_after_label(text: str, start: int) -> bool:
    """Whether a nationality label stands right before `start` ("Staatsbürgerschaft: Syrien")."""
    return LABEL_RIGHT_BEFORE.search(text[max(0, start - 40) : start]) is not None
