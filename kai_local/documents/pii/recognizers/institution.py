"""Institutions by their head noun: departments, wards, practices, services, schools, courts and
authorities, with what names them ("Abteilung für Innere Medizin 2", "Station 4 Nord", "Hausarztpraxis am Markt", "Spitex Obersee", "KESB Hinwil", "Interne Abteilung",
"Volksschule Vomp", "Department of Cardiology", "Marston Road Surgery"). Reported as company.

A head noun alone ("in der Praxis", "die Station") is no institution: it needs a name after it
(capitalised words, a place, a ward code, "am/an der ..."), a "für ..." after it, or an adjective
before it ("Phoniatrische Ambulanz", "2. Medizinische Abteilung"). A person after the head stays
a name ("Praxis Dr. [[NAME_1]]"), so that it has the same placeholder everywhere in the letter.
Hospitals by their legal form or hospital word stay in company.py.
"""

from __future__ import annotations

import re
from typing import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

HEAD_ENDINGS = (
    "klinik", "klinikum", "kliniken", "spital", "krankenhaus", "hospital", "praxis", "ordination", "ambulanz",
    "ambulatorium", "abteilung", "station", "zentrum", "institut", "labor", "laboratorium", "dienst", "dienste",
    "heim", "schule", "gericht", "verein", "hilfswerk", "hilfe", "gruppe", "kita", "kindergarten", "tagesstätte",
    "apotheke", "beistandschaft", "verwaltung", "inspektion", "behörde", "stelle", "werkstätte", "pflege", "wohnhaus",
)
HEAD_WORDS = frozenset("""Spitex KESB MVZ SPZ PSD BH PI Kita Pavillon Abt. Klin. Univ.-Klinik Bereich Department Unit Ward Surgery Trust Centre Center
    Caritas Diakonie Volkshilfe Lebenshilfe Jobcenter Sozialamt Jugendamt Magistrat Bezirkshauptmannschaft""".split())
WORD = r"[A-ZÄÖÜ][\w.'’]*(?:-[A-ZÄÖÜa-zäöü][\w'’]*)*"
HEAD = re.compile(r"(?<![\w-])(?P<head>" + WORD + r")(?![\w-])")
# After "für": specialties, joined by "und", commas, hyphens ("Allgemein- und Viszeralchirurgie").
FOR_TAIL = re.compile(
    r"[ \t](?i:für|f\.|of)[ \t](?:" + WORD + r"-?|und|and|u\.|,)(?:[ \t]?(?:" + WORD + r"-?|und|and|u\.|&|,|[IVX]{1,4}\b|\d{1,2}\b))*"
)
# A name after the head: "am Markt", "an der Wien", a place or proper name, a ward code, a title + person.
NAME_TAIL = re.compile(
    r"[ \t](?:(?i:am|an der|im|in der|zum|zur|beim|St\.|Sankt|Haus)[ \t])?"
    r"(?:" + WORD + r")(?:[ \t](?:Nord|Süd|Sued|Ost|West|Mitte|NORD|SÜD|SUED|OST|WEST|" + WORD + r"|[A-Z]?\d{1,3}[A-Z]?(?![\d.,:/])))*"
)
# A ward's code: "Station 4 Nord", "Station C3", "Pavillon 2, Station B", "ward C 4".
CODE_TAIL = re.compile(
    r"[ \t](?:[A-Z]{0,2}[ ]?\d{1,3}[A-Z]?|[A-Z])(?![\d.,:/])(?:[ \t](?:Nord|Süd|Sued|Ost|West|NORD|SÜD|SUED|OST|WEST|offen|geschlossen))?"
)
WARD_HEADS = ("station", "pavillon", "abteilung", "ward", "unit", "bereich", "gruppe", "trakt", "stock")
ADJECTIVE = re.compile(r"(?:\d{1,2}\.\s)?[A-ZÄÖÜ][\w-]*(?:e|er|es|en)\s$")


class InstitutionRule(RuleRecognizer):
    ENTITY = "COMPANY"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in HEAD.finditer(text):
            head = m.group("head")
            if not self._is_head(head):
                continue
            start, end = m.start(), m.end()
            before = text[max(0, start - 40) : start].rsplit("\n", 1)[-1]
            adjective = ADJECTIVE.search(before)
            if adjective and self._is_adjective(adjective.group().split()[-1]):
                start = start - len(before) + adjective.start()
            code = CODE_TAIL.match(text, end) if head.lower().endswith(WARD_HEADS) else None
            tail = FOR_TAIL.match(text, end) or code or self._name_tail(text, end)
            if tail is not None:
                end = tail.end()
            if start == m.start() and end == m.end():
                continue  # a head noun alone
            value = text[start:end].rstrip(" ,-")
            yield Span(start, start + len(value), 0.75)

    def _is_head(self, word: str) -> bool:
        folded = word.lower()
        return word in HEAD_WORDS or word.title() in HEAD_WORDS or word.upper() in HEAD_WORDS or folded.endswith(HEAD_ENDINGS)

    def _is_adjective(self, word: str) -> bool:
        """"Interne", "Phoniatrische", "Medizinische": an adjective, not a name or a noun."""
        folded = word.lower()
        return folded.endswith(("ische", "ischer", "isches", "ischen", "liche", "licher", "liches", "ärztliche",
                                "ärztlicher", "interne", "innere", "mobile", "allgemeine"))

    def _name_tail(self, text: str, pos: int) -> re.Match[str] | None:
        m = NAME_TAIL.match(text, pos)
        if m is None:
            return None
        words = m.group().split()
        last = words[-1].rstrip(".,")
        if last.isupper():
            last = last.title()
        # Stop at everyday words: "Praxis Montag" is not a name; a place, a code, a name is.
        lexicon = self.lexicon
        if any(c.isdigit() for c in last) or last in lexicon.places or last in lexicon.listed_names:
            return m
        folded = last.lower()
        if folded in lexicon.german_frequent or folded in lexicon.stop_words or last in lexicon.not_names:
            return None
        return m
