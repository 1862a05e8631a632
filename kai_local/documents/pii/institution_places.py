"""A place that is part of an institution's name belongs to the institution: "Universitätsklinikum
Halle (Saale)", "Sozialabteilung der Stadt Dietikon",
"Notarztstützpunkt Ternitz", "Royal Infirmary of Edinburgh".

The institution rules find the head ("Universitätsklinikum Halle", "Notarztstützpunkt") and the
place rules the town beside it; each masks its part, so nothing is readable, but the institution
becomes two placeholders, one of them an address that is none. The letters' convention (and the
issue's "with their place ... as company") keeps the town inside the company span. Runs on the
resolved findings with their repetitions, so the town is still masked wherever else it stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kai_local.documents.pii.findings import Finding
from kai_local.documents.pii.lexicon import Lexicon

# What joins an institution to its town: one space, "der Stadt", "of", or the bracket of a town's
# own name ("Halle (Saale)"). Not ", Standort Leoben" nor "(Wetzikon)": letters write those as the
# institution's address as often as part of its name.
JOIN = re.compile(
    r"[ \t]+(?:der|des)[ \t]+(?:Stadt|Stadtgemeinde|Marktgemeinde|Gemeinde|Kantons|Bezirks)[ \t]+|[ \t]+of[ \t]+|[ \t]\(?",
    re.IGNORECASE,
)


def places_in_institutions(text: str, findings: Sequence[Finding], lexicon: Lexicon) -> list[Finding]:
    """The findings, with each town that continues an institution's name joined to it."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: f.start):
        previous = out[-1] if out else None
        if previous is not None and previous.pii_type == "company" and _is_town(text, f):
            end = _joined_end(text, previous, f, lexicon)
            if end is not None:
                out[-1] = Finding("company", previous.start, end, max(previous.score, f.score), previous.source)
                continue
        out.append(f)
    return out


def _is_town(text: str, f: Finding) -> bool:
    """An address finding without a digit: a place's name, not a street or a postcode line."""
    return f.pii_type == "address" and not any(c.isdigit() for c in text[f.start : f.end])


def _joined_end(text: str, institution: Finding, town: Finding, lexicon: Lexicon) -> int | None:
    """Where the joined institution ends, or None where the town does not continue its name."""
    join = JOIN.match(text, institution.end)
    if join is None or join.end() != town.start:
        return None
    if join.group().endswith("("):
        # "Halle (Saale)": the bracket is part of the town's name, after the town itself
        before = text[institution.start : institution.end].rsplit(" ", 1)[-1]
        closed = text.startswith(")", town.end)
        return town.end + 1 if closed and before in lexicon.places else None
    return town.end
