"""Fast matching of large phrase lists (occupations, diagnoses, insurers) on word tokens.

A regex alternation of thousands of phrases is slow in Python's `re`; this looks up each text
token in a dict keyed by a phrase's first token and tries that bucket's phrases, longest first.
Tokens are runs of word characters or single punctuation marks, so whitespace between tokens
does not matter ("röm. kath." == "röm.kath.") and phrases never match inside a longer word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


class PhraseMatcher:
    def __init__(self, phrases: Iterable[str], *, casefold: bool) -> None:
        self.casefold = casefold
        self._buckets: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(self._norm(t.text) for t in tokenize(phrase))
            if words:
                self._buckets.setdefault(words[0], []).append(words)
        for bucket in self._buckets.values():
            bucket.sort(key=len, reverse=True)

    def _norm(self, word: str) -> str:
        return word.casefold() if self.casefold else word

    def finditer(self, text: str, tokens: list[Token] | None = None) -> Iterator[tuple[int, int]]:
        """Non-overlapping (start, end) character spans of the longest phrase at each position."""
        tokens = tokenize(text) if tokens is None else tokens
        norm = [self._norm(t.text) for t in tokens]
        i = 0
        while i < len(tokens):
            for phrase in self._buckets.get(norm[i], ()):
                n = len(phrase)
                if tuple(norm[i : i + n]) == phrase:
                    yield tokens[i].start, tokens[i + n - 1].end
                    i += n
                    break
            else:
                i += 1
