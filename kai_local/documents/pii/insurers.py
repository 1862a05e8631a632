"""A listed insurer that another rule found as an organisation or a name is an insurer: "AOK
Bayern", "Helsana Versicherungen AG", "CSS Kranken-Versicherung AG", "DKV Deutsche
Krankenversicherung AG".

The institution rules read "AOK Bayern" or "... Versicherungen AG" as a company, and their
finding is longer or stronger than the insurer list's, so it wins the overlap. The value is
masked either way; this gives it the type a reader of the placeholders expects (`INSURANCE_1`),
and the type the issue asks for. Runs on the resolved findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kai_local.documents.pii.findings import Finding
from kai_local.documents.pii.lexicon import Lexicon
from kai_local.documents.pii.recognizers.listed import split_marked

# What may follow the insurer's name inside its full name: insurance words, a legal form, a country.
INSURER_TAIL = re.compile(
    r"(?:[ \t]+(?:[\w-]*(?:[Vv]ersicherung(?:en)?|[Kk]asse)|AG|SE|GmbH|a\.[ \t]?G\.|Deutsche|Österreich|Schweiz"
    r"|Suisse|Gesundheit))+"
)
RETYPED = frozenset({"company", "name", "address"})  # "Suva" is also Fiji's capital


def insurers_as_insurance(text: str, findings: Sequence[Finding], lexicon: Lexicon) -> list[Finding]:
    """The findings, with each company, name or place finding that is a listed insurer typed insurance."""
    plain, marked = split_marked(lexicon.insurers)
    # A name that is also a word ("CSS", "DKV") must go with its insurance words to count.
    alone_ok, with_tail = frozenset(plain), frozenset(marked)
    return [
        Finding("insurance", f.start, f.end, f.score, f.source)
        if f.pii_type in RETYPED and _is_insurer(text[f.start : f.end], alone_ok, with_tail)
        else f
        for f in findings
    ]


def _is_insurer(value: str, alone_ok: frozenset[str], with_tail: frozenset[str]) -> bool:
    if value in alone_ok:
        return True
    for cut in (m.start() for m in re.finditer(r"[ \t]", value)):
        head, tail = value[:cut], value[cut:]
        if (head in alone_ok or head in with_tail) and INSURER_TAIL.fullmatch(tail):
            return True
    return False
