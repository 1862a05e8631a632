"""Age: "45-jährige", "45 J.", "45 Jahre alt", "im Alter von 45 Jahren", "Alter: 45", "45-year-old"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

_N = r"(?:1[01]\d|120|\d{1,2})"
PATTERNS = (
    # Also as OCR and ASCII write it: "66-JAHRIGE" (the umlaut lost), "45-jaehrig".
    re.compile(r"(?<![\w.,])" + _N + r"\s?-?\s?(?:j(?:ä|ae|a)hrig)(?:e|er|en|em|es)?(?!\w)", re.IGNORECASE),
    re.compile(r"(?<![\w.,])" + _N + r"-j(?:ä|ae)hr\.", re.IGNORECASE),  # "75-jähr. Pat."
    re.compile(
        r"(?<![\w.,])" + _N + r"\s?(?:J\.|Jahre alt|Jahren alt)(?!\w)|(?<![\w.,])" + _N + r"\.?\s(?:LJ|Lj\.)(?!\w)"
        # an infant: "der 8 Monate alte Säugling" (not "die 2 Wochen alte Wunde")
        r"|(?<![\w.,])\d{1,2}\s(?:Monate|Wochen|Tage)(?=\salte[nrs]?\s(?:Säugling|Baby|Kind|Neugeborene|Frühgeborene"
        r"|Junge|Knabe|Mädchen|Patient|Sohn|Tochter|Enkel))"
        r"|(?<![\w.,])" + _N + r"j\.(?!\w)"  # "KÄLIN Ueli 74j." on a handover sheet
    ),
    re.compile(
        r"(?<!\w)(?:im Alter von|mit|Alter:?|Lebensalter:?)\s(?P<v>" + _N + r"(?:\sJahr(?:e|en)?)?)(?=\s|[,.;)]|$)"
    ),
    re.compile(r"(?<!\w)im\s(?P<v>" + _N + r"\.\sLebensjahr)(?!\w)"),
    re.compile(r"(?<![\w.,])" + _N + r"[- ](?:year|yr)s?[- ]old(?!\w)", re.IGNORECASE),
    re.compile(r"(?<!\w)(?:aged|age:?|Age:?)\s(?P<v>" + _N + r"(?:\syears)?)(?!\w)"),
    # On an identification line: "KRENN, Hermenegild, 82 Jahre", "* 03.11.1968, 57 a", "(84a)".
    # "( 66a )": a scanned page's space inside the brackets
    re.compile(r"(?:(?<=, )|(?<=\()|(?<=\( ))(?P<v>" + _N + r"\s?(?:a|J|Jahre))(?=[ ]?[,;)]|\s*$|\s*\n)", re.MULTILINE),
    # An infant's age after the birth date: "geb. 03.11.2023 (19 Monate)".
    re.compile(r"(?<=\.\d{4} \()(?P<v>\d{1,2} (?:Monate|Monaten|Mon\.|months|Wochen|weeks|Tage|days))(?=\))"),
    # ... or the last column of the line: "geb. 19.7.1949      76a".
    re.compile(r"(?<=[ \t]{3})(?P<v>" + _N + r"(?:\s?a|\s?J\.?|\s?Jahre))(?=[ \t]*$)", re.MULTILINE),
    # an English age in brackets after the birth date: "born 11-04-1963 (61 y)"
    re.compile(r"(?<=\d{4} \()(?P<v>" + _N + r"\s?(?:y|yrs?|years))(?=\))"),
)
# "mit 45" alone is too weak: 'mit 45 Jahren' yes, 'mit 45 mg' no.
NEEDS_YEARS = re.compile(r"^mit\s")


# A child's age in months, weeks or years and twelfths after its given name: "Tarik (18 Mo.)",
# "sister Saanvi (18 months)", "Yusuf (6 4/12 Jahre)", "Amira (4 Jahre 8 Monate)"; only after a listed given name ("Therapie
# (3 Monate)" is a duration).
CHILD_AGE = re.compile(
    r"(?<!\w)(?P<name>[A-ZÄÖÜÀ-ÖØ-ÞĀ-Ž][a-zäöüßà-öø-ÿā-ž]+)[ \t]\((?P<v>\d{1,3}(?:[ \t]\d{1,2}/12)?[ \t]?"
    r"(?:Mo\.|Mon\.|Monate|months|Wochen|weeks|Jahre|J\.)(?:[ \t]\d{1,2}[ \t]Monate)?)"
    r"(?=\)|[ \t]+(?:bei|zum|zur|am)[ \t])"  # "Herr Čolić (57 Jahre bei Aufnahme)"
)


SALUTATION_BEFORE = re.compile(r"(?:Herr|Herrn|Frau|Hr\.|Fr\.)[ \t]$")


class AgeRule(RuleRecognizer):
    ENTITY = "AGE"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for pattern in PATTERNS:
            for m in pattern.finditer(text):
                if "v" in pattern.groupindex:
                    if NEEDS_YEARS.match(m.group()) and "Jahr" not in m.group("v"):
                        continue
                    yield Span(m.start("v"), m.end("v"), 0.85)
                else:
                    yield Span(m.start(), m.end(), 0.9)
        for m in CHILD_AGE.finditer(text):
            named = m.group("name") in self.lexicon.listed_names or m.group("name") in self.lexicon.curated_first_names
            if named or SALUTATION_BEFORE.search(text, max(0, m.start() - 8), m.start()):
                yield Span(m.start("v"), m.end("v"), 0.85)
