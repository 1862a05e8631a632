"""The base of our recognizers: a Presidio EntityRecognizer that yields (start, end, score) spans.

Presidio's own context enhancement only raises scores; many of our types *need* their context
("Reisepass", "geb.") to be reported at all, so each recognizer decides its score itself, from
its data (patterns, context words, lists) and validators (check digits).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.lexicon import Lexicon
from kai_local.documents.pii.phrases import Token


class Span(NamedTuple):
    start: int
    end: int
    score: float


class TypedSpan(NamedTuple):
    entity: str
    start: int
    end: int
    score: float


class RuleRecognizer(EntityRecognizer):
    ENTITY: ClassVar[str]

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        self.lexicon = lexicon
        super().__init__(supported_entities=[self.ENTITY], supported_language=language)

    def load(self) -> None:  # nothing to load: data comes with the lexicon
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not any(entity in entities for entity in self.supported_entities):
            return []
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,  # type: ignore[has-type]  # set in Presidio, unannotated
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [
            RecognizerResult(span.entity, span.start, span.end, span.score, recognition_metadata=dict(metadata))
            for span in self.typed_spans(text, nlp_artifacts)
            if span.entity in entities and span.end > span.start
        ]

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        """Every span with its type: here each of `find`'s, as this recognizer's one type."""
        return (TypedSpan(self.ENTITY, s.start, s.end, s.score) for s in self.find(text, nlp_artifacts))

    @abstractmethod
    def find(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[Span]: ...


class TypedRuleRecognizer(RuleRecognizer):
    """A recognizer whose spans are of several types (a table's columns, a dictation's values):
    it yields them from `typed_spans`."""

    ENTITIES: ClassVar[tuple[str, ...]]

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        self.lexicon = lexicon
        EntityRecognizer.__init__(self, supported_entities=list(self.ENTITIES), supported_language=language)

    def find(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[Span]:
        """The spans of the first type (`analyze` reports every type)."""
        return (Span(s.start, s.end, s.score) for s in self.typed_spans(text, nlp_artifacts) if s.entity == self.ENTITY)

    @abstractmethod
    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]: ...


def words_of(nlp_artifacts: object) -> list[Token] | None:
    """Our word tokens when the analyzer computed them (see nlp.TextArtifacts), else None."""
    return getattr(nlp_artifacts, "words", None)


def context_before(text: str, start: int, chars: int = 40, *, same_line: bool = True) -> str:
    """Up to `chars` characters before `start` (by default only from the same line)."""
    begin = max(0, start - chars)
    window = text[begin:start]
    if same_line:
        window = window.rsplit("\n", 1)[-1]
    return window


# The cantons' two-letter codes: after a place ("Trub BE") and on a plate ("TI 218447").
SWISS_CANTONS = r"(?:ZH|BE|LU|UR|SZ|OW|NW|GL|ZG|FR|SO|BS|BL|SH|AR|AI|SG|GR|AG|TG|TI|VD|VS|NE|GE|JU)"


# A place's name in its second language after a slash: "Disentis/Mustér", "Biel/Bienne",
# "Bad Eisenkappel/Železna Kapla".
SECOND_NAME = re.compile(r"/(?=[^\W\d_])([\w'’-]+)(?:[ \t](?=[^\W\d_])([\w'’-]+))?")


def second_name_end(text: str, end: int, lexicon: Lexicon) -> int:
    """The end of a place's second-language name after `end`, where its words are capitalised
    and no everyday words ("Graz/Umgebung" stays as it is), else `end`."""
    m = SECOND_NAME.match(text, end)
    if m is None or not _names_a_place(m.group(1), lexicon):
        return end
    if m.group(2) is None or not _names_a_place(m.group(2), lexicon):
        return m.end(1)
    return m.end()


def _names_a_place(word: str, lexicon: Lexicon) -> bool:
    return word[0].isupper() and not lexicon.is_everyday_word(word)


def has_context(pattern: re.Pattern[str], text: str, start: int, chars: int = 40, *, same_line: bool = True) -> bool:
    return pattern.search(context_before(text, start, chars, same_line=same_line)) is not None


def words(*items: str) -> re.Pattern[str]:
    """A case-insensitive pattern for context words/phrases (each may be a regex fragment)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(items) + r")(?!\w)", re.IGNORECASE)
