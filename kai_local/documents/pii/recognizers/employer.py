"""Employers and workplaces named after a job or a work phrase: "Forstfacharbeiter bei den
Österreichischen Bundesforsten", "Busfahrer bei der BVG", "Koch im Ristorante Da Vinci",
"arbeitete als Weberin im VEB Textilwerke Zittau", "Inhaber des Asia-Imbiss Saigon",
"Schiffbauingenieur bei German Naval Yards Kiel". Reported as company: where someone works
narrows down who they are as much as their town.

The name is what follows the preposition: capitalised words, abbreviations and quoted names,
joined by "&", "und", "der", "des", "am", "an der", "da", "di" (up to six words, on one line). One
word alone counts only as an abbreviation, in quotes or hyphenated ("BVG", "Borsig-Apotheke"): a
single noun is mostly no name ("arbeitet im Garten", "Koch im Ruhestand", "im Schichtdienst").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, context_before
from kai_local.documents.pii.recognizers.occupation import JOB_WORD, TRADE_WORD

# The preposition (and article) after which a workplace is named.
AT_WORK = re.compile(
    r"(?<![\w-])(?:bei(?: der| den| dem| die)?|beim|im|in der|in einem|in einer|am|an der|an einer|für die|für den"
    r"|at|for|(?:(?<=Inhaber )|(?<=Inhaberin )|(?<=Besitzer )|(?<=Besitzerin ))(?:des|der))\s+(?=[„\"'A-ZÄÖÜ])"
)
# What says that the words before the preposition are about work.
WORK_CUE = re.compile(
    r"(?:arbeitet(?:e)?|gearbeitet|tätig|beschäftigt|angestellt|Angestellte[rn]?|Mitarbeiter(?:in)?|Inhaber(?:in)?"
    r"|Geschäftsführer(?:in)?|Besitzer(?:in)?|betrieb|betreibt|führte|führt|Lehre|Ausbildung|Praktikum|Student(?:in)?"
    r"|studiert|besucht|Schüler(?:in)?|works|worked|employed)\b[^.\n;:]{0,30}$",
    re.IGNORECASE,
)
NAME_TOKEN = re.compile(r"„[^“\n]{1,40}“|\"[^\"\n]{1,40}\"|[A-ZÄÖÜ][\w'’.&/-]*")
# One word alone is a name only as an abbreviation ("BVG", "HSE"), in quotes, or as a
# hyphenated proper name ("Borsig-Apotheke", "Asia-Imbiss"): a plain compound noun is mostly a
# common noun ("im Schichtdienst", "in der Bäckerei", "im Fernverkehr").
ONE_WORD_NAME = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9]{1,7}|[„\"].+|[A-ZÄÖÜ][\w'’]*(?:-[A-ZÄÖÜ][\w'’]*)+")
CONNECTOR = re.compile(r"(?:&|und|der|des|am|an der|an|da|di|de|del|la|le|du|von|of|the|für)\b")


class EmployerRule(RuleRecognizer):
    ENTITY = "COMPANY"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in AT_WORK.finditer(text):
            before = context_before(text, m.start(), 40)
            job = TRADE_WORD.search(before) or JOB_WORD.search(before)
            just_after_job = job is not None and not before[job.end() :].strip(" ()-,")
            if not just_after_job and WORK_CUE.search(before) is None:
                continue
            end = self._name_end(text, m.end())
            if end is not None:
                yield Span(m.end(), end, 0.6)

    def _name_end(self, text: str, pos: int) -> int | None:
        """The end of the workplace's name starting at `pos`, or None when it is no name."""
        tokens: list[str] = []
        end = pos
        while len(tokens) < 6:
            token = NAME_TOKEN.match(text, pos)
            if token is None:
                break
            word = token.group().rstrip(".,") if not token.group().startswith(("„", '"')) else token.group()
            if not tokens and word.lower() in self.lexicon.stop_words:
                return None
            tokens.append(word)
            end = token.start() + len(word)
            gap = re.match(r"[ \t]+|-", text[end:])
            if gap is None:
                break
            following = text[end + gap.end() :]
            connector = CONNECTOR.match(following)
            if connector and NAME_TOKEN.match(following[connector.end() :].lstrip(" ")):
                pos = end + gap.end() + connector.end()
                pos += len(text[pos:]) - len(text[pos:].lstrip(" "))
                continue
            pos = end + gap.end()
        if not tokens:
            return None
        if len(tokens) == 1 and (ONE_WORD_NAME.fullmatch(tokens[0]) is None or tokens[0] in self.lexicon.towns):
            return None
        return end
