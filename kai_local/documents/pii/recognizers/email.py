"""E-mail addresses; the top-level domain is checked against tldextract's bundled suffix list."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span
from kai_local.documents.pii.recognizers.tlds import offline_tlds

# Bounded like the standards (64-character local part, 63-character labels): no quadratic
# backtracking on long runs of letters, dots and hyphens in a hostile upload.
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}[^\W\d_]{2,24}(?![\w-])")


class EmailRule(RuleRecognizer):
    ENTITY = "EMAIL"

    def load(self) -> None:
        self.tlds = offline_tlds()

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in EMAIL.finditer(text):
            domain = m.group().rsplit("@", 1)[1]
            known = bool(self.tlds(domain).suffix)
            yield Span(m.start(), m.end(), 1.0 if known else 0.6)
