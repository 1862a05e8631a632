"""Religious affiliation, from the curated German/English list in data/religions.txt."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words, words_of
from kai_local.documents.pii.recognizers.listed import matchers

LABEL = words(
    "Religion",
    "Religionsbekenntnis",
    "Bekenntnis",
    "Konfession",
    "Glaube",
    "Glaubensbekenntnis",
    "Religionszugehörigkeit",
    "rel\\.",
    "faith",
    "denomination",
    "religious",
)


# A form's field: whatever its value says ("Religion: sunnitischer Islam", "Konfession: ev.-luth.");
# one to three words up to a comma, a run of blanks or the line's end.
FIELD = re.compile(
    r"(?im)(?<!\w)(?:Religion|Religionsbekenntnis|Konfession|Religionszugehörigkeit|Bekenntnis)[ \t]*:[ \t]*"
    r"(?P<v>[^\W\d_][\w.'’-]*(?:[ ][^\W\d_][\w.'’-]*){0,2})(?=[ \t]*(?:$|,|;|[ \t]{2}))"
)
NO_RELIGION_VALUE = frozenset({"keine", "keiner", "none", "unbekannt", "unknown", "k.a.", "o.b."})


class ReligionRule(RuleRecognizer):
    ENTITY = "RELIGION"

    def load(self) -> None:
        self.plain, self.marked = matchers(self.lexicon.religions, casefold=True)

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for start, end in self.plain.finditer(text, words_of(nlp_artifacts)):
            yield Span(start, end, 0.9 if has_context(LABEL, text, start, 30) else 0.75)
        for start, end in self.marked.finditer(text, words_of(nlp_artifacts)):
            if has_context(LABEL, text, start, 30):
                yield Span(start, end, 0.85)
        for m in FIELD.finditer(text):
            if m.group("v").lower() not in NO_RELIGION_VALUE:
                yield Span(m.start("v"), m.end("v"), 0.92)  # the whole field over a listed word in it
