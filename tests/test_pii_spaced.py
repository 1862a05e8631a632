"""Letter-spaced headings (kai_local.documents.pii.spaced): read without their spaces."""

from __future__ import annotations

from kai_local.documents.pii.spaced import spaced_runs


def test_a_spaced_heading_is_read_as_its_words() -> None:
    text = "Brief\nL A N D E S K R A N K E N H A U S   M U R T A L\nSehr geehrte"
    [run] = spaced_runs(text)
    assert run.reading == "LANDESKRANKENHAUS MURTAL"
    assert text[run.start : run.end] == "L A N D E S K R A N K E N H A U S   M U R T A L"


def test_punctuation_and_two_space_gaps_are_kept_apart() -> None:
    [run] = spaced_runs("H A U T A R Z T P R A X I S   D R .  M E D .  S I G R I D")
    assert run.reading == "HAUTARZTPRAXIS DR. MED. SIGRID"


def test_ordinary_text_and_short_runs_are_no_headings() -> None:
    assert list(spaced_runs("Hb 12,1 g/dl, a b c d, Typ 2 a")) == []
    assert list(spaced_runs("Stiege 2 / Top 4 / 1 a")) == []
