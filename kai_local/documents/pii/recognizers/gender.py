"""Gender: the words (männlich, weiblich, divers, male, female, ...) and short codes after a label."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

WORDS = re.compile(
    r"(?<!\w)(?:männlich|weiblich|divers|intersexuell|nicht-binär|nichtbinär|transgender|transident"
    r"|male|female|non-binary|nonbinary|intersex)(?:e|er|en|em|es)?(?!\w)",
    re.IGNORECASE,
)
CODE = re.compile(
    r"(?<!\w)(?:Geschlecht|Geschl\.|Sex|Gender)[ \t]*(?::|\.{2,})?[ \t]*(?P<v>m|w|d|f|x|M|W|D|F|X|männl\.|weibl\.)(?!\w)"
    # a form's ticked box: "[ ] männl.  [X] weibl.", "☒ weiblich"
    r"|(?:\[[xX✓✔]\]|☒|☑|✔|✓)[ \t]*(?P<t>männl\.|weibl\.|m|w|d|männlich|weiblich|divers|male|female)(?![\w])"
    # the abbreviation as a field of an identification line: "*30.07.1990 (34 J.), männl."
    r"|(?<=, )(?P<u>männl\.|weibl\.)(?=[ \t]*(?:$|\n|,|;))"
)


class GenderRule(RuleRecognizer):
    ENTITY = "GENDER"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in WORDS.finditer(text):
            yield Span(m.start(), m.end(), 0.85)
        for m in CODE.finditer(text):
            group = next(g for g in ("v", "t", "u") if m.group(g))
            yield Span(m.start(group), m.end(group), 0.85)
