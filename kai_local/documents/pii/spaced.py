"""Letter-spaced headings, as letterheads and OCR'd scans write them: "L A N D E S K R A N K E N
H A U S   M U R T A L", "H A U T A R Z T P R A X I S   D R .  M E D .  S I G R I D   Z O L L E R".

The rules read words; spaced out, a heading has none. Each run of single characters one to
three spaces apart is read again with the spaces taken out (a gap of two or more spaces between
words, one between letters), and where the rules find a name, an institution or a place in that
reading, the whole heading is masked as what they found. A spaced heading with nothing personal
in it ("E N T L A S S U N G S B R I E F") stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

# Six or more single characters, each alone between spaces (one to three of them).
SPACED_RUN = re.compile(r"(?<!\S)\S(?!\S)(?:[ ]{1,3}\S(?!\S)){5,}")
WORD_GAP = re.compile(r"[ ]{2,}")
# What a spaced heading is masked as, when its reading holds one of these (first wins).
HEADING_TYPES = ("company", "name", "address")


class SpacedRun(NamedTuple):
    start: int
    end: int
    reading: str  # the heading with the spaces between its letters taken out


def spaced_runs(text: str) -> Iterator[SpacedRun]:
    for m in SPACED_RUN.finditer(text):
        words = [word.replace(" ", "") for word in WORD_GAP.split(m.group())]
        yield SpacedRun(m.start(), m.end(), " ".join(words))
