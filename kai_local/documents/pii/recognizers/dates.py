"""Calendar dates in German and English notation (shared by the dob and age recognizers)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

MONTHS = {
    "jänner": 1,
    "januar": 1,
    "jan": 1,
    "january": 1,
    "feber": 2,
    "februar": 2,
    "feb": 2,
    "february": 2,
    "märz": 3,
    "mär": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "dez": 12,
    "december": 12,
    "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

DATE = re.compile(
    # not inside a longer number ("1.2.12.03.1965"), but glued to its label: "geb.22.07.1975"
    r"(?<!\w)(?<!\d\.)(?:"
    r"(?P<d1>\d{1,2})\.\s?(?P<m1>\d{1,2})\.\s?(?P<y1>\d{4}|\d{2})(?![\d.]\d)"  # 12.03.1965, 1. 3. 65
    r"|(?P<d2>\d{1,2})\.?\s(?P<m2>" + _MONTH + r")\.?\s(?P<y2>\d{4})"  # 12. März 1965
    r"|(?P<y3>\d{4})(?P<sep3>[-.])(?P<m3>\d{2})(?P=sep3)(?P<d3>\d{2})(?![\d.]\d)"  # 1965-03-12, 1965.03.12 (HU)
    r"|(?P<a4>\d{1,2})/(?P<b4>\d{1,2})/(?P<y4>\d{4})"  # 03/12/1965 (either order)
    r"|(?P<d8>\d{1,2})-(?P<m8>\d{1,2})-(?P<y8>\d{4})(?![\d-])"  # 11-04-1963 (a form's or a foreign writer's)
    r"|(?P<m5>" + _MONTH + r")\.?\s(?P<d5>\d{1,2})(?:st|nd|rd|th)?,?\s(?P<y5>\d{4})"  # March 12, 1965
    r"|(?P<d6>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<m6>" + _MONTH + r")\.?,?\s(?P<y6>\d{4})"  # 12th March 1965
    r"|(?P<d7>\d{1,2}) \. (?P<m7>\d{1,2}) \. (?P<y7>\d{4})"  # 09 . 05 . 1958 (a scanned page's spaced dots)
    r")(?!\w)",
    re.IGNORECASE,
)


class FoundDate(NamedTuple):
    start: int
    end: int
    date: dt.date


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 65 -> 1965, 05 -> 2005 (a two-digit year is never in the future)
        year += 2000 if year <= dt.date.today().year % 100 else 1900
    return year


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> Iterator[FoundDate]:
    for m in DATE.finditer(text):
        g = m.groupdict()
        date = None
        if g["d1"]:
            date = _make(_year(g["y1"]), int(g["m1"]), int(g["d1"]))
        elif g["d2"]:
            date = _make(int(g["y2"]), MONTHS[g["m2"].lower()], int(g["d2"]))
        elif g["y3"]:
            date = _make(int(g["y3"]), int(g["m3"]), int(g["d3"]))
        elif g["a4"]:
            a, b = int(g["a4"]), int(g["b4"])
            date = _make(int(g["y4"]), a, b) or _make(int(g["y4"]), b, a)
        elif g["m5"]:
            date = _make(int(g["y5"]), MONTHS[g["m5"].lower()], int(g["d5"]))
        elif g["d6"]:
            date = _make(int(g["y6"]), MONTHS[g["m6"].lower()], int(g["d6"]))
        elif g["d7"]:
            date = _make(int(g["y7"]), int(g["m7"]), int(g["d7"]))
        elif g["d8"]:
            date = _make(int(g["y8"]), int(g["m8"]), int(g["d8"]))
        if date is not None:
            yield FoundDate(m.start(), m.end(), date)


def plausible_birth_date(date: dt.date) -> bool:
    return 1900 <= date.year and date <= dt.date.today()
