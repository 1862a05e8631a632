"""Number plates (Austrian and German district codes) and vehicle identification numbers.

A plate needs a known district code and the usual shape; without a label (Kennzeichen, Kfz,
PKW, license plate) it must also carry the hyphen that plates are written with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import (
    SWISS_CANTONS,
    RuleRecognizer,
    Span,
    context_before,
    has_context,
    words,
)

PLATE = re.compile(
    r"(?<![\w-])(?P<code>[A-ZÄÖÜ]{1,3})(?P<sep>[- ]|\s?·\s?)"
    r"(?:(?P<at>\d{1,5}\s?[A-Z]{1,3})|(?P<de>[A-Z]{1,2}\s?\d{1,4}[EH]?)|(?P<wish>[A-Z]{2,6}\s?\d{1,3}))(?![\w-])"
)
# A Swiss plate, canton and number, only after its label: "Kontrollschild TI 218447".
CH_PLATE = re.compile(
    r"(?<![\w-])" + SWISS_CANTONS + r"[ ]?"
    r"(?:\d{1,3}[ ']\d{3}|\d{1,6})(?![\w-])"  # "BL 128 463", "SO 71904"
)
# A foreign plate of letters and digits ("AEB-417" in Hungary), only after its label.
FOREIGN_PLATE = re.compile(r"(?<![\w-])[A-Z]{2,3}-\d{3,4}(?![\w-])")
VIN = re.compile(r"(?<!\w)[A-HJ-NPR-Z0-9]{17}(?!\w)")
LABEL_WORDS = (
    "Kennzeichen",
    "Kontrollschild",
    "Autonummer",
    "amtl\\. Kennzeichen",
    "amtliches Kennzeichen",
    "Kennz\\.",  # "amtl. Kennz. WSF-HS 214"
    "Kfz",
    "Kfz-Kennzeichen",
    "KFZ",
    "PKW",
    "Pkw",
    "LKW",
    "Fahrzeug",
    "Firmenwagen",
    "Personenwagen",
    "Kleintransporter",
    "Transporter",
    "Lieferwagen",
    "Dienstwagen",
    "Auto",
    "Motorrad",
    "Zulassung",
    "license plate",
    "licence plate",
    "registration",
    "plate",
    "vehicle",
    "Nummernschild",
    "Fahrgestellnummer",
    "FIN",
    "VIN",
    "Fahrzeugidentifikationsnummer",
    "Unfallgegner",
)
LABEL = words(*LABEL_WORDS)
# The label right before the plate, also as the end of a compound: "Privat-Pkw: AEB-417".
LABEL_RIGHT_BEFORE = re.compile(r"(?:" + "|".join(LABEL_WORDS) + r")(?!\w)[ \t]*:?[ \t]*$", re.IGNORECASE)


class VehicleRule(RuleRecognizer):
    ENTITY = "VEHICLE"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        codes = self.lexicon.vehicle_codes_at | self.lexicon.vehicle_codes_de
        for m in _overlapping(PLATE, text):
            labelled = has_context(LABEL, text, m.start(), 40)
            if m.group("code") not in codes and not (labelled and m.group("sep") == "-"):
                continue  # a label says it is a plate, whatever district code it has ("Firmenwagen (SAD-GB 714)")
            if labelled:
                yield Span(m.start(), m.end(), 0.9)
            elif m.group("sep") == "-" and (m.group("at") or m.group("de")):
                yield Span(m.start(), m.end(), 0.6)
        for m in FOREIGN_PLATE.finditer(text):
            if LABEL_RIGHT_BEFORE.search(context_before(text, m.start(), 30)):  # "Privat-Pkw: AEB-417 (HU)"
                yield Span(m.start(), m.end(), 0.8)
        for m in CH_PLATE.finditer(text):
            if has_context(LABEL, text, m.start(), 40):  # "Fahrzeug unserer Klientin (SO 71904)"
                yield Span(m.start(), m.end(), 0.85)
        for m in VIN.finditer(text):
            if (
                any(c.isdigit() for c in m.group())
                and any(c.isalpha() for c in m.group())
                and has_context(LABEL, text, m.start(), 40)
            ):
                yield Span(m.start(), m.end(), 0.9)


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """Matches that may start inside a rejected one ("KFZ LL 391 NP": not "KFZ LL 391")."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1
