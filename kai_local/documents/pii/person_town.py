"""The town after a person: "Dr. med. Pierre Vuilleumier, Widnau", "Martina Schomaker, Lage, 0171
...", "Dr. Zipfel, Kinder- und Jugendärztin, Ehrenkirchen". Letters name a colleague or a relative
by name and town; the town is where they work or live (HIPAA's Safe Harbor: a place smaller than a
state is an identifier), even when it is also a word ("Lage", "Zug", "Haar").

This runs on the resolved findings: it needs the person found first. The words after the name's
comma are taken when the gazetteer knows them as a place (not a title, a degree or a department)
and end there (a comma, a full stop, a colon, a bracket or the line's end follow), so that
"Dr. Huber, Kardiologie am Wasserturm" or a sentence stays alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kai_local.documents.pii.findings import Finding, coverage
from kai_local.documents.pii.lexicon import Lexicon

# ", Town" (one to three words, "an der"/"am"/"im"/"bei" inside) and what must follow it.
TOWN_AFTER = re.compile(
    r",[ \t]+(?P<town>[A-ZÄÖÜ][\w'’.-]*[\w'’](?:[ \t](?:(?:an[ \t]der|am|im|bei|ob|in)[ \t])?[A-ZÄÖÜ][\w'’-]+){0,2})"
    r"(?=[ \t]*(?:[,.;:)]|\n|$))"
)
# One role or kinship between the name and the town: "Dr. Zipfel, Kinder- und Jugendärztin, Ehrenkirchen".
ROLE_BETWEEN = re.compile(r",[ \t]+[^\n,]{2,40}?(?=,[ \t])")
TOWN_SCORE = 0.6


def add_towns(text: str, findings: Sequence[Finding], lexicon: Lexicon) -> list[Finding]:
    """The findings with the town after each found person's name added as address."""
    mask = coverage(len(text), ((f.start, f.end) for f in findings))
    added: list[Finding] = []
    for f in findings:
        if f.pii_type != "name":
            continue
        for start in _after_name(text, f.end, lexicon):
            m = TOWN_AFTER.match(text, start)
            if m is None or any(mask[m.start("town") : m.end("town")]):
                continue
            if _names_a_town(m.group("town"), lexicon):
                mask[m.start("town") : m.end("town")] = b"\x01" * (m.end("town") - m.start("town"))
                added.append(Finding("address", m.start("town"), m.end("town"), TOWN_SCORE))
                break
    return sorted([*findings, *added], key=lambda f: f.start)


def _after_name(text: str, end: int, lexicon: Lexicon) -> list[int]:
    """Where a ", Town" may start: right after the name, or after one role that follows it."""
    starts = [end]
    role = ROLE_BETWEEN.match(text, end)
    if role is not None and _is_role(role.group().lstrip(", \t"), lexicon):
        starts.append(role.end())
    return starts


def _is_role(value: str, lexicon: Lexicon) -> bool:
    words = value.replace("-", " ").split()
    return any(w in lexicon.occupations or w.rstrip(".") in lexicon.occupations for w in words) or bool(
        re.search(r"(?:ärztin|arzt|ärzte|login|loge|therapeut(?:in)?|pfleger(?:in)?)\b", value, re.I)
    )


# Titles and degrees after a name are no town: "Dr. Huber, MSc", "Ruth Imhof, Dipl. Pflegefachfrau".
SPECIALTY_ENDING = re.compile(
    r"(?i:logie|chirurgie|medizin|iatrie|heilkunde|pädie|skopie|therapie|pflege|dienst|ambulanz|station|klinik|praxis)$"
)
NOT_TOWNS = frozenset("Dr Prof Doz Mag MSc BSc MBA PhD MD FMH FRCP MRCP DGKP DGKS Dipl Ing Mr Mrs Ms Herr Frau".split())


def _names_a_town(town: str, lexicon: Lexicon) -> bool:
    """A place the gazetteer knows: after a name's comma stand roles, degrees and units too
    ("Bezugsperson", "M.Sc", "Stationsleitung"), which no list of words can tell from a village."""
    words = town.split()
    if words[0].rstrip(".") in NOT_TOWNS or SPECIALTY_ENDING.search(words[0]):
        return False
    return town in lexicon.places or town in lexicon.towns
