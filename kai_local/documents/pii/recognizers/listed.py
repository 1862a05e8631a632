"""Helper for list-based recognizers: entries marked `!ctx` in data/ need a label nearby."""

from __future__ import annotations

from kai_local.documents.pii.phrases import PhraseMatcher

CONTEXT_MARK = "!ctx"


def split_marked(entries: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(plain entries, entries that need context)."""
    plain, marked = [], []
    for entry in entries:
        if entry.endswith(CONTEXT_MARK):
            marked.append(entry[: -len(CONTEXT_MARK)].strip())
        else:
            plain.append(entry)
    return plain, marked


def matchers(entries: tuple[str, ...], *, casefold: bool) -> tuple[PhraseMatcher, PhraseMatcher]:
    plain, marked = split_marked(entries)
    return PhraseMatcher(plain, casefold=casefold), PhraseMatcher(marked, casefold=casefold)
