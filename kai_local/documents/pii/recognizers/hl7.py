"""HL7 v2 messages (an interface's log, a lab's export): a field's position says what it holds.

"PID|1||0004127765^^^^PI||Schäfer-Oltmanns^Hannelore^^^^^L||19490722|F|||Am Kirchgraben 7^^Halle
(Saale)^^06108^DE" names the patient in PID-5, the birth date in PID-7 and the address in PID-11,
with no label a rule could read. The positions are HL7 v2's (segments PID, PD1, NK1, PV1, IN1,
GT1, ORC, OBR, OBX, EVN): each field listed here is reported whole, its components ("^") and
repetitions ("~") included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan

# segment -> {field number: entity}; field numbers as HL7 counts them (MSH aside, the segment's
# name is field 0).
FIELDS: dict[str, dict[int, str]] = {
    # MSH is counted from its encoding characters (MSH-2) as 1: MSH-4 and MSH-6, the sending and
    # receiving facilities, are 3 and 5 here (MSH-3 and MSH-5 name software: "ORBIS", "LIS-LMZ").
    "MSH": {3: "COMPANY", 5: "COMPANY"},
    "PID": {
        2: "HEALTHCARE_NUMBER",
        3: "HEALTHCARE_NUMBER",
        4: "HEALTHCARE_NUMBER",
        5: "NAME",
        6: "NAME",
        7: "DOB",
        8: "GENDER",
        9: "NAME",
        11: "ADDRESS",
        13: "PHONE",
        14: "PHONE",
        17: "RELIGION",
        18: "HEALTHCARE_NUMBER",
        19: "HEALTHCARE_NUMBER",
        20: "HEALTHCARE_NUMBER",
        26: "NATIONALITY",  # citizenship
        28: "NATIONALITY",
    },
    "PD1": {3: "COMPANY", 4: "NAME"},
    "NK1": {2: "NAME", 4: "ADDRESS", 5: "PHONE", 6: "PHONE", 13: "COMPANY", 30: "NAME", 31: "PHONE", 32: "ADDRESS"},
    # PV1-3/6/11: the ward^room^bed where the patient lies, was, is for now; PV1-39: the facility
    "PV1": {
        3: "COMPANY",
        6: "COMPANY",
        7: "NAME",
        8: "NAME",
        9: "NAME",
        11: "COMPANY",
        17: "NAME",
        19: "HEALTHCARE_NUMBER",
        39: "COMPANY",
        50: "HEALTHCARE_NUMBER",
    },
    "IN1": {3: "INSURANCE", 4: "INSURANCE", 5: "ADDRESS", 16: "NAME", 18: "DOB", 19: "ADDRESS", 36: "INSURANCE"},
    "GT1": {3: "NAME", 5: "ADDRESS", 6: "PHONE", 7: "PHONE", 8: "DOB"},
    "ORC": {10: "NAME", 11: "NAME", 12: "NAME"},
    "OBR": {16: "NAME", 28: "NAME", 32: "NAME", 34: "NAME"},
    "OBX": {16: "NAME"},
    "EVN": {5: "NAME"},
}
ENTITIES = tuple(dict.fromkeys(entity for fields in FIELDS.values() for entity in fields.values()))
SEGMENT = re.compile(r"(?m)^[ \t]*(?P<name>" + "|".join(FIELDS) + r")\|")
MESSAGE_HEADER = re.compile(r"(?m)^[ \t]*MSH\|\^~\\&\|")


class Hl7Rule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ENTITIES

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        if MESSAGE_HEADER.search(text) is None:
            return  # segments only count inside a message
        for m in SEGMENT.finditer(text):
            wanted = FIELDS[m.group("name")]
            line_end = len(text) if (end := text.find("\n", m.end())) == -1 else end
            yield from _fields(text, m.end(), line_end, wanted)


def _fields(text: str, start: int, end: int, wanted: dict[int, str]) -> Iterator[TypedSpan]:
    number, begin = 1, start
    for position in [*(m.start() for m in re.finditer(r"\|", text[start:end])), end - start]:
        field_end = start + position
        value = text[begin:field_end].rstrip("\r")
        entity = wanted.get(number)
        if entity is not None and value.strip("^~ ") and any(c.isalnum() for c in value):
            yield TypedSpan(entity, begin, begin + len(value), 0.85)
        number, begin = number + 1, field_end + 1
