"""Case, record, order, room and reference numbers: any value after an identifier label, and long
unlabelled digit runs. Reported as healthcare_number (the type the spec has for patient and case
numbers).

A label says what a value is, so the value is masked whatever it looks like: "Fall-Nr.
41.087.552", "Unser Zeichen: FE/hr", "Zimmer 214", "SVNR 3318 170244" with a wrong check digit,
"Akt.-Zl. AZ 2026/77 419 3". Validation (check digits, see healthcare_number.py) only raises the
score of values that need no label. Labels that other recognizers own (phone, fax, tax, VAT,
company register, bank, licence plate, insurance policy) are left to them.

Unlabelled: a run of 7+ digits that is not part of a date, time, decimal or phone number
("Befund 20251112003874"), and a code of capitals, a hyphen and 4+ digits ("RAD-7021188");
phone, date and address recognizers score higher where they apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

# A label: a word ending in Nr./Nummer/Zahl/Zl./ID/Zeichen/No./number/fall/befund (compounds
# included: "Befund-Nr.", "Aufnahmezahl", "Pat.-ID", "Unser Zeichen", "NHS No", "Ambulanzfall",
# "Histo-Vorbefund H 2019/08812"), or one of the short labels.
LABEL = re.compile(
    r"(?<![\w-])(?P<label>"
    # Label words are bounded ({1,30}): unbounded, the two optional words backtrack
    # quadratically over one long run of letters (100,000 letters took 70 s).
    # Up to three words: "Eltern-Kind-Pass-Nr.", "VBG-Unfall-Az.".
    r"(?:[A-Za-zÄÖÜäöüß]{1,30}\.?-?\s?)?(?:[A-Za-zÄÖÜäöüß]{1,30}\.?-){0,2}"
    r"(?:Az|AZ|Fall|Referenz|Nr|nr|NR|Nummer|nummer|NUMMER|Nummern|nummern|Zahl|zahl|ZAHL|Zl|ZL|ID|Id|Zeichen|zeichen|ZEICHEN|No"
    r"|Numbers?|numbers?|Ref|ref|REF|fall|befund|auftrag|Auftrag)\b\.?"  # "kit numbers", "Labor-Auftrag"
    # a code or "Kennung" compound: "Substitutionsregister-Code", "Kostenträgerkennung" (not a
    # bare "code", a JSON key, nor "postalCode")
    r"|(?:[A-Za-zÄÖÜäöüß]{1,30}-){0,2}[A-ZÄÖÜa-zäöüß][a-zäöüß]{1,30}(?:-Code|code|-Kennung|kennung)\b"
    r"|GZ|Gz\.?|PID|FID|BSNR|LANR|GLN|ZSR|Chiffre|Fall|FALL|Journal|Eingang|Befund"
    r"|LOT|Lot|SN|S/N|Charge|Ch\.-B\."  # an implant's or a device's lot and serial number
    # in any case: "VGL. AUFTRAG 25-0211-0129" (a scanned page in capitals; not "BEFUND:", a heading)
    r"|(?i:Probe|Einsendung|Auftrag|Referenz|Reference|Vorgang)"
    r"|Antrag|Meldung"  # "Kostenträger: PVA, Antrag RH-2025/118834", "Meldung T-26-1187"
    # a specimen's report before its number: "Histologie E-26-14402", "Vorhistologie H 2026/06102";
    # the Swiss insurance card: "Versichertenkarte 80756 0004 2271 39"
    r"|(?:Vor)?[Hh]istologie|Zytologie|Versichertenkarte"
    r"|[A-Za-z]{2,20}[ .-]no\."  # "Befund MR-260210-0447", "Personnel no.", "GHIC no.:"
    r"|(?:[A-ZÄÖÜ]{2,6}-)?Akt"  # an Austrian file: "KJH-Akt R10-2389/24"
    r"|Zimmer|ZIMMER|Zi\.|ZI\.|Bett|BETT|Room|Bed|Ward bed|room"
    r"|[A-ZÄÖÜ][a-zäöüß]{2,20}zimmer"  # "Isolierzimmer K2-07", "Einzelzimmer C 4.17"
    r"|Haftraum|Behandlungsraum|Untersuchungsraum"  # "Haftraum B 2.17" (not "Zeitraum")
    r")(?![\w-])"
)
# ":", "#", "=", a full stop, or a form's dot leader ("Screening number .......... SCR-0452")
SEPARATOR = re.compile(r"[ \t]*(?:[:#=]|\.+(?!\d)|…+)?[ \t]*")
# A value: tokens with a digit, or short capitals/codes between them ("12 150762 E 512",
# "ADM 2026 / 01 844", "KA2/LB-1127"), one space or " / " apart, on one line.
TOKEN = r"[A-Za-z0-9ÄÖÜäöü][\w./\-]*"
VALUE = re.compile(TOKEN + r"(?:(?: | / | - )" + TOKEN + r")*")
# Dictation marks: "Unser Zeichen: FE/hr", "Hi/kr", "JZ/bal/cb" (writer / typist / ...).
_INITIALS = r"[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,3}(?:/[A-Za-zäöü]{1,4}){1,2}"
# After a "Zeichen" label the writer's marks may be in small letters too: "Unser Zeichen: acb/kv".
INITIALS_REF = re.compile(r"[A-Za-zÄÖÜäöü]{1,4}(?:/[A-Za-zÄÖÜäöü]{1,4}){1,2}(?![\w/])")
# ... also at the end of the place-and-date line: "Wald, 28. April 2025 / JZ/bal/cb".
DATED_INITIALS = re.compile(r"(?<=\d{4})[ \t]*/[ \t]*(?P<v>" + _INITIALS + r")[ \t]*$", re.MULTILINE)
# Words between a label and its colon: "Auftragsnummer MD: ...", "Az. der Pflegekasse: ...".
LABEL_QUALIFIER = re.compile(
    # letters only: "Fall TIS-2025-061394:" is a value before a colon, not a qualifier
    r"[ \t]+(?:(?:(?:der|des|vom|beim)[ \t]+)?[A-ZÄÖÜ][A-Za-zÄÖÜäöüß.-]{0,15}|\([^()\n]{1,30}\))[ \t]*:"  # "Schaden-Nr. (sofern bekannt):"
    # a bracketed word in capitals without a colon: "PAT.-ID (ALIAS) Zulu-17/2025"
    r"|[ \t]+\([A-ZÄÖÜ]{2,12}\)(?=[ \t]+\S)"
    # a few words saying whose number it is: "Pat.-Nr. in der Ordination:", "Fallzahl bei uns:"
    r"|[ \t]+(?:in|im|bei|beim|an|am|der|des|vom|von|für|unserer?|ihrer?|Ihrer?|lt\.|laut)(?:[ \t]+[A-Za-zÄÖÜäöüß.-]{1,25}){0,2}[ \t]*:"
)
# Labels that belong to other types: phone and fax, tax, VAT, company register, bank, plates,
# insurance policies (insurance.py), counts ("Anzahl", "Zellzahl"), pages and house numbers.
FOREIGN_LABEL = re.compile(
    r"tel|fax|handy|mobil|phone|ruf|kennzeichen|anzahl|zellzahl|keimzahl|frequenz|steuer|tax|uid|ust|mwst|iban|konto"
    r"|blz|bic|firmenbuch|(?<![a-zäöü])fn\b|hrb|haus|seite|page|polizze|police|policy|vertrag(?!s?(?:zahn)?arzt|s?partner)|mitglied"
    # not "Vertragszahnarzt-Nr.", "Vertragspartner-Nr." (a doctor's own number)
    r"|member|kunden?nr"
    # codes that are no one's number: a diagnosis's ("ICD-Code F32.1"), a colour, a QR code;
    # a login is username.py's
    r"|icd|(?<![a-zäöü])ops(?![a-zäöü])|(?<![a-zäöü])atc(?![a-zäöü])|diagnose|farb|colou?r|qr|zugangs|nutzer|login"
    r"|post|zip|plz|area|country",
    re.IGNORECASE,
)
REGISTER = re.compile(r"[A-ZÄÖÜ][a-zäöüA-Z]{0,3}")  # a court register's letters: "KLs", "Js", "Ob", "C"
ROOM_LABELS = frozenset({"zimmer", "zi.", "bett", "room", "bed", "ward bed"})
DATE = re.compile(r"\d{1,2}\.\s?\d{1,2}\.(?:\d{2}|\d{4})?|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")
DATE_HOUR = re.compile(r"(?:" + DATE.pattern + r") \d{1,2}")
# A court's or prosecutor's file number without a label: department, register, number, year and
# (in Austria) a check letter: "St 1874/25s", "31 St 88/25k", "28 Hv 41/25t", "412 Js 18834/25".
COURT_FILE = re.compile(
    r"(?<![\w/.-])(?:\d{1,4}[ \t])?(?:St|Hv|Js|Ds|Cg|Cgs|Ps|Bl|Ur|Vr|Hr|Ns|Bs|UT|BAZ|Gs|Ls|KLs|Ks|Ss|Ws|Ob|Os|Rs|Pg)"
    r"[ \t]\d{1,6}/\d{2}(?:\d{2})?[a-z]?(?![\w/]|[.,]\d)"
)
# A long number printed digit by digit, alone in its column at a line's end (a form's barcode
# line): "SEITE 1/1       2 0 2 6 0 2 1 9 0 0 4 1 1".
SPACED_DIGITS = re.compile(r"(?:(?<=\n)|(?<=[ \t]{2})|^)\d(?: \d){9,19}(?=[ \t]*(?:\n|$))", re.MULTILINE)
UNLABELLED_RUN = re.compile(r"(?<![\w.,:/+-])\d{7,}(?![\w]|[.,:/-]\d)")
# A record code without a label: capitals (with a few digits), a hyphen and four or more digits,
# more groups after it: "RAD-7021188", "E25-14873-1A" (a tissue block), "SCR-CH04-0452", "MP2406B-0917",
# "WD-1124-0871" (a wound photo). Not a country's postcode ("A-8010 Graz", "CH-8001").
UNLABELLED_CODE = re.compile(
    r"(?<![\w./-])(?P<letters>[A-Z]{1,4})\d{0,6}[A-Z]?(?:-[A-Z]{1,4}\d{0,3})?-\d{4,}(?:-[0-9A-Z]{1,6})*(?![\w/]|-\w|[.,]\d)"
)
STANDARDS = frozenset({"ISO", "DIN", "EN", "IEC"})  # "ISO-9001"
POSTCODE_COUNTRIES = frozenset("A D CH FL I F L B NL CZ SK SLO SI H HU PL HR DK S N E P GB UK IRL".split())


class IdentifierRule(RuleRecognizer):
    ENTITY = "HEALTHCARE_NUMBER"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in LABEL.finditer(text):
            label = m.group("label")
            if FOREIGN_LABEL.search(label):
                continue
            qualifier = LABEL_QUALIFIER.match(text, m.end())
            label_end = qualifier.end() if qualifier else m.end()
            sep = SEPARATOR.match(text, label_end)
            start = sep.end() if sep else label_end
            if not qualifier and start == m.end() and not text[m.end() : m.end() + 1].isspace():
                continue
            span = self._value(text, start, label)
            if span is not None:
                yield span
        for pattern in (UNLABELLED_RUN, COURT_FILE, SPACED_DIGITS):
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), 0.6)
        for m in UNLABELLED_CODE.finditer(text):
            postcode = m.group("letters") in POSTCODE_COUNTRIES and re.fullmatch(r"[A-Z]+-\d{4,5}", m.group())
            if not postcode and m.group("letters") not in STANDARDS:
                yield Span(m.start(), m.end(), 0.6)
        for m in DATED_INITIALS.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)

    @staticmethod
    def _value(text: str, start: int, label: str) -> Span | None:
        if "zeichen" in label.lower():
            ref = INITIALS_REF.match(text, start)
            if ref:
                return Span(start, ref.end(), 0.8)
        m = VALUE.match(text, start)
        if m is None:
            return None
        value = m.group()
        # Stop before a word that is no part of a code ("Zimmer 214 links", "Nr. 5 der Liste").
        kept = []
        pieces = re.split(r"( / | - | )", value)
        for n, token in enumerate(pieces):
            if token.strip() in ("/", "-", ""):
                kept.append(token)
                continue
            # a digit, a slash, or a short code in capitals ("HNO-A", "BU-LF", "E"); a court's
            # register between numbers ("Az.: 2 KLs 412 Js 18834/25", "4 Ob 17/24")
            code = token.replace("-", "")
            register = REGISTER.fullmatch(token) is not None and _has_digit(pieces[n + 2 : n + 3])
            if not (_has_digit([token]) or (code.isupper() and len(code) <= 5) or "/" in token or register):
                break
            kept.append(token)
        value = "".join(kept).rstrip(" /-.")
        if DATE.fullmatch(value) or (
            DATE_HOUR.fullmatch(value) and text[start + len(value) : start + len(value) + 1] == ":"
        ):
            return None  # "Eingang: 14.03.2025", "EINGANG: 22.04.2025 10:12" (the value stops at the colon)
        if re.match(r"[.,]\d", text[start + len(value) : start + len(value) + 2]):
            return None  # a decimal: "Leukozytenzahl 12,3"
        digits = sum(c.isdigit() for c in value)
        # Rooms and beds are short; a count-like label ("...zahl") needs a number of some length.
        # A reference ("Unser Zeichen: H2/rei-pa") is whatever follows its label.
        folded = label.lower()
        if folded in ROOM_LABELS or folded.endswith(("zimmer", "raum")) or "zeichen" in folded:
            needed = 1
        elif folded.endswith("zahl"):
            needed = 4
        else:
            needed = 2
        if digits < needed:
            return None
        return Span(start, start + len(value), 0.85)


def _has_digit(tokens: list[str]) -> bool:
    return any(c.isdigit() for token in tokens for c in token)
