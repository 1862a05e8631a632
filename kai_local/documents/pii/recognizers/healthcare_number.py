"""Health and social insurance numbers, and patient/case numbers next to their label.

Validated by check digit: Austrian SVNR (at.vnr), Swiss AHV (ch.ssn), German KVNR (letter + 9
digits, check digit as in § 290 SGB V), UK NHS number (gb.nhs, with label), US SSN (with label).
A wrong check digit lowers the score but does not veto an SVNR with a date of birth in it, an
AHV number (756 and its dotted groups) or a KVNR-shaped number (a member or order number if not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.at import vnr
from stdnum.ch import ssn as ahv
from stdnum.gb import nhs
from stdnum.us import ssn

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

SVNR = re.compile(r"(?<![\d./-])\d{4}[ ]?\d{2}[ .]?\d{2}[ .]?\d{2}(?![\d]|[./-]\d)")
AHV = re.compile(r"(?<!\d)(?<!\d\.)756[. ]?\d{4}[. ]?\d{4}[. ]?\d{2}(?![\d])")
KVNR = re.compile(r"(?<![\w])[A-Z]\d{9}(?!\w)")
NHS = re.compile(r"(?<![\d])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d])")
US_SSN = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
SV_LABEL = words(
    "SVNR",
    "SV-Nr\\.?",
    "SVNr\\.?",
    "SV-Nummer",
    "VSNR",
    "VNR",
    "Versicherungsnummer",
    "Sozialversicherungsnummer",
    "Vers\\.-Nr\\.",
    "Vers\\.Nr\\.",
    "e-card",
    "ecard",
    "Versichertennummer",
    "Krankenversichertennummer",
    "KVNR",
    "AHV",
    "AHV-Nr\\.?",
    "AHVN13",
    "SSN",
    "Social Security",
    "NHS",
    "NHS number",
    "NHS No\\.?",
    "health number",
)
PATIENT_ID = re.compile(
    r"(?<!\w)(?:Pat(?:ienten)?\.?[- ]?(?:ID|Nr\.?|Nummer)|PID|Fall(?:zahl|nummer|-Nr\.?|nr\.?)"
    r"|Aufnahme(?:zahl|nummer)|Aufn\.?-?(?:Zl|Nr)\.?|KG-Nr\.?|Krankengeschichten?-?(?:nummer|Nr\.?)"
    r"|Patient ID|Patient No\.?|Patient number|Hospital (?:number|no\.?)|MRN|Medical record (?:number|no\.?)"
    r"|Case (?:number|no\.?))\s*[:#]?\s*(?P<id>[A-Z0-9](?:[A-Z0-9/-]{2,18})[0-9])(?![\w-])",
    re.IGNORECASE,
)


def kvnr_is_valid(value: str) -> bool:
    """German health insurance number: letter (A=01..Z=26) + 8 digits + check digit (Luhn-like)."""
    if not re.fullmatch(r"[A-Z]\d{9}", value):
        return False
    digits = f"{ord(value[0]) - 64:02d}" + value[1:9]
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (1 if i % 2 == 0 else 2)
        total += product // 10 + product % 10
    return total % 10 == int(value[9])


def _is_birth_date(ddmmyy: str) -> bool:
    day, month = int(ddmmyy[:2]), int(ddmmyy[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


class HealthcareNumberRule(RuleRecognizer):
    ENTITY = "HEALTHCARE_NUMBER"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        # A valid check digit raises confidence; a wrong one (a typo, test data) does not veto a
        # number of the exact shape: an SVNR's date of birth, the AHV's 756 prefix.
        for m in SVNR.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            labelled = has_context(SV_LABEL, text, m.start())
            if vnr.is_valid(digits):
                yield Span(m.start(), m.end(), 1.0 if labelled else 0.9)
            elif digits[0] != "0" and _is_birth_date(digits[4:]):  # phone numbers start with 0
                yield Span(m.start(), m.end(), 0.9 if labelled else 0.7)
        for m in AHV.finditer(text):
            yield Span(m.start(), m.end(), 1.0 if ahv.is_valid(m.group().replace(" ", "")) else 0.85)
        for m in KVNR.finditer(text):
            labelled = has_context(SV_LABEL, text, m.start())
            valid = kvnr_is_valid(m.group())
            # letter + 9 digits is a common shape for member and order numbers too: masked either way
            yield Span(m.start(), m.end(), 0.95 if labelled else 0.75 if valid else 0.6)
        for pattern, validator in ((NHS, nhs.is_valid), (US_SSN, ssn.is_valid)):
            for m in pattern.finditer(text):
                if has_context(SV_LABEL, text, m.start()) and validator(m.group()):
                    yield Span(m.start(), m.end(), 0.95)
        for m in PATIENT_ID.finditer(text):
            yield Span(m.start("id"), m.end("id"), 0.85)
