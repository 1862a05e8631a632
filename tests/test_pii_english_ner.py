"""English names from spaCy's NER: it runs only on the token windows where it can add a name
(NameRule.ner_windows), and that must find exactly what the NER on the whole text finds.

Runs the real Anonymizer (spaCy + Presidio + our recognizers), built once per run (the
`anonymizer` fixture in conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kai_local.documents.pii.anonymizer import Anonymizer

EVAL_SET = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "pii_eval.jsonl"


def names(anonymizer: Anonymizer, text: str) -> list[str]:
    return [text[f.start : f.end] for f in anonymizer.detect(text, ["name"])]


def windows(anonymizer: Anonymizer, text: str) -> list[str]:
    doc = anonymizer.nlp_engine.nlp["en"].make_doc(text)
    return [doc[a:b].text for a, b in anonymizer.names.ner_windows(doc, bytes(len(text)))]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # No title, label or list knows these names: only the NER finds them.
        ("Dear colleague,\n\nRe: Baytal Akça, DOB 28/11/1976\n\nThank you for seeing this patient.", "Baytal Akça"),
        (
            "Subject: Password reset\n\nRequester: Georgel Stoica (stoica27@gmail.com)\nPlease reset the account.",
            "Georgel Stoica",
        ),
    ],
)
def test_ner_finds_unlisted_english_names(anonymizer: Anonymizer, text: str, name: str) -> None:
    assert names(anonymizer, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "DISCHARGE SUMMARY\n\nDepartment of Medicine\n\nAdmitted: 05/03/2025   Discharged: 12/03/2025\n"
        "Chest X-ray showed consolidation.",
        "Current medication: Bisoprolol 2.5 mg once daily; Paracetamol 1 g as required.",
        "Hello there, this is a short English note about nothing at all. " * 8,
        "Insurance: Blue Cross Blue Shield, the patient lives with family.",
    ],
    ids=["headings", "drugs-with-doses", "everyday-listed-word", "everyday-words"],
)
def test_no_ner_pass_where_no_name_can_be(anonymizer: Anonymizer, text: str) -> None:
    """Everyday capitalised words ("Department", "Chest", "English" -- a surname too), drugs before
    their dose: no window, so no NER cost, and no name."""
    assert windows(anonymizer, text) == []
    assert names(anonymizer, text) == []


@pytest.mark.slow  # NER over every English document of the evaluation set, twice (about 2.5 s)
def test_windows_find_what_the_whole_text_finds(anonymizer: Anonymizer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over every English document of the evaluation set: the same findings, span for span and
    type for type, as with the NER run on the whole text (only scores differ: where the rules
    found a name, the NER is skipped rather than asked to confirm it)."""
    texts = [
        doc["text"]
        for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
        if (doc := json.loads(line))["lang"] == "en"
    ]
    assert len(texts) >= 50

    def spans(text: str) -> list[tuple[str, int, int]]:
        return [(f.pii_type, f.start, f.end) for f in anonymizer.detect(text)]

    windowed = [spans(text) for text in texts]
    monkeypatch.setattr(anonymizer.names, "ner_windows", lambda doc, covered: [(0, len(doc))])
    whole = [spans(text) for text in texts]
    assert windowed == whole
    assert sum(pii_type == "name" for found in whole for pii_type, _, _ in found) > 100
