"""Companies and institutions: names ending in a legal form (GmbH, AG, KG, OG, e.U., Ges.m.b.H.,
Inc., Ltd. ...) and hospitals (LKH Graz, AKH Wien, Klinikum Wels-Grieskirchen, St. Mary's Hospital).

The name before a legal form is up to four capitalised words (with &, und, -); it stops at
sentence words, so "Rechnung der Huber & Söhne GmbH" yields "Huber & Söhne GmbH".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

LEGAL_FORM = re.compile(
    r"(?<=[\w.)] )(?:GmbH\s?&\s?Co\.?\s?KG|GmbH\s?&\s?Co\.?\s?OG|Ges\.?\s?m\.?\s?b\.?\s?H\.?|GesmbH|GmbH|gGmbH|mbH"
    r"|AG|KG|OG|OHG|GbR|PartG|e\.\s?U\.|e\.\s?K\.|e\.\s?V\.|eG|SE|KGaA|UG(?:\s\(haftungsbeschränkt\))?"
    r"|Inc\.?|Ltd\.?|LLC|L\.L\.C\.|LLP|plc|PLC|Corp\.?|Corporation|Co\.\s?KG|S\.A\.|SA|S\.p\.A\.|S\.r\.l\.|B\.V\.|N\.V\.|Sàrl|Sagl"
    r"|&\s?Cie\.?|&\s?Co\.?|und Partner|&\s?Partner|&\s?Söhne|&\s?Sohn|& Sons|Group|Holding|Stiftung|Verein)(?![\w])"
)
NOT_IN_COMPANY_NAMES = frozenset(
    """Firma Rechnung Auftrag Angebot Kunde Kundin Lieferant Arbeitgeber Absender Empfänger Betreff Herr Frau
    Herrn Sehr Geehrte Geehrter Liebe Lieber Dear Invoice From To Bei Von An Mit Für Über Durch Laut Gemäß
    Patient Patientin Diagnose Befund Bericht Brief Schreiben Mail Tel Fax Web Homepage UID FN IBAN""".split()
)
NAME_WORD = re.compile(r"(?:[A-ZÄÖÜ0-9][\w'’.-]*|&|\+|und|and|u\.|von|der|de|of|the|e\.\s?[GVUK]\.)$")
HOSPITAL = re.compile(
    r"(?<![\w-])(?:LKH(?:-Univ\.?\s?-?Klinikum)?|AKH|UKH|UK|Landesklinikum|Landeskrankenhaus|Universitätsklinikum|Uniklinikum"
    r"|Universitätsspital|Kantonsspital|Ordensklinikum|Klinikum|Krankenhaus|Spital|Klinik|Sanatorium|Privatklinik"
    r"|Rehaklinik|Rehabilitationszentrum|Reha-Zentrum|Pflegeheim|Pflegezentrum|Gesundheitszentrum|Ambulatorium"
    r"|Primärversorgungszentrum|PVE|PVZ)(?:\s(?:der|des)\s(?:Barmherzigen\s\w+|Elisabethinen|\w+))?(?![\w-])"
)
# The place after the hospital word, one piece at a time: "Klagenfurt", "am Wörthersee", "St. Pölten".
PLACE_PIECE = re.compile(
    r"[ -](?:(?:am|an der|im|in der|ob der|bei) )?(?:St\. |Sankt |Bad )?[A-ZÄÖÜ][\w'’]*(?:-[A-ZÄÖÜ][\w'’]*)*"
)
# A hyphenated proper name: "Hanusch-Krankenhaus", "Kaiser-Franz-Josef-Spital" (plain compounds
# such as "Augenklinik" are common nouns).
HOSPITAL_COMPOUND = re.compile(r"(?<![\w-])(?:[A-ZÄÖÜ][\w]*-)+(?i:spital|klinikum|krankenhaus|klinik)(?!\w)")
# "Wilhelminenspital", "Inselspital": -spital compounds are mostly names ("Kinderspital" is not).
GENERIC_PREFIXES = frozenset({"Kinder", "Landes", "Kreis", "Stadt", "Tages", "Bezirks", "Kantons", "Regional"})
SPITAL_COMPOUND = re.compile(r"(?<![\w-])(?P<prefix>[A-ZÄÖÜ][a-zäöüß]{3,})spital(?!\w)")
EN_HOSPITAL = re.compile(
    r"(?<![\w-])(?:(?:St\.?|Saint|Royal|[A-Z][\w'’-]+)\s){1,4}(?:General\s)?(?:Hospital|Infirmary|Medical Center|Medical Centre|Clinic|Health Centre|Health Center)(?!\w)"
)


class CompanyRule(RuleRecognizer):
    ENTITY = "COMPANY"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in LEGAL_FORM.finditer(text):
            start = self._name_start(text, m.start())
            if start is not None:
                yield Span(start, m.end(), 0.85)
        for m in HOSPITAL.finditer(text):
            end = self._place_end(text, m.end())
            if end > m.end():
                yield Span(m.start(), end, 0.8)
        for m in HOSPITAL_COMPOUND.finditer(text):
            yield Span(m.start(), self._place_end(text, m.end()), 0.75)
        for m in SPITAL_COMPOUND.finditer(text):
            if m.group("prefix").lower() not in self.lexicon.common_words and m.group("prefix") not in GENERIC_PREFIXES:
                yield Span(m.start(), self._place_end(text, m.end()), 0.7)
        for m in EN_HOSPITAL.finditer(text):
            first = m.group().split()[0]
            if first not in self.lexicon.not_names:
                yield Span(m.start(), m.end(), 0.9)

    def _place_end(self, text: str, pos: int) -> int:
        """End of the place after a hospital word (up to four pieces; none that is an everyday word)."""
        for _ in range(4):
            piece = PLACE_PIECE.match(text, pos)
            if piece is None:
                break
            last = piece.group().split()[-1]
            if (
                last in self.lexicon.not_names or last.lower() in self.lexicon.common_words
            ) and last not in self.lexicon.towns:
                break
            pos = piece.end()
        return pos

    def _name_start(self, text: str, form_start: int) -> int | None:
        """Walk left over up to four name words on the same line; None if there is none."""
        line_start = text.rfind("\n", 0, form_start) + 1
        words = list(re.finditer(r"\S+", text[line_start:form_start]))
        start = None
        taken = 0
        for word in reversed(words):
            token = word.group().rstrip(",")
            if word.group().endswith(",") and taken:
                break
            if not NAME_WORD.match(token) or token.endswith(":") or taken >= 4:
                break
            # Generic nouns belong to company names ("Generali Versicherung AG", "Maier Bau GmbH");
            # function words and document words do not ("Die", "Rechnung", "Arbeitgeber").
            connector = token in {"&", "+", "und", "and", "u.", "von", "der", "de", "of", "the"}
            if not connector and (token.lower() in self.lexicon.stop_words or token in NOT_IN_COMPANY_NAMES):
                break
            start = line_start + word.start()
            taken += 1
        if start is None or not re.search(r"[^\W\d_]{2,}", text[start:form_start]):
            return None  # "im 2. OG": a floor, no name before the legal form
        # Do not start on a connector ("und Huber GmbH" -> "Huber GmbH").
        while True:
            m = re.match(r"(?:&|\+|und|and|u\.|von|der|de|of|the)\s+", text[start:form_start])
            if not m:
                break
            start += m.end()
        return start if start < form_start else None
