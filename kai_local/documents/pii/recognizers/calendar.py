"""Calendar and contact exports (iCalendar, vCard): a property's name says what its value is.

A practice's appointment export ("ATTENDEE;CN=Ruth Zürcher:mailto:...", "LOCATION:Bahnhofstrasse
22\\, 8610 Uster") or an address book ("N:Huber;Anna;;;", "TEL;TYPE=cell:0664 ...",
"BDAY:1948-04-12") has no label a letter would have. Properties count only inside a
BEGIN:VCALENDAR or BEGIN:VCARD block; free-text properties (SUMMARY, DESCRIPTION, NOTE) are left
to the other recognizers, which read them as prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan

# property -> entity of its value (RFC 5545 for calendars, RFC 6350 for contacts).
PROPERTIES: dict[str, str] = {
    "FN": "NAME",
    "N": "NAME",
    "NICKNAME": "NAME",
    "BDAY": "DOB",
    "ADR": "ADDRESS",
    "LABEL": "ADDRESS",
    "LOCATION": "ADDRESS",
    "TEL": "PHONE",
    "ORG": "COMPANY",
    "TITLE": "OCCUPATION",
    "ROLE": "OCCUPATION",
    "GENDER": "GENDER",
    "CONTACT": "NAME",  # RFC 5545: the contact's name (and number) is the value itself
}
# Properties whose CN parameter is a person's common name (the value is their address).
PEOPLE = ("ATTENDEE", "ORGANIZER")
ENTITIES = tuple(dict.fromkeys(PROPERTIES.values()))

BLOCK = re.compile(r"(?ms)^BEGIN:(?:VCALENDAR|VCARD)\r?$.*?(?:^END:(?:VCALENDAR|VCARD)\r?$|\Z)")
# A content line (continuation lines start with a space and are not matched again):
# NAME *(;PARAM=VALUE) : VALUE
# A quoted parameter may hold a colon: 'ORGANIZER;SENT-BY="mailto:a@b.ch";CN=Dr. Huber:mailto:...'.
LINE = re.compile(
    r"(?m)^(?:[A-Za-z0-9-]+\.)?(?P<name>[A-Za-z-]+)(?P<params>(?:;(?:\"[^\"\n]*\"|[^;:\"\n])*)*):(?P<value>[^\r\n]*)"
)
COMMON_NAME = re.compile(r"(?i);CN=(?:\"(?P<quoted>[^\"\n]*)\"|(?P<plain>[^;:\n]*))")


class CalendarPropertyRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ENTITIES

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        if "BEGIN:V" not in text:
            return
        for block in BLOCK.finditer(text):
            for m in LINE.finditer(text, block.start(), block.end()):
                yield from _property_spans(m)


def _property_spans(m: re.Match[str]) -> Iterator[TypedSpan]:
    name = m.group("name").upper()
    if name in PEOPLE:
        cn = COMMON_NAME.search(m.group("params"))
        if cn is not None:
            group = "quoted" if cn.group("quoted") is not None else "plain"
            offset = m.start("params")
            start, end = offset + cn.start(group), offset + cn.end(group)
            if start < end:
                yield TypedSpan("NAME", start, end, 0.85)
        return
    entity = PROPERTIES.get(name)
    if entity is None:
        return
    value = m.group("value")
    # Structured values (N, ADR) separate their parts with ";": each non-empty part is one span,
    # but an address's region and country (its last two but one and its last) are no place
    # smaller than a state.
    parts = value.split(";") if name in ("N", "ADR") else [value]
    position = m.start("value")
    for number, part in enumerate(parts):
        stripped = part.strip()
        kept = not (name == "ADR" and number in (4, 6))
        if kept and stripped and any(c.isalnum() for c in stripped):
            start = position + part.index(stripped)
            yield TypedSpan(entity, start, start + len(stripped), 0.85)
        position += len(part) + 1
