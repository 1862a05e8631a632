"""Web addresses: with a scheme or www., or bare domains under common top-level domains."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span
from kai_local.documents.pii.recognizers.tlds import offline_tlds

WITH_SCHEME = re.compile(r"(?<![\w@])(?:https?://|ftp://|www\.)[^\s<>\"'`\[\]{}|\\^]{1,2000}", re.IGNORECASE)
# Bare domains are only taken under these suffixes: "z.B." or "Dr.med" must not become URLs.
BARE_SUFFIXES = (
    "at",
    "de",
    "ch",
    "li",
    "com",
    "org",
    "net",
    "eu",
    "info",
    "io",
    "co.uk",
    "uk",
    "us",
    "it",
    "fr",
    "nl",
    "gv.at",
    "ac.at",
    "or.at",
    "co.at",
    "health",
    "med",
)
BARE = re.compile(
    r"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}(?:"
    + "|".join(re.escape(s) for s in sorted(BARE_SUFFIXES, key=len, reverse=True))
    + r")(?:/[^\s<>\"']*)?(?![\w@-])",
    re.IGNORECASE,
)
TRAILING = ".,;:!?)]}'\""


class UrlRule(RuleRecognizer):
    ENTITY = "URL"

    def load(self) -> None:
        self.tlds = offline_tlds()

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in WITH_SCHEME.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in TRAILING:
                end -= 1
            if end - m.start() > 8:
                yield Span(m.start(), end, 0.95)
        for m in BARE.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in TRAILING:
                end -= 1
            parts = self.tlds(text[m.start() : end].split("/")[0])
            if parts.suffix and len(parts.domain) >= 2 and not parts.domain.isdigit():
                yield Span(m.start(), end, 0.8)
