"""Religious affiliation, from the curated German/English list in data/religions.txt."""

from __future__ import annotations

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
