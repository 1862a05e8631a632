"""The facade: detect PII in a text (Presidio AnalyzerEngine + our recognizers), resolve overlaps,
add repetitions, and replace everything by placeholders (Presidio AnonymizerEngine).

Built once per process (`Anonymizer.build()`, a few seconds: spaCy and Presidio load); then
`detect` and `anonymize` are thread-safe, blocking CPU work: run them off the event loop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_anonymizer import AnonymizerEngine

from kai_local.documents.pii.chunks import text_chunks
from kai_local.documents.pii.findings import (
    Finding,
    add_occurrences,
    add_repetitions,
    coverage,
    name_parts,
    repeatable_values,
    resolve_overlaps,
)
from kai_local.documents.pii.institution_places import places_in_institutions
from kai_local.documents.pii.insurers import insurers_as_insurance
from kai_local.documents.pii.letterhead import add_units
from kai_local.documents.pii.lexicon import Lexicon
from kai_local.documents.pii.name_lists import add_neighbours
from kai_local.documents.pii.nlp import (
    LANGUAGES,
    BilingualSpacyNlpEngine,
    NoContextEnhancer,
    TextArtifacts,
    build_nlp_engine,
    detect_language,
    text_artifacts,
)
from kai_local.documents.pii.ocr_digits import ocr_digits
from kai_local.documents.pii.person_town import add_towns
from kai_local.documents.pii.placeholders import PlaceholderMap, apply_placeholders
from kai_local.documents.pii.practices import owned_practices
from kai_local.documents.pii.recognizers import RECOGNIZERS
from kai_local.documents.pii.recognizers.institution import HEAD_ENDINGS, HEAD_WORDS
from kai_local.documents.pii.recognizers.name import NameRule
from kai_local.documents.pii.spaced import HEADING_TYPES, spaced_runs
from kai_local.documents.pii.types import PII_TYPES, entity_of, type_of
from kai_local.errors import PayloadTooLarge

MIN_SCORE = 0.5
# spaCy and the regexes see the text in pieces of at most this many characters, cut at line ends.
CHUNK_CHARS = 50_000


@dataclass(frozen=True)
class Anonymized:
    sanitized_text: str
    sanitized_filename: str
    placeholders: dict[str, str]
    findings: tuple[Finding, ...]
    # Every detected value as it is written in the text (all its spellings) -> its placeholder.
    surfaces: dict[str, str]


class Anonymizer:
    def __init__(self, analyzer: AnalyzerEngine, presidio: AnonymizerEngine, lexicon: Lexicon) -> None:
        self.analyzer = analyzer
        self.nlp_engine: BilingualSpacyNlpEngine = analyzer.nlp_engine  # type: ignore[assignment]
        self.presidio = presidio  # Presidio's AnonymizerEngine: applies our placeholders
        self.lexicon = lexicon
        self.names = NameRule(lexicon, "en")  # its spaCy evidence runs after the rules: see _ner_names

    @classmethod
    def build(cls) -> Anonymizer:
        lexicon = Lexicon.load()
        registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
        for language in LANGUAGES:
            for recognizer in RECOGNIZERS:
                registry.add_recognizer(recognizer(lexicon, language))
        analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=build_nlp_engine(),
            supported_languages=list(LANGUAGES),
            context_aware_enhancer=NoContextEnhancer(),
        )
        return cls(analyzer, AnonymizerEngine(), lexicon)  # type: ignore[no-untyped-call]  # Presidio: unannotated

    # --- detection ------------------------------------------------------------------------------

    def detect(
        self, text: str, pii_types: Sequence[str] = PII_TYPES, *, deadline: float | None = None
    ) -> list[Finding]:
        """Non-overlapping findings, repetitions included, sorted by position. Past `deadline`
        (a `time.monotonic()` value, checked between chunks): 413 `detection_timeout`."""
        view = ocr_digits(text)  # same length: the findings' spans hold for the text itself
        findings = self._analyze(view, pii_types, deadline)
        findings += self._spaced_headings(view, pii_types, deadline)
        found = resolve_overlaps(findings, view)
        if "company" in pii_types:
            found = add_units(view, found, self.lexicon)
        if "address" in pii_types:
            found = add_towns(view, found, self.lexicon)
        if "name" in pii_types:
            found = add_neighbours(view, found, self.lexicon)
        found = add_repetitions(view, found, self.lexicon)
        if "company" in pii_types:
            found = places_in_institutions(view, owned_practices(view, found), self.lexicon)
        if "insurance" in pii_types:
            found = insurers_as_insurance(view, found, self.lexicon)
        return found

    def merge(self, text: str, rules: list[Finding], extra: Iterable[Finding]) -> list[Finding]:
        """Add findings from another source where the rules found nothing; never drops a rule finding."""
        mask = coverage(len(text), ((f.start, f.end) for f in rules))
        accepted = resolve_overlaps(f for f in extra if not any(mask[f.start : f.end]))
        return add_repetitions(text, sorted(rules + accepted, key=lambda f: f.start), self.lexicon)

    def _spaced_headings(self, text: str, pii_types: Sequence[str], deadline: float | None) -> list[Finding]:
        """A letter-spaced heading ("L A N D E S K R A N K E N H A U S") as a whole, where its
        reading without the spaces holds a name, an institution or a place (spaced.py)."""
        found = []
        for run in spaced_runs(text):
            types = {f.pii_type for f in self._analyze(run.reading, pii_types, deadline)}
            kind = next((t for t in HEADING_TYPES if t in types), None)
            if kind is not None:
                found.append(Finding(kind, run.start, run.end, 0.75))
        return found

    def _analyze(self, text: str, pii_types: Sequence[str], deadline: float | None = None) -> list[Finding]:
        entities = [entity_of(t) for t in pii_types]
        findings = []
        for offset, chunk in text_chunks(text, CHUNK_CHARS):
            if deadline is not None and time.monotonic() > deadline:
                raise PayloadTooLarge(
                    "Detecting PII in the document's text took too long; the job was stopped. Split the document.",
                    code="detection_timeout",
                    param="files",
                )
            language = detect_language(chunk)
            artifacts = text_artifacts(self.nlp_engine, chunk, language)
            results = self.analyzer.analyze(
                chunk,
                language=language,
                entities=entities,
                score_threshold=MIN_SCORE,
                nlp_artifacts=artifacts,
            )
            findings += [Finding(type_of(r.entity_type), offset + r.start, offset + r.end, r.score) for r in results]
            if language == "en" and NameRule.ENTITY in entities:
                findings += self._ner_names(chunk, offset, artifacts, results)
        return findings

    def _ner_names(
        self, text: str, offset: int, artifacts: TextArtifacts, results: list[RecognizerResult]
    ) -> list[Finding]:
        """English names from spaCy's NER, run after the rules and only on the windows of the text
        where it could add a name (`NameRule.ner_windows`): most of the text needs no NER pass,
        and the NER is most of the time English text takes."""
        covered = coverage(len(text), ((r.start, r.end) for r in results))
        doc = artifacts.tokens
        persons = self.nlp_engine.persons(doc, self.names.ner_windows(doc, covered))
        return [
            Finding(type_of(NameRule.ENTITY), offset + s.start, offset + s.end, s.score)
            for s in self.names.spacy_persons(text, persons)
            if s.end > s.start and s.score >= MIN_SCORE
        ]

    # --- replacement ----------------------------------------------------------------------------

    def anonymize(
        self, text: str, filename: str, findings: list[Finding], pii_types: Sequence[str] = PII_TYPES
    ) -> Anonymized:
        mapping = PlaceholderMap()
        sanitized = apply_placeholders(self.presidio, text, findings, mapping)
        known = repeatable_values(text, findings, self.lexicon)
        known.update(self._merged_names(text, findings))
        return Anonymized(
            sanitized_text=sanitized,
            sanitized_filename=self._sanitize_filename(filename, mapping, known, pii_types),
            placeholders=dict(mapping.placeholders),
            findings=tuple(findings),
            surfaces=dict(mapping.surfaces),
        )

    def _merged_names(self, text: str, findings: Sequence[Finding]) -> dict[str, str]:
        """Names and places inside an institution's finding (a practice's owner, a town joined to
        its hospital: practices.py, institution_places.py), which a file's name may hold alone
        ("Wendt_Befund.pdf")."""
        lexicon = self.lexicon
        merged: dict[str, str] = {}
        for f in findings:
            if f.pii_type != "company":
                continue
            for part in name_parts(text[f.start : f.end], lexicon):
                if part in lexicon.places:
                    merged.setdefault(part, "address")
                elif not part.lower().endswith(HEAD_ENDINGS) and part not in HEAD_WORDS:
                    merged.setdefault(part, "company")  # the owner, not the head ("Klinikum")
        return merged

    def run(self, text: str, filename: str, pii_types: Sequence[str] = PII_TYPES) -> Anonymized:
        return self.anonymize(text, filename, self.detect(text, pii_types), pii_types)

    def _sanitize_filename(
        self, filename: str, mapping: PlaceholderMap, known: dict[str, str], pii_types: Sequence[str]
    ) -> str:
        """PII in the name is replaced too, with the document's placeholders: values found in the
        text, and whatever detection finds in the name itself ('_' read as a space)."""
        stem, ext = os.path.splitext(filename)
        if not any(c.isdigit() or c.isupper() or c == "@" for c in stem):
            return filename  # "befund.pdf": no name, number or address can hide in it
        readable = stem.replace("_", " ")
        found = resolve_overlaps(self._analyze(readable, pii_types), readable)
        found = add_occurrences(readable, found, known)
        if not found:
            return filename
        return apply_placeholders(self.presidio, stem, found, mapping) + ext
