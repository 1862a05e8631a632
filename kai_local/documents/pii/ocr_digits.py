"""Digits that OCR read as letters, read back as digits for detection.

A scanned "30.06.1958" comes out of OCR as "30.O6.1958", a phone number as "O664 / 21O 55 38", a
case number as "2O26OO9184471": the letter O for a zero, l or I for a one. Detection sees a copy
of the text in which, inside every token that holds at least two digits and no other letters,
O/o become 0 and l/I become 1; after the capital of a code ("F1O.3", "K7O4412839") O/o become 0.
The copy has the same length, so what is found in it stands at
the same place in the text itself, and the placeholders replace the text as it was read.
"""

from __future__ import annotations

import re

# A token: letters, digits and the punctuation numbers are written with, no spaces.
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z./:-]*")
_CONFUSABLE = str.maketrans("OoIl", "0011")
_OTHER_LETTERS = re.compile(r"[A-HJ-KM-NP-Za-hj-km-np-z]")  # every letter but O, o, I, l
# An ICD-10 code is a letter and two digits ("I10", "O80.0"): its letter is meant.
_ICD = re.compile(r"[A-Z]\d{2}(?:\.\d{1,2})?")
# Italy's letter before a postcode ("I-39042 Brixen") is meant too.
_COUNTRY_POSTCODE = re.compile(r"I-\d{4,5}")


# A number written in groups ("079 615 3O 72", "034 421 2O 2O"): where every group has a digit and
# the run has 6 or more, the letters of its groups are read as digits too (not in ICD codes:
# "I10/I50/I25").
_GROUPS = re.compile(r"(?<![\w.,])[0-9OolI]{1,5}(?:[ /-][0-9OolI]{1,5}){2,6}(?![\w]|[.,]\d)")


def ocr_digits(text: str) -> str:
    """The text with OCR's letter-for-digit confusions undone inside number-like tokens."""
    return _GROUPS.sub(_grouped_digits, _TOKEN.sub(_digits, text))


def _grouped_digits(match: re.Match[str]) -> str:
    run = match.group()
    groups = re.split(r"[ /-]", run)
    if (
        not all(any(c.isdigit() for c in group) for group in groups)
        or sum(c.isdigit() for c in run) < 6
        or any(_ICD.fullmatch(group) for group in groups)
    ):
        return run
    return run.translate(_CONFUSABLE)


# A code of one capital and a number: an ICD code or an insurance number read with an O for a
# zero ("F1O.3", "K7O4412839"): the capital is meant, the rest is the number.
_LETTER_THEN_NUMBER = re.compile(r"[A-HJ-NP-Z]\d[0-9Oo./:-]+")  # not O or I: "O7.O3.1949" is all digits


def _digits(match: re.Match[str]) -> str:
    token = match.group()
    if _LETTER_THEN_NUMBER.fullmatch(token) and sum(c.isdigit() for c in token) >= 2:
        return token[0] + token[1:].translate(_CONFUSABLE)
    if (
        sum(c.isdigit() for c in token) < 2
        or _OTHER_LETTERS.search(token)
        or _ICD.fullmatch(token)
        or _COUNTRY_POSTCODE.fullmatch(token)
    ):
        return token
    return token.translate(_CONFUSABLE)
