"""Ward lists and handover sheets: one patient per row, opened by the room (and bed) and the
patient's name, surname in capitals ("204  2  WINTER Josef   78  m", "612/1 KÄLIN Ueli 74j.",
"615 (Iso MRSA) YILDIZ Emine"). Such a row has no label: its place on the line says what each
value is. The room is reported as healthcare_number (as "Zimmer 204" would be), the name as name.

A capitalised word after a number is often no name ("100 MG Aspirin", "3 x TGL Kontrolle"): the
row counts when the given name or the surname is a listed name, or when an age follows the name
("78  m", "74j.", "44 J.").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan

UPPER = r"[A-ZÄÖÜÀ-ÞĀ-ſ]"
LOWER = r"[a-zäöüßà-ÿā-ſ]"
ROW = re.compile(
    r"(?m)^[ \t]*(?P<room>\d{2,4}[a-z]?(?:/\d{1,2})?)"  # room, or room/bed
    r"(?:[ \t]+\d{1,2}(?![\d.:,]))?"  # a bed column
    r"(?:[ \t]+\([^()\n]{1,30}\))?"  # a note in brackets ("(Iso MRSA)")
    r"[ \t]+(?P<name>(?P<surname>" + UPPER + r"{2,}(?:['’-]" + UPPER + r"+)*"
    r"(?:[ ]" + UPPER + r"{2,}(?:['’-]" + UPPER + r"+)*){0,2})"
    r"[ ]+(?P<given>" + UPPER + LOWER + r"+(?:-" + UPPER + LOWER + r"+)?(?:[ ]" + UPPER + LOWER + r"+)?))"
    r"(?P<age>,?[ \t]+\d{1,3}[ \t]?(?:[Jj]\.|[Jj](?!\w)|a\b|y\b|[ \t]+[mwfMWF]\b))?"
)
# Outside a row: the same name with the patient's age after it ("Elektiv Mo: SOMMER Franz, 71 J.").
AGED_NAME = re.compile(
    r"(?<![\w'’-])(?P<name>"  # not after an apostrophe: "AB'AB'AB'..." would start everywhere
    + UPPER
    + r"{2,}(?:['’-]"
    + UPPER
    + r"+)*(?:[ ]"
    + UPPER
    + r"{2,}(?:['’-]"
    + UPPER
    + r"+)*){0,2}"
    r"[ ]+" + UPPER + LOWER + r"+(?:-" + UPPER + LOWER + r"+)?)"
    r"(?=,?[ \t]+\d{1,3}[ \t]?(?:J\.|j\.|Jahre|a\b))"
)
SCORE = 0.9  # over the name rules' part of the row ("LUCA Matteo" of "DE LUCA Matteo")


class WardListRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ("NAME", "HEALTHCARE_NUMBER")

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        for m in ROW.finditer(text):
            if m.group("age") is None and not self._listed(m.group("surname"), m.group("given")):
                continue
            yield TypedSpan("HEALTHCARE_NUMBER", m.start("room"), m.end("room"), SCORE)
            yield TypedSpan("NAME", m.start("name"), m.end("name"), SCORE)
        for m in AGED_NAME.finditer(text):
            surname, given = m.group("name").rsplit(" ", 1)
            if self._listed(surname.strip(), given):  # "CT Thorax 3 a" is no one
                yield TypedSpan("NAME", m.start("name"), m.end("name"), SCORE)

    def _listed(self, surname: str, given: str) -> bool:
        names = self.lexicon.listed_names
        return given.split("-")[0].split()[0] in names or surname.split()[-1].title() in names
