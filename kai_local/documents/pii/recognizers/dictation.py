"""Values spoken rather than written, as a speech recognizer without formatting leaves them:
"geboren am siebzehnten dritten neunzehnhundertneununddreißig", "erreichbar unter null sechs sechs
vier drei ...", "die siebenundachtzigjährige patientin".

In a dictation transcribed without capitals ("an herrn doktor reinhold pfeifenberger komma ...")
the capital letter that marks a German name is gone, so there a name is taken after a salutation
or title ("frau", "doktor", "oberarzt") where its words are no everyday words or are listed names;
and a listed place that is no everyday word is a place ("trofaiach", "sankt veit an der glan").
Such a transcript is recognised by its share of capitalised words, which German prose, with its
capitalised nouns, never comes near.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan

_DIGIT = r"(?:null|eins|ein|zwei|zwo|drei|vier|fünf|sechs|sieben|acht|neun)"
_NUMBER = (
    r"(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|dreissig|vierzig|fünfzig"
    r"|sechzig|siebzig|achtzig|neunzig|hundert|tausend|und|sieb|sech)"
)
_ORDINAL = r"(?:ersten|dritten|siebten|achten|" + _NUMBER + r"{1,5}(?:ten|sten))"
_MONTH = r"(?:januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)"
# Six or more digits one by one: a telephone or record number read out.
# (The lookahead on the first letters only makes the scan fast.)
SPOKEN_DIGITS = re.compile(
    r"(?<!\w)(?=[nezdvfsaNEZDVFSA])" + _DIGIT + r"(?:[ \t]+" + _DIGIT + r"){5,}(?!\w)", re.IGNORECASE
)
PHONE_CUE = re.compile(
    r"(?:unter|telefon\w*|tel\.?|handy\w*|mobil\w*|rufnummer|erreichbar\w*|fax)[ \t]*(?:doppelpunkt[ \t]*)?$",
    re.IGNORECASE,
)
SPOKEN_AGE = re.compile(_NUMBER + r"{1,6}jährige[rnms]?", re.IGNORECASE)
JAEHRIG = re.compile(r"jährig", re.IGNORECASE)
SPOKEN_DOB = re.compile(
    r"(?<!\w)(?:geboren am|geb\. am|geburtsdatum(?:[ \t]+doppelpunkt)?)[ \t]+(?P<v>"
    + _ORDINAL
    + r"[ \t]+(?:"
    + _ORDINAL
    + "|"
    + _MONTH
    + r")[ \t]+(?:neunzehnhundert|zweitausend)\w*)",
    re.IGNORECASE,
)
_TITLE = (
    r"(?i:herrn?|frau|doktor|dr\.?|primarius|primaria|oberarzt|oberärztin|oa|oä|fachärztin|facharzt|professor(?:in)?"
    r"|universitätsdozent(?:in)?|universitätsprofessor(?:in)?|dozent(?:in)?|magister|magistra|schwester"
    r"|pfleger(?:in)?|kollege|kollegin|hebamme)"
)
# Kin before a first name: "tochter gisela", "mit dem lebensgefährten stefan" (a listed first name only).
_KIN = r"(?:tochter|sohn|gatte|gattin|ehemann|ehefrau|lebensgefährten?|lebensgefährtin|bruder|schwester|mutter|vater)"
TITLED = re.compile(
    r"(?<!\w)(?P<title>(?:" + _KIN + r"[ \t]+)?" + _TITLE + r"(?:[ \t]+" + _TITLE + r")*|" + _KIN + r")"
    r"[ \t]+(?P<v>[a-zäöüß][\w'-]+(?:[ \t]+[a-zäöüß][\w'-]+)?)"
)
_STREET_WORD = r"(?:straße|strasse|gasse|platz|weg|allee|ring|ufer|zeile|promenade)"
STREET = re.compile(
    r"(?<!\w)(?:[a-zäöüß]+er[ \t]+" + _STREET_WORD + r"|[a-zäöüß]+" + _STREET_WORD + r")"
    r"[ \t]+(?:\d{1,4}[a-z]?|" + _NUMBER + r"{1,4})(?!\w)"
)
POSTCODE_TOWN = re.compile(r"(?<!\w)\d{4,5}[ \t]+[a-zäöüß][a-zäöüß-]{2,}(?!\w)")
PLACE_PARTICLES = frozenset("am an der im in ob bei unter vor auf zum zur".split())
LOWER_WORD = re.compile(r"(?<![\w-])[a-zäöüß][a-zäöüß-]{3,}(?![\w-])")
LONG_WORD = re.compile(r"[^\W\d_]{4,}")
# Words a dictation system writes for the punctuation spoken ("Komma", "neue Zeile").
SPOKEN_MARKS = frozenset("Komma Punkt Doppelpunkt Zeile Absatz Bindestrich Klammer Strichpunkt Semikolon".split())
# Below this share of capitalised words (4+ letters), German text is a transcript without capitals.
DICTATION_CAPITALS = 0.2
MIN_WORDS = 30


class DictationRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ("NAME", "ADDRESS", "PHONE", "HEALTHCARE_NUMBER", "DOB", "AGE")

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        for m in SPOKEN_DIGITS.finditer(text):
            phone = PHONE_CUE.search(text[max(0, m.start() - 40) : m.start()]) is not None
            yield TypedSpan("PHONE" if phone else "HEALTHCARE_NUMBER", m.start(), m.end(), 0.8)
        for m in SPOKEN_DOB.finditer(text):
            yield TypedSpan("DOB", m.start("v"), m.end("v"), 0.85)
        for m in JAEHRIG.finditer(text):  # "jährig" first: fast on text without any
            start = m.start()
            while start and text[start - 1].isalpha():
                start -= 1
            age = SPOKEN_AGE.match(text, start)
            if age is not None and not text[age.end() : age.end() + 1].isalnum():
                yield TypedSpan("AGE", age.start(), age.end(), 0.85)
        if self.supported_language == "de" and self._without_capitals(text):
            yield from self._names(text)
            yield from self._places(text)

    @staticmethod
    def _without_capitals(text: str) -> bool:
        words = [w for w in LONG_WORD.findall(text) if w not in SPOKEN_MARKS]
        return len(words) >= MIN_WORDS and sum(w[0].isupper() for w in words) < DICTATION_CAPITALS * len(words)

    def _names(self, text: str) -> Iterator[TypedSpan]:
        lexicon = self.lexicon
        for m in TITLED.finditer(text):
            end = m.start("v")
            kin = re.fullmatch(_KIN, m.group("title")) is not None
            for n, word in enumerate(re.finditer(r"[\w'-]+", m.group("v"))):
                value = word.group()
                first = value.title() in lexicon.first_names
                listed = first or value.title() in lexicon.last_names
                if (
                    len(value) < 3
                    or value in lexicon.stop_words
                    or (kin and n == 0 and not first)
                    or (lexicon.is_everyday_word(value) and not listed)
                ):
                    break
                end = m.start("v") + word.end()
            if end > m.start("v"):
                yield TypedSpan("NAME", m.start("v"), end, 0.7)

    def _places(self, text: str) -> Iterator[TypedSpan]:
        lexicon = self.lexicon
        for m in STREET.finditer(text):
            yield TypedSpan("ADDRESS", m.start(), m.end(), 0.7)
        for m in POSTCODE_TOWN.finditer(text):
            yield TypedSpan("ADDRESS", m.start(), m.end(), 0.7)
        words = list(re.finditer(r"[a-zäöüß][\w-]*", text))
        for i, m in enumerate(words):
            # the longest listed place from this word: "sankt veit an der glan", "trofaiach"
            for k in range(min(5, len(words) - i), 0, -1):
                parts = [w.group() for w in words[i : i + k]]
                if parts[-1] in PLACE_PARTICLES or (
                    k == 1 and (len(parts[0]) < 5 or lexicon.is_everyday_word(parts[0]))
                ):
                    continue
                name = " ".join(
                    p if p in PLACE_PARTICLES and j else "-".join(x.title() for x in p.split("-"))
                    for j, p in enumerate(parts)
                )
                if name in lexicon.places and text[m.start() : words[i + k - 1].end()].count("\n") == 0:
                    yield TypedSpan("ADDRESS", m.start(), words[i + k - 1].end(), 0.6)
                    break
