"""Towns, cities and villages named without a postcode: "Wiener Neustadt, 14.10.2026", "vom
Notarzt aus Ternitz", "wohnt in Mödling", "Transfer nach Bruck an der Mur", "Trub BE".

HIPAA's Safe Harbor rule counts every geographic subdivision smaller than a state as an
identifier; we follow it, so a place is reported as `address`. Places come from GeoNames (every
place of Austria, Germany, Switzerland and Liechtenstein with 500+ inhabitants, elsewhere
15,000+; see lexicon.py), matched as whole words, multi-word names whole.

A place whose name is also an everyday word, a person's name or a small place's homonym ("Au",
"Hof", "Essen", "Baden", "Halle") needs a place context: a preposition or label before it ("in",
"aus", "nach", "wohnhaft", "Wohnort:") or a date after it (the place line of a letter). Eponyms
("Morbus Basedow", "Basedow-Syndrom"), and adjectives ("Wiener Schnitzel": "Wiener" is no place)
are not places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.lexicon import LARGE_CITY, data_lines
from kai_local.documents.pii.recognizers.base import SWISS_CANTONS, RuleRecognizer, Span, second_name_end, words_of

PARTICLES = frozenset(
    "am an der die den dem des im in bei ob unter vor auf zum zur und von sur sul la le de del di da".split()
)
# Weak context: enough for a place that is a rarer word or a name; strong: for any place.
WEAK_BEFORE = re.compile(r"(?:^|[\s(])(?:in|aus|nach|bei|von|vom|ab|bis|Raum|nahe|Richtung|über|Region|Umgebung)\s$")
STRONG_BEFORE = re.compile(
    r"(?i:(?:wohnhaft|wohnt|lebt|leben|wohnen|Wohnort|Heimatort|Geburtsort|Bürgerort|Standort|Sitz|Unfallort"
    r"|Einsatzort|Ort|Gemeinde|Stadt|Bezirk|Wohnsitz|Hauptwohnsitz|relocating to|lives in|born in)"
    r"(?:\s+in)?\s*:?\s*)$"
)
# The last item of a comma list at the end of a line: "Hausarzt Dr. Heinz Ofner, Kindberg",
# "Martina Schomaker, Windisch, 079 ...": the place of the person or practice before it.
LIST_END_BEFORE = re.compile(r"\w,\s$")
LIST_END_AFTER = re.compile(r"[ \t]*(?:$|\n|;|\)|\(|,[ \t]*(?:\+?\d|Tel|Fax))")
# What belongs to a place's name after it: "Oberhofen am Thunersee", "Frankenberg (Eder)".
QUALIFIER = re.compile(
    r"[ \t](?:am|an der|im|in der|ob der|bei|unter)[ \t](?!(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag"
    r"|Sonntag|Wochenende|Morgen|Abend|Vormittag|Nachmittag)\b)[A-ZÄÖÜ][\w'’-]+"
    r"|[ \t]?\([A-ZÄÖÜ][\w.'’-]{1,20}(?: [A-ZÄÖÜ][\w.'’-]{1,20})?\)"  # "(Saale)", not "(U2 in der Klinik)"
)
DATE_AFTER = re.compile(r"[ \t]?,\s*(?:am\s+|den\s+)?\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)")
CANTON = re.compile(r" " + SWISS_CANTONS + r"(?![\w])")
EPONYM_BEFORE = re.compile(r"(?:Morbus|Mb\.|M\.|Typ)\s$")
MEDICAL_AFTER = re.compile(
    r"-(?:Syndrom|Krankheit|Erkrankung|Test|Zeichen|Score|Skala|Klassifikation|Reflex|Struma|Trias)", re.I
)
UNLISTED_PLACE = re.compile(
    r"(?:wohnhaft in|wohnt in|lebt in|leben in|wohnen in|stammt aus|stammen aus|geboren in|aufgewachsen in"
    r"|Wohnort:?|Heimatort:?|Geburtsort:?|Geb\.-?Ort:?|Herkunftsort:?|Standort:?|Ortsteil|OT|Stadtteil|Gemeinde"
    r"|Distrikt|Zweigstelle|lives in|born in|(?<![\w.])(?:in|nach|aus))"
    # "Ústí nad Labem", "Frankfurt an der Oder": a qualifier in the place's own language too
    # a capital of Latin-1 or a letter of Latin Extended-A, where capitals and small letters
    # alternate: "Ústí", "Łódź", "Šibenik"
    r"[ \t]+(?P<place>[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’]+)*"
    r"(?: (?:am|an der|im|bei|ob der|nad|pod|na|sul|sur|del) [A-ZÀ-ÖØ-ÞĀ-ſ][\w'’]+)?)"
)
# Endings of German nouns and clinical words that follow "in/nach/aus" but name no place
# ("in Narkose", "nach Cholezystektomie", "in Rückenlage", "aus Vorsicht").
NOT_PLACE_ENDINGS = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "tion",
    "ie",
    "ose",
    "ase",
    "ese",
    "tomie",
    "skopie",
    "graphie",
    "lage",
    "sicht",
    "zeit",
    "weise",
    "form",
    "tag",
    "nacht",
    "woche",
    "monat",
    "jahr",
    "anlage",
    "stelle",
    "station",
    "klinik",
    "praxis",
    "ambulanz",
    "abteilung",
    "therapie",
    "medizin",
    "logie",
    "iatrie",
    "ismus",
    "ität",
    "ik",
    "ur",
    "ment",
    "ei",
    "nis",
    "tum",
    "ling",
    "chen",
    "lein",
    "al",
    "iv",
    "em",
    "en",
    "er",
    "es",
    "e",
)
# Endings that make a capitalised word a village's name (few words and no first names end so):
# "Allersdorf", "Großjedlersdorf", "Unterkirchen", "Mühlhausen", "Hohenstetten", "Kaltenbrunn".
TOPONYM = re.compile(
    r"(?<![\w-])(?P<stem>[A-ZÄÖÜ][a-zäöüß]{2,})(?:dorf|hausen|kirchen|stetten|brunn|weiler|hofen)(?![\w-])"
)
HYPHENATED = re.compile(r"(?:-[A-ZÄÖÜ][\w]*)+")
# Parts after a hyphen that keep a place a place ("Leipzig-Süd", "Wien-Strebersdorf").
DISTRICT_WORDS = frozenset("Nord Süd Ost West Mitte Land Stadt Zentrum Altstadt Innenstadt".split())


class PlaceRule(RuleRecognizer):
    ENTITY = "ADDRESS"

    def load(self) -> None:
        self.matcher = self.lexicon.place_matcher
        self.city_words = frozenset(data_lines("place_words.txt"))  # large places that are everyday words

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        yield from self._unlisted_after_cue(text)
        for m in TOPONYM.finditer(text):
            word, stem = m.group(), m.group("stem").lower()
            # not a compound of an everyday noun: "Nachbardorf", "Heimatdorf", "Kinderdorf"
            if (
                stem not in self.lexicon.german_words
                and not self.lexicon.is_everyday_word(word)
                and word not in self.lexicon.listed_names
            ):
                yield Span(m.start(), m.end(), 0.6)
        for start, end in self.matcher.finditer(text, words_of(nlp_artifacts)):
            name = text[start:end]
            if not self._as_written(name) or (start and text[start - 1] in "-/@.") or text[end : end + 1].isalnum():
                continue
            before = text[max(0, start - 40) : start].rsplit("\n", 1)[-1]
            if EPONYM_BEFORE.search(before) or MEDICAL_AFTER.match(text, end):
                continue
            hyphen = HYPHENATED.match(text, end)
            if hyphen:
                parts = hyphen.group().strip("-").split("-")
                if any(
                    p.lower() in self.lexicon.german_words and p not in self.lexicon.places and p not in DISTRICT_WORDS
                    for p in parts
                ):
                    continue  # a compound noun: "Ottawa-Regeln", "Basedow-Syndrom"
                end = hyphen.end()  # "Wien-Strebersdorf", "Leipzig-Süd"
            end = second_name_end(text, end, self.lexicon)  # "Disentis/Mustér"
            canton = CANTON.match(text, end)
            if canton:
                end = canton.end()  # "Trub BE", "Wila ZH"
            qualifier = QUALIFIER.match(text, end)
            if qualifier:
                end = qualifier.end()
            strong = STRONG_BEFORE.search(before) is not None or DATE_AFTER.match(text, end) is not None
            weak = (
                WEAK_BEFORE.search(before) is not None
                or (LIST_END_BEFORE.search(before) is not None and LIST_END_AFTER.match(text, end) is not None)
                or (before.endswith("(") and text[end : end + 1] == ")")  # "Dr. Anna Huber (Landsberg)"
            )
            level = self._ambiguity(name)
            if level == 0 or (level == 1 and (weak or strong)) or (level == 2 and strong):
                yield Span(start, end, 0.7 if strong or weak else 0.6)

    def _as_written(self, name: str) -> bool:
        """As the gazetteer writes it, or in capitals of 4+ letters ("GRAZ"; "PAT", "IU", "MoCA" are
        no places)."""
        letters = [c for c in name if c.isalpha()]
        if name.isupper():
            return len(letters) >= 4 and (name in self.lexicon.places or name.title() in self.lexicon.places)
        return name in self.lexicon.places

    def _unlisted_after_cue(self, text: str) -> Iterable[Span]:
        """A place the gazetteer lacks (a district, a hamlet) where the text says it is one:
        "wohnhaft in Kempraten", "stammt aus Urus-Martan", "OT Waldau", "in Lupfig"; after a bare
        "in/nach/aus" only a word that is no everyday word and has no noun ending."""
        lexicon = self.lexicon
        for m in UNLISTED_PLACE.finditer(text):
            name = m.group("place")
            first = name.split()[0].split("-")[0]
            folded = first.lower()
            if (
                lexicon.is_everyday_word(first)
                or first in lexicon.first_names
                or len(first) < 4
                # after a bare "in/nach/aus" a noun ending says it is no place; after "Ortsteil",
                # "wohnhaft in" the cue is stronger than the ending ("Ortsteil Ludwigsthal")
                or (folded.endswith(NOT_PLACE_ENDINGS) and m.group().split()[0] in ("in", "nach", "aus"))
                or first.isupper()
            ):
                continue
            yield Span(m.start("place"), m.end("place"), 0.6)

    def _ambiguity(self, name: str) -> int:
        """0: a place anywhere; 1: needs a weak context; 2: needs a strong one."""
        lexicon = self.lexicon
        key = name if name in lexicon.places else name.title()
        if " " in key.strip() or "-" in key:
            return 0 if key.split()[0].lower() not in lexicon.stop_words else 1
        folded = key.lower()
        if folded in lexicon.stop_words:
            return 2  # "Von", "Aus"
        if key in self.city_words:
            return 1  # a large place that is an everyday word: "in Essen" is the city, "beim Essen" the meal
        if lexicon.places.get(key, 0) >= LARGE_CITY and len(key) >= 4:
            return 0  # "Wien", "Graz", "Berlin": frequent words because they are cities
        if folded in lexicon.german_frequent or key in lexicon.not_names:
            return 2
        if folded in lexicon.german_words or folded in lexicon.english_words or folded in lexicon.common_words:
            return 1
        if key in lexicon.listed_names or len(key) < 4:
            return 1
        return 0
