"""A practice, institute or office named after its owner is one organisation: "Praxis Dr. Gruber",
"Ordination Dr. med. univ. Petra Wallner", "Gemeinschaftspraxis Dr. Vogel & Dr. Lindemann",
"LABOR DR. HOFSTÄTTER & PARTNER", "Institut für Pathologie Dr. Marković", "Notariat Mag. Wimmer".

Issue 11 asks for practices "with their place or owner, as company", and letters treat the whole
as the practice's name. The name rules find the owner as a person; this joins the head word, the
titles and the owner's name into one company finding. It runs on the findings with their
repetitions: the owner's name found elsewhere in the letter ("Dr. Gruber rief an") has been
found as a person by then, from this very finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kai_local.documents.pii.findings import Finding

# The head word: "Praxis", "Hausarztpraxis", "HNO-Gemeinschaftspraxis", "Kassenordination",
# "Röntgeninstitut", "LABOR", "Notariat", "Advokatur", "Kanzlei".
HEAD = re.compile(
    r"(?<![\w-])[\w-]*(?:praxis|ordination|institut|labor|laboratorium|notariat|advokatur|kanzlei)(?![\w-])",
    re.IGNORECASE,
)
# "Praxis für Orthopädie & Sportmedizin Dr. ...": a specialty of capitalised words between the head
# and the titles (not a sentence: "Labor für Mikrobiologie hat den Befund an Dr. Huber geschickt").
SPECIALTY = re.compile(
    r"[ \t]+(?:für|fur|FÜR|FUR)[ \t]+[A-ZÄÖÜ][\w-]*(?:[ \t]+(?:(?:und|UND|&|u\.)[ \t]+)?[A-ZÄÖÜ][\w-]*){0,4}"
    r"(?=[ \t]+(?:Dr|DR|Dres|DRES|DDr|Prof|PROF|Mag|MAG|Univ|UNIV|Priv|PRIV|PD)\b)"
)
TOKEN = re.compile(r"[ \t]*(\S+)")
# Between two owners: "Dr. Vogel & Dr. Lindemann", "DR. MED. K.-H. MAIER / DR. MED. S. KOCH".
OWNER_JOIN = re.compile(r"[ \t]*(?:&|\+|/|,|und|u\.)[ \t]*")
# After the owners: "& Partner", "und Kolleginnen".
PARTNERS = re.compile(r"[ \t]*(?:&|und|u\.)[ \t]*(?:Partner(?:in(?:nen)?)?|Kolleg(?:en|innen))\b", re.IGNORECASE)
MAX_OWNERS = 3
ACADEMIC_TITLE_PARTS = frozenset(
    "dr dres ddr prof mag mmag dipl univ priv doz pd med dent vet pharm rer nat sc phil iur lic di ing psych a in ao".split()
)


def owned_practices(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """The findings, with each head word, its titles and its owners' names joined into one company."""
    starts = {f.start: f for f in findings if f.pii_type == "name"}
    merged: list[tuple[int, int, float]] = []
    for head in HEAD.finditer(text):
        span = _practice(text, head, starts)
        if span is not None:
            merged.append(span)
    if not merged:
        return list(findings)
    out = list(findings)
    for start, end, score in merged:
        inside = [f for f in out if f.start < end and f.end > start]
        # A finding that runs past the practice into other text is left as it stands.
        if any(f.pii_type not in ("company", "name") or f.end > end for f in inside):
            continue
        start = min([start, *(f.start for f in inside)])
        out = [f for f in out if f not in inside]
        out.append(Finding("company", start, end, max([score, *(f.score for f in inside)])))
    return sorted(out, key=lambda f: f.start)


def _practice(text: str, head: re.Match[str], names: dict[int, Finding]) -> tuple[int, int, float] | None:
    """(start, end, score) of the practice that `head` opens, or None where no owner's name follows."""
    pos = head.end()
    specialty = SPECIALTY.match(text, pos)
    if specialty is not None:
        pos = specialty.end()
    owners: list[Finding] = []
    while len(owners) < MAX_OWNERS:
        titled = False
        while (token := TOKEN.match(text, pos)) is not None and _is_degree(token.group(1)):
            pos, titled = token.end(), True
        if specialty is not None and not titled and not owners:
            return None  # "Praxis für Innere Medizin Huber": too loose without a title
        if owners and not titled:
            break  # a co-owner has a title: "Dr. Vogel & Dr. Lindemann", not "Dr. Gruber, Anna Muster"
        name = names.get(_skip_blanks(text, pos))
        if name is None:
            break
        owners.append(name)
        pos = name.end
        join = OWNER_JOIN.match(text, pos)
        if join is None:
            break
        pos = join.end()
    if not owners:
        return None
    end = owners[-1].end
    partners = PARTNERS.match(text, end)
    if partners is not None:
        end = partners.end()
    return head.start(), end, max(f.score for f in owners)


def _is_degree(token: str) -> bool:
    """An academic title, which an owner carries ("Dr.", "Univ.-Prof.", "Dipl.-Psych.", "MAG."); not a
    role ("OA Dr. Huber" in the "Herzkatheterlabor" is staff) nor a salutation ("und Frau Huber")."""
    parts = [p for p in re.split(r"[.-]", token.lower()) if p]
    return bool(parts) and all(p in ACADEMIC_TITLE_PARTS for p in parts)


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos
