"""User names: after a label (Benutzername:, Login:, User:), @handles outside e-mail addresses, and
account-shaped words with an underscore."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

LABELLED = re.compile(
    r"(?<!\w)(?:Benutzername|Benutzerkennung|Benutzer-?ID|Benutzer|Username|User-?name|User ID|User|Login|"
    r"Login-?Name|Anmeldename|Kennung|Account|Handle|Nickname|Skype|Twitter|Instagram|Telegram|GitHub|Mastodon"
    r"|Operator|Bediener|Anwender|Sachbearbeiter|Exportiert von)"  # an export's or a device's operator
    r"(?:\s*[:=]\s*|\s+(?:is|ist|lautet|lautend auf)\s+)(?P<v>@?[A-Za-z0-9][\w.-]{1,30}[A-Za-z0-9_])(?![\w@.-]|\.\w)",
    re.IGNORECASE,
)
# A system short name with digits: "im KIS unter meinem Kürzel zbk0412" (hand signs of two or three
# letters after "Kürzel" are names: name.py).
SHORT_NAME = re.compile(r"(?<!\w)(?:Kürzel|Kurzzeichen)\s*:?\s*(?P<v>[A-Za-z]{2,6}\d{2,6})(?!\w)")
# A login without a colon, when it looks like one (a digit, a dot or an underscore in it):
# "(Benutzer dzenan.m96)", "Nutzerkennung gkienzler_jockele", "PACS-Sitzung: kgottschalk an ...".
LOGIN_SHAPED = re.compile(
    r"(?<!\w)(?:Benutzername|Benutzer|Nutzer|Nutzerkennung|Zugangskennung|Benutzerkennung|Kennung|Login|Anmeldung|Sitzung|Session"
    r"|(?i:exportiert|erstellt|gedruckt|geändert|angelegt)[ \t]+(?:\S+[ \t]+){0,3}?(?:von|durch)(?:[ \t]+Benutzer)?)"
    r"(?:[ \t]*:)?[ \t]+(?P<v>[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+|[a-z]{2,}\d{1,4}|[a-z]{6,}(?=[ \t]+(?:an|@)[ \t]))"
    r"(?![\w@-]|\.\w)"
)
# An account name without a label: small letters and digits around an underscore ("Instagram
# (farid_kbl.06)", "slehmann_ch04"); not a file's name ("befund_2024.pdf").
UNDERSCORED = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]+_[a-z0-9_.]*[a-z0-9](?![\w@]|\.\w)")
FILE_ENDING = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|tiff?|txt|csv|json|xml|dcm|zip|html?)$")
HANDLE = re.compile(r"(?<![\w@.])@(?P<v>[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_]))(?![\w@]|\.\w)")


class UsernameRule(RuleRecognizer):
    ENTITY = "USERNAME"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in LABELLED.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.85)
        for m in LOGIN_SHAPED.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.8)
        for m in SHORT_NAME.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.8)
        for m in UNDERSCORED.finditer(text):
            if not FILE_ENDING.search(m.group()):
                yield Span(m.start(), m.end(), 0.6)
        for m in HANDLE.finditer(text):
            yield Span(m.start(), m.end(), 0.75)
