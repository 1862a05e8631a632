"""LinkedIn profile and company addresses (more specific than a plain URL, so they win)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, words

PROFILE = re.compile(
    r"(?<![\w/])(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub|company|profile)/[\w%.-]+/?",
    re.IGNORECASE,
)
LABEL = words("linkedin")
SLUG = re.compile(r"\s*:?\s*(?P<slug>[a-z0-9](?:[a-z0-9-]{2,98}[a-z0-9]))(?![\w./])", re.IGNORECASE)


class LinkedinRule(RuleRecognizer):
    ENTITY = "LINKEDIN"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in PROFILE.finditer(text):
            yield Span(m.start(), m.end(), 1.0)
        for label in LABEL.finditer(text):  # "LinkedIn: max-mustermann-4711"
            slug = SLUG.match(text, label.end())
            if slug and "-" in slug.group("slug"):
                yield Span(slug.start("slug"), slug.end("slug"), 0.85)
