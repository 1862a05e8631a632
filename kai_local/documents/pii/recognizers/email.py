"""E-mail addresses; the top-level domain is checked against tldextract's bundled suffix list."""

from __future__ import annotations

import re
from typing import Iterable

import tldextract

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

# Bounded like the standards (64-character local part, 63-character labels): no quadratic
# backtracking on long runs of letters, dots and hyphens in a hostile upload.
EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}[^\W\d_]{2,24}(?![\w-])"
)


def offline_tld_extractor() -> tldextract.TLDExtract:
    """tldextract with its bundled public suffix snapshot: never fetches the list."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


class EmailRule(RuleRecognizer):
    ENTITY = "EMAIL"

    def load(self) -> None:
        self.tlds = offline_tld_extractor()
        self.tlds("example.com")  # builds its suffix trie now, not on the first request

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in EMAIL.finditer(text):
            domain = m.group().rsplit("@", 1)[1]
            known = bool(self.tlds(domain).suffix)
            yield Span(m.start(), m.end(), 1.0 if known else 0.6)
