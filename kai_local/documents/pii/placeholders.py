"""Placeholders `[[TYPE_N]]`: numbered per type in order of first appearance, one per person or
value, applied to the text with Presidio's AnonymizerEngine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from kai_local.documents.pii.findings import Finding
from kai_local.documents.pii.types import entity_of

_NOISE = re.compile(r"[\s.\-/()]+")


def value_key(pii_type: str, value: str) -> str:
    """Two spellings of one value share a placeholder: 'AT61 1904 ...' == 'AT611904...'."""
    if pii_type == "name":
        return " ".join(sorted(p.casefold() for p in re.split(r"[\s,_]+", value) if p))
    return _NOISE.sub("", value).casefold()


@dataclass
class PlaceholderMap:
    """The mapping of one document (text and file name share it)."""

    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder -> original value
    surfaces: dict[str, str] = field(default_factory=dict)  # every value as written -> placeholder
    _by_key: dict[tuple[str, str], str] = field(default_factory=dict)
    _persons: list[tuple[frozenset[str], str]] = field(default_factory=list)
    _counters: dict[str, int] = field(default_factory=dict)

    def placeholder_for(self, pii_type: str, value: str) -> str:
        key = (pii_type, value_key(pii_type, value))
        found = self._by_key.get(key)
        if found is None and pii_type == "name":
            found = self._same_person(value)
        if found is None:
            number = self._counters.get(pii_type, 0) + 1
            self._counters[pii_type] = number
            found = f"[[{entity_of(pii_type)}_{number}]]"
            self.placeholders[found] = value
        elif pii_type == "name" and len(value) > len(self.placeholders[found]):
            self.placeholders[found] = value  # show the fullest form of the name
        self._by_key[key] = found
        return found

    def _same_person(self, value: str) -> str | None:
        """'Mustermann' after 'Max Mustermann' (or the other way round) is the same person."""
        parts = frozenset(p.casefold() for p in re.split(r"[\s,_]+", value) if p)
        for known, placeholder in self._persons:
            if parts <= known or known <= parts:
                return placeholder
        return None

    def remember_person(self, value: str, placeholder: str) -> None:
        parts = frozenset(p.casefold() for p in re.split(r"[\s,_]+", value) if p)
        self._persons.append((parts, placeholder))


def apply_placeholders(engine: AnonymizerEngine, text: str, findings: list[Finding], mapping: PlaceholderMap) -> str:
    """Replace each finding (non-overlapping) by its placeholder. `mapping.surfaces` records each
    value as it stands in the text (redaction looks for those in the document itself)."""
    surface: dict[str, dict[str, str]] = {}
    for f in sorted(findings, key=lambda f: f.start):
        value = text[f.start : f.end]
        placeholder = mapping.placeholder_for(f.pii_type, value)
        if f.pii_type == "name":
            mapping.remember_person(value, placeholder)
        surface.setdefault(entity_of(f.pii_type), {})[value] = placeholder
        mapping.surfaces[value] = placeholder
    operators = {
        entity: OperatorConfig("custom", {"lambda": lambda s, table=table: table[s]})
        for entity, table in surface.items()
    }
    results = [RecognizerResult(entity_of(f.pii_type), f.start, f.end, f.score) for f in findings]
    return engine.anonymize(text, results, operators=operators, merge_entities_with_spaces=False).text
