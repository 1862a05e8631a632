"""Fast matching of large phrase lists (occupations, diagnoses, insurers) on word tokens.

A regex alternation of thousands of phrases is slow in Python's `re`; this looks up each text
token in a dict keyed by a phrase's first token and tries that bucket's phrases, longest first.
Tokens are runs of word characters or single punctuation marks, so whitespace between tokens
does not matter ("röm. kath." == "röm.kath.") and phrases never match inside a longer word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

TOKEN = re.compile(r"\w+|[^\w\s]")


class Token(NamedTuple):
    text: str
    folded: str  # casefolded
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(w := m.group(), w.casefold(), m.start(), m.end()) for m in TOKEN.finditer(text)]


class PhraseMatcher:
    def __init__(self, phrases: Iterable[str], *, casefold: bool) -> None:
        self.casefold = casefold
        # first token -> [(normalised tokens, exact tokens or None)], longest first. An acronym
        # ("ALS", "TIA") keeps its case even in a case-insensitive list: "als" is a German word.
        self._buckets: dict[str, list[tuple[tuple[str, ...], tuple[str, ...] | None]]] = {}
        for phrase in phrases:
            tokens = tokenize(phrase)
            words = tuple(self._norm(t.text) for t in tokens)
            exact = tuple(t.text for t in tokens) if casefold and _is_acronym(phrase) else None
            if words:
                self._buckets.setdefault(words[0], []).append((words, exact))
        for bucket in self._buckets.values():
            bucket.sort(key=lambda entry: len(entry[0]), reverse=True)

    def _norm(self, word: str) -> str:
        return word.casefold() if self.casefold else word

    def finditer(self, text: str, tokens: list[Token] | None = None) -> Iterator[tuple[int, int]]:
        """Non-overlapping (start, end) character spans of the longest phrase at each position."""
        tokens = tokenize(text) if tokens is None else tokens
        norm = [t.folded for t in tokens] if self.casefold else [t.text for t in tokens]
        i = 0
        while i < len(tokens):
            for phrase, exact in self._buckets.get(norm[i], ()):
                n = len(phrase)
                if tuple(norm[i : i + n]) == phrase and (
                    exact is None or tuple(t.text for t in tokens[i : i + n]) == exact
                ):
                    yield tokens[i].start, tokens[i + n - 1].end
                    i += n
                    break
            else:
                i += 1


def _is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6
