"""Person names, without a German NER model.

Evidence, strongest first:
- a title, salutation or label before the name (Herr, Frau, Dr., Mag., OA, Prim., "Patientin:",
  "Name:", "gez.", "Dear"), possibly several ("Frau OÄ Dr. med. univ. Anna Huber");
- the line after a sign-off ("Mit freundlichen Grüßen", "Kind regards");
- a relative or role before a name ("Tochter Erika", "ihr Ehemann Rudolf", "Dolmetscher Hamid
  Noori", "their son Linus");
- a first name from the name lists followed by a capitalised word ("Anna Huber", "Anna HUBER"),
  or a listed surname followed by a listed first name ("Huber Anna", "Huber, Anna"), or a
  surname in capitals before a first name ("HÄSSIG JAKOB", "DVOŘÁK Ludmila");
- a listed first name that is no everyday word, alone ("Gisela klagte über ...");
- hand signs: initials after "Hdz.", "Visum", "Kürzel" or at the end of a note ("... /SH");
- spaCy's English NER (English text only; it invents persons in German text).
Initials are name parts ("Dr. K. Wernig", "Ch. Brandstätter", "H.-R. Steiner"), and titles count
in capitals too ("DR. MED. ROLAND BISIG").
A name part must be capitalised and not an everyday word (German nouns are capitalised too:
"Frau Kollegin" is no name). Titles are not part of the span: "Dr. [[NAME_1]]".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.lexicon import data_lines
from kai_local.documents.pii.recognizers.address import STREET_WORD
from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token as SpacyToken

# Word lists, one entry per line in pii/data/ (each file's header says what it holds).
TITLES = frozenset(data_lines("name_titles.txt"))
SALUTATIONS = frozenset(data_lines("name_salutations.txt"))
GREETINGS = frozenset(data_lines("name_greetings.txt"))
NOUN_ENDINGS = tuple(data_lines("name_noun_endings.txt"))
CLINICAL_ENDINGS = tuple(data_lines("name_clinical_endings.txt"))
PLACE_WORDS = frozenset(data_lines("name_place_words.txt"))
PARTICLES = frozenset(data_lines("name_particles.txt"))
ACRONYMS = frozenset(data_lines("name_acronyms.txt"))
DOSE_UNITS = frozenset(data_lines("dose_units.txt"))

# A word, with hyphenated parts; "Ass.-Prof." and "Dipl.-Ing." are one token.
TOKEN = re.compile(r"[^\W\d_][\w'’]*(?:\.?-[^\W\d_][\w'’]*)*\.?")
LABEL = re.compile(
    r"(?:(?<=\n)[ \t]*|^[ \t]*|(?<=[;|])[ \t]*|(?<=\t)|(?<=  ))(?:(?:Ihr|Ihre|Unser|Unsere|Your|Our)\s)?(?:Patient(?:in|/in|/IN)?|PatientIn|Pat\.|Name|Vorname|Nachname|Familienname|Geburtsname|Geb\.-?Name"
    r"|Versicherte[r]?|Kontoinhaber(?:in)?|Ansprechpartner(?:in)?|Ansprechperson|Haus(?:arzt|ärztin)|Zuweiser(?:in)?"
    r"|Zuweisende[r]? (?:Arzt|Ärztin)|Überweisende[r]? (?:Arzt|Ärztin)|Behandelnde[r]? (?:Arzt|Ärztin)|Arzt|Ärztin"
    r"|Untersucher(?:in)?|Befundet von|Befundende[r]?|Vidiert(?: von)?|Sachbearbeiter(?:in)?|Empfänger(?:in)?"
    r"|Absender(?:in)?|Rechnungsempfänger(?:in)?|Leistungsempfänger(?:in)?|Kunde|Kundin|Auftraggeber(?:in)?"
    r"|Mieter(?:in)?|Bill to|Customer|Recipient|Von|An|Cc|Dienstnehmer(?:/in|in)?|Arbeitnehmer(?:/in|in)?"
    r"|Bewohner(?:/in|in)?|Klient(?:/in|in)?|Teilnehmer(?:/in|in)?|Antragsteller(?:/in|in)?|Versicherungsnehmer(?:/in|in)?|Kopie an|Kontaktperson|Angehörige[r]?|Notfallkontakt|Bezugsperson"
    r"|Erwachsenenvertreter(?:in)?|Sachwalter(?:in)?|Mutter|Vater|Eltern|Kindeseltern|Ehemann|Ehefrau|Partner(?:in)?|Tochter|Sohn"
    r"|Lebensgefährt(?:e|in)|Diktiert von|Geschrieben von|Unterschrift|Kind|Mitarbeiter(?:in)?"
    r"|Patient name|Name of patient|Full name|Attending(?: physician)?|Physician|Referring (?:physician|doctor)"
    r"|GP|From|To|Signed|Contact|Next of kin|Dictated by|Author|Doctor|Consultant|Nurse|Emergency contact"
    r"|Versicherte Person|Betroffene Person|NFS|Notfallsanitäter(?:in)?|Rettungssanitäter(?:in)?|Sanitäter(?:in)?"
    r"|Account holder|Insured|Member|Spouse)"
    # a bilingual form's translation of the label: "Familienname / Vezetéknév:", "Name / Nom:"; a
    # second field or a gender ending: "Name, Vorname:", "Versicherte/r:"
    r"(?:[ \t]?/[ \t]?[^\W\d_][\w.-]{0,20}|,[ \t]?(?:Vorname|Vornamen|Given name|first name))?"
    r"(?:[ \t]*:[ \t]*(?:\n[ \t]*)?|[ \t]{3,}|[ \t]*(?:\.{2,}|…+)[ \t]*)",
    # "Klientin        Signer-Fässler Ida", a form's dot leader: "Familienname ......... HUBER". Blanks
    # before a label are read only after a line's start, ";" or "|" (after a run of blanks the label
    # starts where the run ends: reading the run from each of its blanks was quadratic).
    re.IGNORECASE,
)
INLINE_TRIGGER = re.compile(
    r"(?<!\w)(?:gez\.|i\.\s?A\.|i\.\s?V\.|z\.\s?H\.|z\.\s?Hd\.|Attn\.?:?|c/o|geb\.|verh\.|verw\.|née"
    r"|Pat\.(?=[ \t]+[A-ZÄÖÜ]))[ \t]*"
)
SIGN_OFF = re.compile(
    r"(?:Mit (?:freundlichen|besten|kollegialen|herzlichen|lieben) Grüßen|Beste Grüße|Liebe Grüße|Viele Grüße"
    r"|Herzliche Grüße|Freundliche Grüße|Schöne Grüße|Hochachtungsvoll|MfG|LG|Kind regards|Best regards"
    r"|Warm regards|Regards|Sincerely|Yours sincerely|Yours faithfully|Best wishes|Many thanks|Cheers)[,.!]?[ \t]*\n",
    re.IGNORECASE,
)
# Relatives and roles before a name, with an optional adjective: "Tochter Erika", "ihr
# verstorbener Mann Alois", "Dolmetscher Dari: Hamid Noori", "their son Linus".
RELATIVE = re.compile(
    r"(?<![\w-])(?<!&[ \t])(?<!und[ \t])(?:Ex-|ex-)?"  # "Ex-Freundin Nicole"; not "Huber & Partner"
    r"(?:(?:Ehe|Lebens|Stief|Halb|Schwieger|Groß|Gross|Ur)?(?:mann|frau|gatte|gattin|gefährte|gefährtin|partner|partnerin"
    r"|vater|mutter|sohn|tochter|bruder|schwester|kind|enkel|enkelin|eltern)|Mann|Gatte|Gattin|Sohn|Tochter|Bruder|Schwester|Mutter|Vater"
    r"|Partner|Partnerin|Eltern|Verlobte|Verlobter"
    r"|Oma|Opa|Onkel|Tante|Nichte|Neffe|Cousin|Cousine|Schwager|Schwägerin|Freund|Freundin|Nachbar|Nachbarin"
    r"|Enkel|Enkelin|Enkelinnen|Enkelkinder|Töchter|Söhne|Brüder|Schwestern|Geschwister"
    r"|Sister|Brother|Son|Daughter|Wife|Husband|Mother|Father"
    r"|Kollege|Kollegin|Mitbewohner|Mitbewohnerin|Mitpatient|Mitpatientin|Dolmetscher|Dolmetscherin|Betreuer|Betreuerin"
    r"|Beistand|Beiständin|Vormund|Sachwalter|Sachwalterin|Erwachsenenvertreter|Erwachsenenvertreterin|Bezugsperson"
    r"|Hausarzt|Hausärztin|Kinderarzt|Kinderärztin|Notarzt|Notärztin|Amtsarzt|Amtsärztin|Zahnarzt|Zahnärztin|Facharzt"
    r"|Fachärztin|Pfleger|Pflegerin|Physiotherapeut|Physiotherapeutin|Psychologe|Psychologin|Sozialarbeiter"
    r"|Sozialarbeiterin|Lehrer|Lehrerin|Arbeitgeber|Chef|Chefin|Vorgesetzter|Vorgesetzte|Insp\.|Inspektor|Inspektorin"
    r"|DSA|HA|wife|husband|son|daughter|brother|sister|mother|father|partner|friend|carer|neighbour|colleague)"
    r"(?:s|es)?"  # the genitive: "nach dem Tod des Ehemanns Horst"
    # the capitalised word before a colon is a language ("Dolmetscher Dari: Hamid Noori")
    # an adjective, not an article ("Sohn eines Holzknechts" names no son), or the family's side
    # ("Großmutter mütterlicherseits Hajra Begović")
    r"(?:[ \t]+(?!(?:eine[mnrs]?|de[mnrs]|die|ihre[mnrs]?|seine[mnrs]?)[ \t])(?P<adjective>[a-zäöüß]+(?:e|er|en|es)|(?:mütterlicher|väterlicher)seits))?"
    r"(?:[ \t]+[A-Z][a-z]+(?=[ \t]*:))?[ \t]*[:,]?[ \t]+(?=[A-ZÄÖÜ])",
)
# Hand signs: initials after a sign label ("Hdz.: sk", "Visum: NB / LP") or at the end of a note line ("... /SH").
SIGN_LABEL = re.compile(
    # the label ends at a full stop, a colon or a space: not "Sign" in "Signer-Fässler"
    r"(?<![\w-])(?:Hdz|HDZ|Hz|Handzeichen|Kürzel|Kurzzeichen|Visum|VISUM|Visa|Sign|[Vv]id(?=\.)"
    r"|(?:gesehen|Schreibkraft|Unterschrift(?:[ \t]+[A-ZÄÖÜ]{1,4})?)(?=[ \t]*:))(?:\.[ \t]*:?|[ \t]*:|[ \t])[ \t]*"
    r"(?P<v>[A-Za-zÄÖÜäöü]{2,3}(?:[ \t]*/[ \t]*[A-Za-zÄÖÜäöü]{2,3})*)(?![\w.])"
)
# A key of hand signs: "Kürzel: bk = DGKP Bernhard Kainz; SH = DGKS Sabine Hölzl".
SIGN_KEY = re.compile(r"(?:(?<=Kürzel: )|(?<=Kürzel:  )|(?<=; ))(?P<v>[A-Za-zÄÖÜäöü]{2,3}) = (?=[A-ZÄÖÜ])")
# Initials after what someone did: "MT informiert (JB)", "(erstellt BR, 06.03.)", "Blutbank informiert (mh)".
SIGN_AFTER_DEED = re.compile(
    # not "kontrolliert (BZ)", "dokumentiert (EKG)": what is checked or written down may be a value
    r"(?<![\w-])(?:informiert|verständigt|erstellt|übergeben)[ \t]*"
    r"(?:\((?P<p>[A-ZÄÖÜ]{2,3}|[a-zäöü]{2})\)|(?P<v>[A-ZÄÖÜ]{2,3})(?=,))"
)
# A hand sign defined right after a name: "OA Bernhard Vogt (BV)", "Martina Schmid (MaS)".
# ... also after the person's role: "Dr. med. Kristina Schällibaum, Oberärztin (schk)".
SIGN_AFTER_NAME = re.compile(
    r"(?:,[ \t]*[A-ZÄÖÜ][\w.-]{2,30})?[ \t]*\((?P<v>[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,3}|[a-zäöü]{2,4})\)"
)
# A salutation and a surname's initial: "Hr. Ö.", "Fr. K.", "Frau M." (a pseudonym, still a person).
SALUTATION_INITIAL = re.compile(r"(?<![\w.])(?:Hr|Hrn|Fr|Frau|Herr|Herrn)\.?[ \t](?P<v>[A-ZÄÖÜ]\.)(?![\w.-])")
SIGN_AT_END = re.compile(r"(?<=\s)/(?:[a-z]{2}-)?(?P<v>[A-ZÄÖÜ]{2,3}|[a-zäöü]{2})[ \t]*$", re.MULTILINE)
# What follows an eponym's hyphen: "Hakim-Trias", "Down-Syndrom", "Lasègue-Zeichen".
EPONYM_WORDS = frozenset(
    "Syndrom Trias Krankheit Erkrankung Zeichen Test Reflex Score Skala Klassifikation Struma Phänomen Manöver Regel"
    " Regeln Kriterien Operation Methode".split()
)
SURNAME_AFTER = re.compile(r"[ \t]+([A-ZÄÖÜ][\w'’]+(?:-[A-ZÄÖÜ][\w'’]+)*)(?![\w'’-])")
# A given name, a nickname in quotes, a family name: 'Josef „Sepp" Reisinger', 'Maximilian „Maxl“ Gietl'.
NICKNAMED = re.compile(
    r"(?<![\w-])(?P<given>[A-ZÄÖÜ][\w'’-]+)[ \t]+[„\"»«‚'“][A-ZÄÖÜ][\w'’-]+[“\"«»‘'][ \t]+(?P<family>[A-ZÄÖÜ][\w'’-]+)"
)
# A name and who the person is, after it: "Sami, ein Freund,", "Ilse, seine Schwester".
RELATIVE_AFTER = re.compile(
    r"(?<![\w-])(?P<name>[A-ZÄÖÜ][\w'’-]+),[ \t]+(?:ein|eine|sein|seine|ihr|ihre|unser|unsere)[ \t]+"
    r"(?:(?:beste|gute|alte)r?[ \t]+)?(?:Freund|Freundin|Bekannter|Bekannte|Kollege|Kollegin|Nachbar|Nachbarin|Cousin"
    r"|Cousine|Bruder|Schwester|Sohn|Tochter|Onkel|Tante|Neffe|Nichte|Mitbewohner|Mitbewohnerin|Partner|Partnerin"
    r"|Lebensgefährte|Lebensgefährtin|Verlobter|Verlobte)(?![\w-])"
)
# A surname's initial after a first name: "Kevin R.," "Sandra K. (Konsil", "Andrea J.   BZ".
GIVEN_INITIAL = re.compile(r"[ \t][A-ZÄÖÜ]\.(?![\w.-])")
AND_GIVEN = re.compile(r"[ \t](?:und|u\.|&|and)[ \t]([A-ZÄÖÜ][\w'’-]+)(?![\w'’-])")
MONTH_SURNAMES = frozenset("Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split())
# A given name followed by an age: "Luka, 19,", "Anika (6)", "Matej, 15 J.)".
AGE_AFTER = re.compile(r",[ \t]\d{1,2}(?:[ \t]?J\.?)?[ \t]*[,;)]|[ \t]\(\d{1,2}(?:[ \t]?J\.?)?\)")
# A name someone is called by: 'genannt „Sayi"', '„Sayi" genannt', "alias Hansi".
NICKNAME = re.compile(
    r"(?<![\w-])(?:genannt|gen\.|alias|vulgo|Spitzname|Rufname|called|known as)[ \t]+[„\"»«‚'“]?(?P<after>[A-ZÄÖÜ][\w'’-]+)"
    r"|\([ \t]*[„\"»«‚'“](?P<quoted>[A-ZÄÖÜ][\w'’-]+)[“\"«»‘'][ \t]*\)"  # 'Frau Elisabeth («Bethli») Gerber'
    r"|[„\"»‚'“](?P<before>[A-ZÄÖÜ][\w'’-]+)[“\"«‘'][ \t]+genannt(?![\w])"
)
INITIAL = re.compile(r"[A-ZÄÖÜ][a-zäöü]?(?:\.?-[A-ZÄÖÜ][a-zäöü]?)*$")
# A recipient block: a line of two to four capitalised words right above a street line.
NAME_LINE = re.compile(r"(?m)^[ \t]*(?P<name>[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){1,3})[ \t]*\n")
# A line that starts with a name and its birth date: "KOVALENKO Sofiia, geb. 21.05.2017".
NAME_BEFORE_BIRTH = re.compile(
    r"(?m)^[ \t]*(?P<name>[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){1,3}),?[ \t]+(?:geb\.|\*)[ \t]*\d"
)
# "Surname, Given" and the birth date after it, at a line's start or after a dash or colon:
# "Caminada, Giusep, 17.01.1946", "Fall 1 – Lang, Heinz-Dieter, *12.01.1958".
NAME_PAIR_BEFORE_BIRTH = re.compile(
    r"(?m)(?:^[ \t]*|[–:][ \t]+)(?P<name>[^\W\d_][\w'’-]*(?:[ ][^\W\d_][\w'’-]*)?,[ \t]+"
    r"[^\W\d_][\w'’-]*(?:[ \t][^\W\d_][\w'’-]*){0,2})(?:,[ \t]*|[ \t]+)(?:geb\.[ \t]*|\*[ \t]*)?"
    r"\d{1,2}\.\d{1,2}\.\d{2,4}"
)
# A note's author or speaker after its time: "11:45-12:05  Deborah: Patientin wach".
SPEAKER = re.compile(
    r"(?m)^[ \t]*\d{1,2}[:.]\d{2}(?:[ \t]*[-–][ \t]*\d{1,2}[:.]\d{2})?[ \t]+(?P<name>[A-ZÄÖÜ][\w'’-]+):[ \t]"
)
STREET_LINE = re.compile(r"[ \t]*(?:" + STREET_WORD.pattern + r"|(?:Postfach|PO Box|P\.O\. Box)\s\d)")


# spaCy's NER sees only windows of the text (see NameRule.ner_windows).
NER_MARGIN_TOKENS = 4
NER_PAIR_TOKENS = 6


# Punctuation that never stands inside a person's name ("Huber, Anna" and "O'Neil" do).
NOT_IN_NAMES = frozenset(":;()[]<>|/@=")


def _before_dose(token: SpacyToken) -> bool:
    doc, i = token.doc, token.i
    return i + 2 < len(doc) and doc[i + 1].like_num and doc[i + 2].lower_ in DOSE_UNITS


TITLES_FOLDED = frozenset(t.lower() for t in TITLES | SALUTATIONS)


def is_title_token(token: str) -> bool:
    return token in TITLES or token.rstrip(".") in TITLES or token in SALUTATIONS or _is_caps_title(token)


def _is_caps_title(token: str) -> bool:
    """A title in capitals ("DR.", "MED.", "UNIV.-PROF."), as scans and letterheads write them."""
    return (
        token.isupper()
        and len(token.rstrip(".")) > 1
        and (token.lower() in TITLES_FOLDED or token.rstrip(".").lower() in TITLES_FOLDED)
    )


# The parts of a degree that follow a title ("Dr. med. univ.", "Dr. med. dent."), never first.
DEGREE_PARTS = frozenset({"med.", "univ.", "dent.", "vet.", "pharm.", "nat.", "sc.", "techn.", "rer."})
# Words before a grade in roman numerals, which reads like an initial: "Grad I.", "Stadium II."
GRADE_WORDS = frozenset(
    "Grad Grades Stadium Stadiums Typ Typs Klasse Stufe Level Grade Stage Type Class NYHA CCS".split()
)
ROMAN_INITIALS = frozenset({"I", "V", "X"})
# A numbered section heading, alone on its line: "A. VERSICHERTE PERSON", "D. BERUFLICHE SITUATION",
# "I. Auftrag", "V. Gutachten" (a letter or roman numeral, then everyday words: see _section_heading).
SECTION_HEADING = re.compile(r"[ \t]*(?:[A-Z]|[IVX]{1,4})\.[ \t]+(?P<title>[^\W\d_][^\n]{1,60}?)[ \t]*$")


def _initials_of(name: str, sign: str) -> bool:
    """Whether a hand sign is made of the name's initials, in order ("BV" of "Bernhard Vogt",
    "MaS" of "Martina Schmid"): not a role after a name ("Katrin Braunsdorf (MFA)")."""
    initials = [word[0].upper() for word in re.findall(r"[^\W\d_]+", name)]
    if len(initials) == 1 and re.fullmatch(r"[A-ZÄÖÜ][a-zäöü][A-ZÄÖÜ]", sign):
        # a first name alone and a personal sign of mixed case: "Malte (MaS)", "Chiara (CdA)"
        return bool(sign[0] == initials[0])
    # a sign in capitals is read by its capitals ("MaS"), one in small letters by its first ("schk")
    letters = [c for c in sign if c.isupper()] or [sign[0].upper()]
    position = 0
    for letter in letters:
        if letter not in initials[position:]:
            return False
        position = initials.index(letter, position) + 1
    return True


class Word(NamedTuple):
    text: str  # without a trailing full stop
    start: int
    end: int


def _with_full_stop(text: str, w: Word) -> str:
    """The word with the full stop after it, as titles are listed ("Dr.", "med.")."""
    return text[w.start : w.end + 1] if text[w.end : w.end + 1] == "." else w.text


class NameRule(RuleRecognizer):
    ENTITY = "NAME"

    def load(self) -> None:
        # Surnames that name diseases ("Morbus Parkinson", "M. Crohn"): "M." before them is no initial.
        self.eponyms = frozenset(d.split()[1] for d in self.lexicon.diagnoses if d.startswith("Morbus ") and " " in d)

    def find(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[Span]:
        words = [
            Word(m.group().rstrip("."), m.start(), m.start() + len(m.group().rstrip("."))) for m in TOKEN.finditer(text)
        ]
        index = {w.start: i for i, w in enumerate(words)}
        names = [*self._after_triggers(text, words, index), *self._listed_names(text, words)]
        names = [span for span in names if not self._section_heading(text, span)]
        yield from names
        yield from self._defined_signs(text, names)
        yield from self._hand_signs(text)
        yield from (span for span in self._initial_names(text, words) if not self._section_heading(text, span))
        # Evidence 4 (English NER) runs after all rules, from Anonymizer: see ner_windows.

    @staticmethod
    def _degree_alone(raw: str, words: list[Word], i: int, text: str) -> bool:
        """ "med.", "univ.", "dent." without a title before them: "Knorpel med. Femurkondyle" (medial)."""
        if raw not in DEGREE_PARTS:
            return False
        if i == 0:
            return True
        before = words[i - 1]
        previous = _with_full_stop(text, before)
        return not (previous in TITLES or _is_caps_title(previous))

    def _section_heading(self, text: str, span: Span) -> bool:
        """Whether a name span is a numbered section heading that fills its line and is made of
        everyday words ("A. VERSICHERTE PERSON", "I. Auftrag"), not an initial and a name ("V. Novak",
        "A. HUBER", "F. Fuchs")."""
        line_start = text.rfind("\n", 0, span.start) + 1
        line_end = text.find("\n", span.start)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        m = SECTION_HEADING.fullmatch(line)
        if m is None or text[line_start : span.start].strip():
            return False
        title_words = re.findall(r"[^\W\d_]+", m.group("title"))
        return all(
            w.lower() in self.lexicon.german_words and w.title() not in self.lexicon.listed_names for w in title_words
        )

    # --- evidence 1 and 2: titles, salutations, labels, sign-offs --------------------------------

    def _after_triggers(self, text: str, words: list[Word], index: dict[int, int]) -> Iterable[Span]:
        starts: list[tuple[int, float]] = []
        for i, w in enumerate(words):
            raw = _with_full_stop(text, w)
            if raw in SALUTATIONS or w.text in SALUTATIONS:
                starts.append((i + 1, 0.85))  # "Herrn\nMax Muster": an address block's two lines
            elif (raw in TITLES or _is_caps_title(raw)) and not self._degree_alone(raw, words, i, text):
                # A title's name follows on its line: not "Dr. med., FMH Urologie", "SR.\nEchokardiographie"
                gap = text[w.start + len(raw) : words[i + 1].start] if i + 1 < len(words) else ""
                if not gap.strip(" \t\u00a0"):
                    starts.append((i + 1, 0.85))
            elif w.text in GREETINGS and self._starts_sentence(text, w.start):
                starts.append((i + 1, 0.8))
        for m in RELATIVE.finditer(text):
            at = self._word_at_or_after(words, index, m.end())
            if (
                at is not None
                and words[at].start == m.end()
                and (m.group("adjective") or "") not in self.lexicon.stop_words  # not "Eltern über Fieberkrämpfe"
                # "Sohn Islam Magomedov", "Sohn Urs Bachmann": a given name that is also a word,
                # with a surname that is none after it
                and (self._relative_name_ok(words[at].text) or self._word_then_surname(text, words, at))
            ):
                starts.append((at, 0.8))
        for pattern in (LABEL, INLINE_TRIGGER):
            for m in pattern.finditer(text):
                at = self._word_at_or_after(words, index, m.end())
                if at is not None and words[at].start - m.end() <= 1:
                    starts.append((at, 0.85))
        for m in SIGN_OFF.finditer(text):
            at = self._word_at_or_after(words, index, m.end())
            # The name is on one of the next non-empty lines (titles first is fine).
            gap = text[m.end() : words[at].start] if at is not None else "x"
            if at is not None and not gap.strip() and gap.count("\n") <= 2:
                starts.append((at, 0.8))
        for m in NAME_BEFORE_BIRTH.finditer(text):
            if all(self._unknown_name_word(w) for w in m.group("name").split()):
                at = self._word_at_or_after(words, index, m.start("name"))
                if at is not None:
                    starts.append((at, 0.8))
        for m in NAME_LINE.finditer(text):
            if STREET_LINE.match(text, m.end()) and self._is_name_line(m.group("name")):
                at = self._word_at_or_after(words, index, m.start("name"))
                if at is not None:
                    starts.append((at, 0.75))
        for i, score in starts:
            span = self._name_from(text, words, i, after_trigger=True)
            if span is not None:
                yield Span(span[0], span[1], score)
                # "Eltern: Simone und Patrick Huber", "die Enkelinnen Lena und Marie"
                second = AND_GIVEN.match(text, span[1])
                if second and second.group(1) in self.lexicon.first_names:
                    yield Span(second.start(1), second.end(1), score)

    # --- evidence 3: name lists -------------------------------------------------------------------

    def _listed_names(self, text: str, words: list[Word]) -> Iterable[Span]:
        first, last = self.lexicon.first_names, self.lexicon.last_names
        for i, w in enumerate(words):
            given = w.text.title() if w.text.isupper() and len(w.text) > 2 else w.text  # "AMRA HADŽIĆ"
            double = self._double_given(given)
            initial = GIVEN_INITIAL.match(text, w.end) if w.text in first else None
            if initial:  # "Kevin R.", "Andrea J." (a first name and a surname's initial)
                yield Span(w.start, initial.end(), 0.75)
                continue
            if (given in first or double) and self._next_on_line(text, words, i):
                span = self._name_from(text, words, i, after_trigger=False)
                if span is not None and span[1] > w.end:
                    listed = any(p in last for p in text[span[0] : span[1]].replace("-", " ").split())
                    yield Span(span[0], span[1], 0.8 if listed else 0.65)
                    continue
            if w.text[0].isupper() and i + 1 < len(words) and self._surname_first(text, w, words[i + 1]):
                nxt = words[i + 1]
                end = nxt.end + (1 if INITIAL.match(nxt.text) and text[nxt.end : nxt.end + 1] == "." else 0)
                yield Span(w.start, end, 0.75)
            elif (w.text in first or double) and self._stands_alone_de(w.text) and text[w.end : w.end + 1] != ".":
                yield Span(w.start, w.end, 0.6)  # not an abbreviation ("Vit. D")
            elif w.text in first and AGE_AFTER.match(text, w.end) and not self._is_common(w.text):
                yield Span(w.start, w.end, 0.7)  # "zwei Söhne (Luka, 19; Matej, 15)": a child and its age
        for m in NAME_PAIR_BEFORE_BIRTH.finditer(text):
            if all(self._unknown_name_word(w) for w in m.group("name").replace(",", " ").split()):
                yield Span(m.start("name"), m.end("name"), 0.8)
        for m in SPEAKER.finditer(text):
            if m.group("name") in first and not self._is_common(m.group("name")):
                yield Span(m.start("name"), m.end("name"), 0.7)
        for m in RELATIVE_AFTER.finditer(text):
            if self._relative_name_ok(m.group("name")):
                yield Span(m.start("name"), m.end("name"), 0.75)
        for m in NICKNAMED.finditer(text):
            if m.group("given") in self.lexicon.first_names and self._is_name_part(m.group("family"), True):
                yield Span(m.start(), m.end(), 0.8)
        for m in NICKNAME.finditer(text):
            group = next(g for g in ("after", "before", "quoted") if m.group(g))
            name = m.group(group)
            if name in self.lexicon.first_names or (
                not self._is_common(name) and name.lower() not in self.lexicon.german_words
            ):
                yield Span(m.start(group), m.end(group), 0.8)
                surname = SURNAME_AFTER.match(text, m.end())  # 'Frau Elisabeth («Bethli») Gerber-Käser'
                if group == "quoted" and surname and self._is_name_part(surname.group(1), True):
                    yield Span(surname.start(1), surname.end(1), 0.75)

    def _surname_first(self, text: str, w: Word, nxt: Word) -> bool:
        """'Huber Anna', 'Huber, Anna' (listed surname), 'HÄSSIG JAKOB', 'DVOŘÁK Ludmila',
        'BRANDSTÄTTER Ch.' (a surname in capitals, listed or not)."""
        gap = text[w.end : nxt.start]
        if gap not in (" ", ", ", "  "):
            return False
        given = nxt.text.title() if nxt.text.isupper() else nxt.text
        given = given.split("-")[0] if given.split("-")[0] in self.lexicon.first_names else given  # "Ionuț-Cristian"
        if not w.text.isupper():
            if any(c.isdigit() for c in w.text):
                return False  # "Station: K2b, Zi. 17": a ward's code (a scan's "WEGSCHE1DER" is in capitals)
            # "Lutz-Kehl Andreas": a double name of listed surnames
            double = "-" in w.text and all(p in self.lexicon.last_names for p in w.text.split("-"))
            if w.text in self.lexicon.last_names or double:
                return given in self.lexicon.first_names and not self._is_common(w.text)
            # "Dumitrescu, Ionuț-Cristian": an unlisted surname before a comma and a listed first name
            return (
                gap == ", "
                and given in self.lexicon.first_names
                and not self._is_common(w.text)
                and w.text.lower() not in self.lexicon.german_words
                and w.text not in self.lexicon.places
                and not w.text.lower().endswith(CLINICAL_ENDINGS)
            )
        if not (w.text.isupper() and len(w.text) >= 3 and w.text not in ACRONYMS):
            return False
        surname = w.text.title()
        if self._is_common(surname) or (
            surname.lower() in self.lexicon.german_words and surname not in self.lexicon.last_names
        ):
            return False
        initial = INITIAL.match(nxt.text) is not None and text[nxt.end : nxt.end + 1] == "."
        if initial and is_title_token(nxt.text + "."):
            return False  # "TTE Dr. Ibrahimović": an acronym before a title, no surname and initial
        return given in self.lexicon.first_names or initial

    def _stands_alone_de(self, token: str) -> bool:
        """A listed first name that can be a person on its own: no everyday German or English word."""
        folded = token.lower()
        rare = folded not in self.lexicon.german_words or (
            token in self.lexicon.curated_first_names and folded not in self.lexicon.german_frequent
        )
        return (
            rare
            and len(token) >= 3
            and token.istitle()
            and folded not in self.lexicon.english_words
            and folded not in self.lexicon.common_words
            and token not in self.lexicon.not_names
            and token not in self.lexicon.places
        )

    def _relative_name_ok(self, token: str) -> bool:
        """After "Tochter", "Sohn", "Dolmetscher": a listed name, or a capitalised word that is
        no everyday word ("Ehefrau Diabetes" is not a name)."""
        word = token.title() if token.isupper() else token
        if word.lower() in self.lexicon.nationality_words:
            return False  # "Dolmetscherin Albanisch"
        if word in self.lexicon.listed_names:
            return not (
                word.lower() in self.lexicon.german_words
                and word not in self.lexicon.first_names
                and word not in self.lexicon.last_names
            )
        return not self._is_common(word) and word.lower() not in self.lexicon.german_words

    def _initial_names(self, text: str, words: list[Word]) -> Iterable[Span]:
        """An initial before a surname, anywhere: "geschrieben: K. Wernig", "ASSISTENZ: M. KOCH";
        not "M. Parkinson" (Morbus) or "St. Pölten"."""
        for i, w in enumerate(words[:-1]):
            if (
                not self._is_initial(text, w)
                or w.text in PLACE_WORDS
                or (i and self._is_initial(text, words[i - 1]) and words[i - 1].end + 2 >= w.start)
            ):
                continue
            if w.text in ("M", "Mb") and words[i + 1].text in self.eponyms:
                continue
            if i and words[i - 1].text in GRADE_WORDS and w.text in ROMAN_INITIALS:
                continue  # "Chondromalazie Grad I. Laterales Kompartiment": a grade, no initial
            span = self._name_from(text, words, i, after_trigger=False)
            if span is not None and span[1] > w.end + 1:
                yield Span(span[0], span[1], 0.7)

    # --- evidence 5: hand signs -------------------------------------------------------------------

    def _defined_signs(self, text: str, names: list[Span]) -> Iterable[Span]:
        """Initials a name defines as its hand sign ("OA Bernhard Vogt (BV)"), there and wherever
        else they stand in the text ("gez. BV / SK")."""
        signs = set()
        for name in names:
            m = SIGN_AFTER_NAME.match(text, name.end)
            sign = m.group("v") if m is not None else ""
            if sign and _initials_of(text[name.start : name.end], sign) and sign.lower() not in self.lexicon.stop_words:
                signs.add(sign)  # not "Anna Huber (am ...)": "am" is a word
        for sign in signs:
            for m in re.finditer(r"(?<![\w-])" + re.escape(sign) + r"(?![\w-])", text):
                yield Span(m.start(), m.end(), 0.65)

    @staticmethod
    def _hand_signs(text: str) -> Iterable[Span]:
        for m in SIGN_LABEL.finditer(text):
            for initials in re.finditer(r"[A-Za-zÄÖÜäöü]{2,3}", m.group("v")):
                yield Span(m.start("v") + initials.start(), m.start("v") + initials.end(), 0.7)
        for m in SIGN_KEY.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)
        for m in SIGN_AT_END.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)
        for m in SIGN_AFTER_DEED.finditer(text):
            group = "p" if m.group("p") else "v"
            yield Span(m.start(group), m.end(group), 0.65)
        for m in SALUTATION_INITIAL.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)

    # --- evidence 4: spaCy (English) --------------------------------------------------------------

    def spacy_persons(self, text: str, entities: Iterable[SpacySpan]) -> Iterable[Span]:
        for ent in entities:
            if ent.label_ != "PERSON":
                continue
            parts = [t for t in ent if not is_title_token(t.text)]
            parts = [t for t in parts if t.text[:1].isupper() or t.text.lower() in PARTICLES]
            if not parts or any(t.text in NOT_IN_NAMES for t in ent):
                continue  # "Requester: Michael Downs", "Downs (downs17@...)"
            name_tokens = [t for t in parts if t.text[:1].isupper()]
            if not name_tokens or not all(self._is_ner_name_word(t) for t in name_tokens):
                continue
            names = [t.text for t in name_tokens]
            listed = any(n in self.lexicon.curated_names for n in names)
            if len(names) == 1 and not self._stands_alone(names[0]):
                continue  # the small English model calls drug names, "English" or "Will" persons
            start, end = parts[0].idx, parts[-1].idx + len(parts[-1].text)
            if "\n" in text[start:end]:
                continue
            yield Span(start, end, 0.85 if listed else 0.7)

    def ner_windows(self, doc: Doc, covered: bytes | bytearray) -> list[tuple[int, int]]:
        """Token ranges of `doc` (merged, sorted) that spaCy's NER must see for `spacy_persons`
        to find what it would find in the whole text.

        `spacy_persons` keeps a PERSON only if its capitalised words (titles aside) are all
        plausible name parts ("name words" here: no everyday English word, acronym, place or drug
        before its dose), it holds no separator such as ':' or '(', lies on one line, and has two
        name words or one that stands alone (a listed name that is no everyday word). So the NER
        runs only around a name word that stands alone, or a name word followed on its line,
        within NER_PAIR_TOKENS tokens and past no other capitalised word or separator, by another
        one; and not where all name words in between lie inside findings of the rules already
        (`covered`: one byte per character, non-zero inside a finding). Each window has
        NER_MARGIN_TOKENS tokens of context on either side: the NER's token encoder sees four
        tokens either way, so inside the margins it decides as it would on the whole text."""
        ok = [self._is_ner_name_word(t) for t in doc]
        n = len(doc)
        windows: list[tuple[int, int]] = []
        for i, t in enumerate(doc):
            if not ok[i]:
                continue
            j: int | None = i
            if not self._stands_alone(t.text):
                j = None
                for k in range(i + 1, min(n, i + 1 + NER_PAIR_TOKENS)):
                    u = doc[k].text
                    if "\n" in u or u in NOT_IN_NAMES:
                        break
                    if ok[k]:
                        j = k
                        break
                    if u[:1].isupper() and not is_title_token(u):
                        break
            if j is None:  # no second name word on its line
                continue
            if all(covered[doc[k].idx] for k in range(i, j + 1) if ok[k]):
                continue
            start, end = max(0, i - NER_MARGIN_TOKENS), min(n, j + 1 + NER_MARGIN_TOKENS)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], end))
            else:
                windows.append((start, end))
        return windows

    def _is_ner_name_word(self, token: SpacyToken) -> bool:
        """A capitalised word `spacy_persons` accepts as a name part (not a title): the small
        English model also tags "Hi Christina", "Chest X", "Department of Medicine" or
        "Bisoprolol 2.5 mg ...; Paracetamol" as persons."""
        text = token.text
        return (
            text[:1].isupper()
            and not is_title_token(text)
            and text not in self.lexicon.not_names
            and text.upper() not in ACRONYMS
            and text not in PLACE_WORDS
            and not self._is_everyday_english(text)
            and not _before_dose(token)
        )

    def _stands_alone(self, token: str) -> bool:
        """A name word that is a PERSON alone: a listed name that is no everyday word."""
        return token in self.lexicon.curated_names and token.rstrip(".").lower() not in self.lexicon.english_words

    def _is_everyday_english(self, token: str) -> bool:
        """A frequent English word that no name list knows ("Admitted", "Summary"); initials
        ("J.", "X") are no words."""
        word = token.rstrip(".")
        return len(word) > 1 and word.lower() in self.lexicon.english_words and word not in self.lexicon.curated_names

    # --- helpers ------------------------------------------------------------------------------------

    def _name_from(self, text: str, words: list[Word], i: int, *, after_trigger: bool) -> tuple[int, int] | None:
        """The name starting at word i (skipping further titles), or None."""
        while i < len(words) and self._is_title(text, words[i]):
            # the titles and the name stand on one line, in one run: not "Dr. med., FMH Urologie"
            if i + 1 < len(words) and any(c in text[words[i].end : words[i + 1].start] for c in "\n,"):
                return None
            i += 1
        parts: list[Word] = []
        comma_used = False
        j = i
        while j < len(words) and len(parts) < 4:
            w = words[j]
            if parts:
                gap = text[parts[-1].end : w.start]
                initial_before = self._is_initial(text, parts[-1]) and gap in (". ", ".\u00a0", ".")
                given = w.text.title() if w.text.isupper() else w.text
                # "Huber, Anna", "KRAVCHENKO, OLEKSANDR"; after a label also an unlisted given name
                # ("PATIENT: KRENN, Hermenegild") and the OCR'd "WOJCIECHOWSKA , AGNIESZKA".
                if (
                    gap in (", ", " , ")
                    and not comma_used
                    # "Huber, Anna", "DE VRIES, Hinrika"; a family name of two after a particle:
                    # "dos Santos Teixeira, Rui Manuel" (not "Urs Bachmann, Sekundarlehrer")
                    and 1
                    <= sum(p.text.lower() not in PARTICLES for p in parts)
                    <= (2 if parts[0].text.lower() in PARTICLES else 1)
                    and (
                        given in self.lexicon.first_names
                        or (  # an unlisted given name: no German word ("Jamal" is frequent in English)
                            after_trigger
                            and self._is_name_part(w.text, True)
                            and given.lower() not in self.lexicon.german_words
                            and given.lower() not in self.lexicon.stop_words
                        )
                    )
                ):
                    comma_used = True
                elif gap not in (" ", "\u00a0") and not initial_before:
                    break
            if self._is_initial(text, w) and j + 1 < len(words) and len(parts) < 3:
                nxt = words[j + 1]
                if text[w.end : nxt.start] in (". ", ".\u00a0", ".") and (
                    self._is_name_part(nxt.text, True) or self._is_initial(text, nxt) or nxt.text in PARTICLES
                ):
                    parts.append(w)  # "K. Wernig", "Ch. Brandstätter", "H.-R. Steiner", "K. H. Maier"
                    j += 1
                    continue
            # "von", "de"; in a header in capitals "DE VRIES", "VAN DER MEULEN"
            caps_particle = w.text.isupper() and j + 1 < len(words) and words[j + 1].text.isupper()
            if w.text.lower() in PARTICLES and (w.text[0].islower() or caps_particle) and j + 1 < len(words):
                nxt = words[j + 1]
                if text[w.end : nxt.start] == " " and (
                    self._is_name_part(nxt.text, after_trigger or bool(parts))
                    or (  # "van der Linden": a town's name after two particles is a family name too
                        nxt.text.lower() in PARTICLES
                        and j + 2 < len(words)
                        and (
                            self._is_name_part(words[j + 2].text, True)
                            or (words[j + 2].text in self.lexicon.places and not self._is_common(words[j + 2].text))
                        )
                    )
                    # after a given name, "von" + a place is a family name: "Lea-Sophie von Brandis"
                    or (bool(parts) and nxt.text in self.lexicon.places and not self._is_common(nxt.text))
                ):
                    parts.append(w)
                    j += 1
                    continue
                break
            if parts and w.text in MONTH_SURNAMES and parts[-1].text in self.lexicon.first_names:
                if not re.match(r"[ \t]*\d", text[w.end : w.end + 3]):  # not "Anna Mai 2024"
                    parts.append(w)  # "Pflegedienstleitung: Kerstin Mai"
                    j += 1
                    continue
            after_particle = bool(parts) and parts[-1].text in PARTICLES
            if not self._is_name_part(w.text, after_trigger or bool(parts)) and not (
                after_trigger
                and not parts
                and (self._surname_before_comma(text, words, j) or self._word_then_surname(text, words, j))
            ):
                # After a particle, a given name or an initial, a town's name is a family name too:
                # "Lea-Sophie von Brandis", "Marc-André Neuhaus", "M.-A. Neuhaus".
                after_given = bool(parts) and (
                    parts[-1].text in self.lexicon.first_names or self._is_initial(text, parts[-1])
                )
                surname_like = w.text in self.lexicon.places or self._hyphenated_name(w.text)
                if not ((after_particle or after_given) and surname_like and not self._is_common(w.text)):
                    break
            parts.append(w)
            j += 1
        while parts and (
            parts[-1].text.lower() in PARTICLES
            or (self._is_initial(text, parts[-1]) and len(parts) > 1 and text[parts[-1].end : parts[-1].end + 1] != ".")
        ):
            parts.pop()
        if not parts or all(self._is_initial(text, p) for p in parts):
            return None  # initials alone ("A.A.A.") are no name
        end = parts[-1].end
        if self._is_initial(text, parts[-1]) and text[end : end + 1] == ".":
            end += 1  # "BRANDSTÄTTER Ch."
        return parts[0].start, end

    @staticmethod
    def _is_initial(text: str, w: Word) -> bool:
        """One or two letters (or hyphenated initials) followed by a full stop: "K.", "Ch.", "H.-R."."""
        return INITIAL.match(w.text) is not None and text[w.end : w.end + 1] == "."

    def _is_name_part(self, token: str, lenient: bool) -> bool:
        if len(token) < 2 or not token[0].isupper():
            return False
        if token.isupper():
            if token in ACRONYMS or len(token) < 3:
                return False
            token = token.title()
        if token in TITLES or token in SALUTATIONS or token in PLACE_WORDS:
            return False
        if token in self.lexicon.first_names or token in self.lexicon.last_names or self._double_given(token):
            return True
        if token in self.lexicon.places and token not in self.lexicon.listed_names:
            return False  # "Dr. Gottfried Stocker, Schladming"
        if lenient and token in self.lexicon.listed_names:  # "Hi Darin": listed, also a German word
            return True
        return lenient and not self._is_common(token) and not token.lower().endswith(CLINICAL_ENDINGS)

    def _unknown_name_word(self, token: str) -> bool:
        """A word that may be part of a name nobody listed: a listed name, or a capitalised word
        that is no everyday or clinical word ("KOVALENKO", "Sofiia"; not "Entlassung")."""
        word = token.title() if token.isupper() else token
        if word in self.lexicon.listed_names:
            return True
        return self._is_name_part(token, lenient=True) and word.lower() not in self.lexicon.german_words

    def _is_name_line(self, line: str) -> bool:
        """Every word a plausible name part (titles allowed), none an institution-like noun."""
        parts = [w for w in line.split() if w not in TITLES and w not in SALUTATIONS]
        return len(parts) >= 2 and all(
            self._is_name_part(w.rstrip("."), lenient=True)
            and (w in self.lexicon.listed_names or not w.lower().endswith(NOUN_ENDINGS))
            for w in parts
        )

    def _surname_before_comma(self, text: str, words: list[Word], j: int) -> bool:
        """'Name: Pfleger, Anne': a capitalised word before ', <first name>' after a label is a
        surname even when it is also a noun."""
        return (
            words[j].text[:1].isupper()
            and j + 1 < len(words)
            and text[words[j].end : words[j + 1].start] == ", "
            and words[j + 1].text in self.lexicon.listed_names
        )

    def _word_then_surname(self, text: str, words: list[Word], j: int) -> bool:
        """'Dr. Davor Kovačević', 'Frau Rose Zlatković': after a title a given name that is also a
        word, when a surname that is no word follows it on the line."""
        if j + 1 >= len(words) or len(words[j].text) < 3 or not words[j].text[:1].isupper():
            return False
        if text[words[j].end : words[j + 1].start] != " ":
            return False
        nxt = words[j + 1].text
        return self._is_name_part(nxt, False) or (self._is_name_part(nxt, True) and not self._is_common(nxt))

    def _double_given(self, token: str) -> bool:
        """'Mia-Sophie', 'Anna-Lena', 'Hans-Peter': given names joined by a hyphen (each alone may be
        a word too; joined, they are none)."""
        parts = token.split("-")
        return (
            len(parts) >= 2
            and parts[-1] not in EPONYM_WORDS  # "Hakim-Trias" ("Trias" is a given name too)
            and all(p in self.lexicon.first_names for p in parts)
        )

    def _hyphenated_name(self, token: str) -> bool:
        """'Kowatsch-Reinisch': capitalised parts joined by hyphens, none an everyday word (a part
        may end like an adjective: capitalised, it is a name)."""
        parts = token.split("-")
        return len(parts) >= 2 and all(p[:1].isupper() and len(p) >= 2 and not self._is_common(p) for p in parts)

    def _is_common(self, token: str) -> bool:
        return token.lower() in self.lexicon.common_words or token in self.lexicon.not_names

    @staticmethod
    def _is_title(text: str, w: Word) -> bool:
        raw = _with_full_stop(text, w)
        if raw in TITLES or w.text in TITLES or raw in SALUTATIONS or _is_caps_title(raw):
            return True
        # the ending of a title that the tokens split: the "a" of "Mag.a"
        before = text[max(0, w.start - 5) : w.end].split()
        return len(w.text) <= 2 and bool(before) and before[-1] in TITLES

    @staticmethod
    def _next_on_line(text: str, words: list[Word], i: int) -> bool:
        return i + 1 < len(words) and text[words[i].end : words[i + 1].start] in (" ", "\u00a0")

    @staticmethod
    def _starts_sentence(text: str, start: int) -> bool:
        before = text[max(0, start - 3) : start]
        return start == 0 or "\n" in before or before.rstrip().endswith((".", "!", "?", ":")) or not before.strip()

    @staticmethod
    def _word_at_or_after(words: list[Word], index: dict[int, int], pos: int) -> int | None:
        if pos in index:
            return index[pos]
        lo, hi = 0, len(words)
        while lo < hi:
            mid = (lo + hi) // 2
            if words[mid].start < pos:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(words) else None
