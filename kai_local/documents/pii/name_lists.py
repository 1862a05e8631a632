"""Given names joined to a found name: "Pflegeeltern Sabine und Ralf Vogelsang", "die Zwillinge
Lana und Jad", "Theresia (†2018), Ferdinand (Landwirt), Hubert sowie Anni Tatzreiter". A letter
names a family in one breath; the rules find the one with a surname or a cue, and its neighbours in
the list are people too.

A family name's particles at the start of a cell or line belong to it too: "dos Santos Ferreira",
"van der Berg" in a table column, where the rules found the capitalised words only.

This runs on the resolved findings (it needs the names found first). A neighbour is taken when it
is a listed given name, joined to a found name by "und", "sowie", "oder", "&", "and" or a comma,
with at most a short bracket between ("(†2018)", "(5 J.)"); it repeats along the list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kai_local.documents.pii.findings import Finding, coverage
from kai_local.documents.pii.lexicon import Lexicon

_JOIN = r"(?:[ \t]+\([^()\n]{1,30}\))?(?:,[ \t]*|[ \t]+(?:und|sowie|oder|&|and)[ \t]+)"
# A given name right before a found name: "Sabine und " + "Ralf Vogelsang".
BEFORE = re.compile(r"(?<![\w-])(?P<name>[A-ZÄÖÜ][a-zäöüßéèáàíóúçñ'’-]+)" + _JOIN + r"$")
# A given name right after a found name: "Léa" + " und Mathis".
AFTER = re.compile(_JOIN + r"(?P<name>[A-ZÄÖÜ][a-zäöüßéèáàíóúçñ'’-]+)(?![\w-])")
# Particles right before a found name, after a line start or a cell's delimiter: ";dos Santos Ferreira;".
PARTICLES_BEFORE = re.compile(
    r"(?:^|(?<=[\n;,\t|(]))[ \t]*(?P<p>(?:von|van|de|der|den|da|di|del|della|du|zu|vom|zum|ten|ter|dos|das)"
    r"(?:[ \t]+(?:der|den|la|le|los|las|dem))?)[ \t]+$"
)
NEIGHBOUR_SCORE = 0.7
MAX_ROUNDS = 4  # a list of four or five people is read along


def add_neighbours(text: str, findings: Sequence[Finding], lexicon: Lexicon) -> list[Finding]:
    """The findings with listed given names joined to a found name added as name."""
    findings = [_with_particles(text, f) if f.pii_type == "name" else f for f in findings]
    mask = coverage(len(text), ((f.start, f.end) for f in findings))
    result = list(findings)
    frontier = [f for f in findings if f.pii_type == "name"]
    for _ in range(MAX_ROUNDS):
        added = []
        for f in frontier:
            for start, end in _neighbours(text, f, lexicon):
                if not any(mask[start:end]):
                    mask[start:end] = b"\x01" * (end - start)
                    added.append(Finding("name", start, end, NEIGHBOUR_SCORE))
        if not added:
            break
        result += added
        frontier = added
    return sorted(result, key=lambda f: f.start)


def _neighbours(text: str, found: Finding, lexicon: Lexicon) -> list[tuple[int, int]]:
    spans = []
    window_start = max(0, found.start - 60)
    line_start = text.rfind("\n", 0, found.start) + 1
    before = BEFORE.search(text, max(window_start, line_start), found.start)
    if before is not None and _given_name(before.group("name"), lexicon):
        spans.append((before.start("name"), before.end("name")))
    after = AFTER.match(text, found.end)
    if after is not None and _given_name(after.group("name"), lexicon):
        # "Léa und Mathis Meier" is one more person, found whole by the rules; here only a
        # given name that ends there ("... und Mathis." / "und Mathis (5 J.)").
        spans.append((after.start("name"), after.end("name")))
    return spans


def _with_particles(text: str, found: Finding) -> Finding:
    """The name finding grown back over particles that open its cell or line."""
    line_start = text.rfind("\n", 0, found.start) + 1
    m = PARTICLES_BEFORE.search(text, max(line_start, found.start - 20), found.start)
    if m is None:
        return found
    return Finding(found.pii_type, m.start("p"), found.end, found.score, found.source)


def _given_name(word: str, lexicon: Lexicon) -> bool:
    return word in lexicon.first_names or word in lexicon.curated_first_names
