"""Company register numbers: Austrian Firmenbuch (FN 123456a, at.businessid), German
Handelsregister (HRB 12345), Swiss UID without VAT suffix (ch.uid), Austrian ZVR (associations),
UK company numbers next to their label."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.at import businessid
from stdnum.ch import uid as ch_uid

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, has_context, words

FN = re.compile(r"(?<!\w)(?:FN|FB-?Nr\.?|Firmenbuch(?:nummer)?|Firmenbuch-Nr\.?)\s?:?\s?(?P<n>\d{1,6}\s?[a-z])(?!\w)")
FN_BARE = re.compile(r"(?<!\w)(?P<n>FN\s?\d{1,6}\s?[a-z])(?!\w)")
HR = re.compile(r"(?<!\w)(?P<n>(?:HRB|HRA)\s?\d{1,6}(?:\s?[A-Z]{1,2}(?![a-z]))?)(?!\w)")
HR_WEAK = re.compile(r"(?<!\w)(?P<n>(?:GnR|PR|VR|GsR)\s?\d{1,6})(?!\w)")
CHE = re.compile(r"(?<!\w)CHE[- ]?\d{3}\.?\d{3}\.?\d{3}(?! ?(?:MWST|TVA|IVA|VAT))(?!\w)")
# The Austrian data-processing register ("DVR 0035 8721", "DVR-Nr.: 0468711").
DVR = re.compile(r"(?<!\w)DVR(?:-Nr\.?|-Nummer)?[ \t]?:?[ \t]?(?P<n>\d{3,4}[ \t]?\d{3,4})(?![\w.,/-]?\d)")
ZVR = re.compile(r"(?<!\w)ZVR(?:-Zahl|-Nr\.?|-Nummer)?\s?:?\s?(?P<n>\d{9,10})(?!\w)")
UK = re.compile(
    r"(?<!\w)(?:Company (?:No\.?|number|registration number)|Registered (?:in England(?: and Wales)?|number)(?: No\.?)?"
    r"|reg\. no\.|registration no\.)\s*:?\s*(?P<n>(?:[A-Z]{2})?\d{6,8})(?!\w)",
    re.IGNORECASE,
)
REGISTER_LABEL = words(
    "Registergericht",
    "Amtsgericht",
    "Handelsregister",
    "Register",
    "Genossenschaftsregister",
    "Partnerschaftsregister",
    "Vereinsregister",
    "AG",
)


class CompanyRegisterRule(RuleRecognizer):
    ENTITY = "COMPANY_REGISTER"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for pattern in (FN_BARE, FN):
            for m in pattern.finditer(text):
                if businessid.is_valid(m.group("n").replace(" ", "")):
                    start = m.start() if pattern is FN_BARE else m.start("n")
                    yield Span(start, m.end("n"), 0.95)
        for m in HR.finditer(text):
            yield Span(m.start("n"), m.end("n"), 0.9)
        for m in HR_WEAK.finditer(text):
            if has_context(REGISTER_LABEL, text, m.start(), 60):
                yield Span(m.start("n"), m.end("n"), 0.85)
        for m in CHE.finditer(text):
            if ch_uid.is_valid(m.group()):
                yield Span(m.start(), m.end(), 0.9)
        for pattern in (ZVR, DVR, UK):
            for m in pattern.finditer(text):
                yield Span(m.start("n"), m.end("n"), 0.9)
