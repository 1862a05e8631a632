"""Occupation: the value after a label (Beruf:, Occupation:) or a phrase (arbeitet als, von Beruf,
works as), and listed job titles (Faker's Austrian AMS list, en_US, data/occupations.txt) right
after such a phrase or an age ("45-jährige Lehrerin").

Clinical letters name the staff's professions everywhere (Fachärztin, Physiotherapeut), so a
listed job title alone is reported only when it is no health or care profession and no everyday
word ("Volksschullehrerin", "Maurer", "Landwirt"; not "Oberärztin", "Koch", "Leiter"), with a
lower score than a job after its context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.phrases import PhraseMatcher
from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, context_before, words_of

LABEL_VALUE = re.compile(
    r"(?<!\w)(?:Beruf|Berufsbezeichnung|Ausgeübter Beruf|Derzeitiger Beruf|Erlernter Beruf|Tätigkeit|"
    r"Beschäftigung|Occupation|Profession|Job title|Employment)"
    # "Beruf (zuletzt): ...", a form's dot leader: "Beruf ........ Maurerpolier"
    # a form's columns: "BERUF            Fahrradkurier (Blitzkurier Saale GmbH)"
    r"(?:[ \t]?\([^()\n]{1,20}\))?(?:[ \t]*:|[ \t]*\.{2,}|[ \t]*…+|[ \t]{3,})[ \t]*(?P<v>[^\s,;:()][^\n,;:()]{2,59}?)[ \t]*(?=[\n,;()]|$)",
    re.IGNORECASE,
)
PHRASE_VALUE = re.compile(
    # "arbeitet seit 2014 als", "arbeitete bis zur Rente als", "Tätigkeit als", "den Beruf des Schlossers"
    r"(?<!\w)(?:arbeitet(?:e)? (?:[\w.]+ ){0,3}als|tätig als|beschäftigt als|angestellt als|Tätigkeit als|Beruf (?:des|der)|"
    r"ist von Beruf|von Beruf|war (?:bis \w+ )?als|bis zur (?:Rente|Pension|Pensionierung)|works as(?: an?)?|worked as(?: an?)?|employed as(?: an?)?|"
    r"by profession,?(?: an?)?|retired)\s*:?\s+(?:ein(?:e|er)? |eine |dipl\. |diplomierte[rn]? )?(?P<v>[\w-]+(?: [\w-]+){0,2})",  # also "Beschäftigt als: Paketzusteller"
    re.IGNORECASE,
)
# "Der Patient (Lokführer)", "Patientin, Lehrerin,"
PATIENT_JOB = re.compile(r"(?<!\w)(?:Patient(?:in)?|Pat\.)\s?[(,–-]\s?(?P<v>[A-ZÄÖÜ][\w-]+(?: [\w-]+){0,2})")
# Endings of German and English job nouns, for jobs missing from the lists.
JOB_WORD = re.compile(
    r"[A-ZÄÖÜ][\w-]*(?:er|erin|eur|eurin|euse|wirt|wirtin|koch|ist|istin|ant|antin|ent|entin|kraft|frau|mann|helfer|helferin|pädagoge"
    r"|pädagogin|gehilfe|gehilfin|techniker|technikerin|meister|meisterin|or|orin|ee|ian|ician)s?(?![\w-])"  # the genitive too: "den Beruf des Schlossers"
)
# After "arbeitet als": "Gesundheits- und Krankenpflegerin", a coordinated compound, is one job.
COORDINATED_JOB = re.compile(r"(?:[A-ZÄÖÜ][\w]*- (?:und|u\.|oder) )?" + JOB_WORD.pattern)
BEFORE_JOB = re.compile(
    r"(?:-?jährige[rn]?|jährig|[- ]year[- ]old|ehemalige[rn]?|pensionierte[rn]?|arbeitslose[rn]?|"
    r"gelernte[rn]?|selbständige[rn]?|selbstständige[rn]?|retired|former|unemployed|als|a|an"
    # the patient and the job side by side: "Der Patient (Lokführer)", "Patientin, Lehrerin,"
    r"|Patient(?:in)?\s?[(,–-]|Pat\.\s?[(,]|patient\s?[(,])\s*$",
    re.IGNORECASE,
)


# The person's job, listed or not, right after these: "pens. Glasschleifer", "ehem. Holzknecht",
# "Herr Karakaya ist Taxifahrer", "Ausbildung zum Maurer", "Pat. (46 J., Sägewerker)".
BEFORE_ANY_JOB = re.compile(
    r"(?:pens\.|ehem\.|früher|(?i:ehemals|vormals|zuletzt|zuvor|pensionierte[nr]?|ehemalige[nr]?)|(?<!\w)ist|Lehrling|Ausbildung (?:zum|zur|als)|Lehre als|Abschluss als|"
    r"\d+ J\.?,|\d+ Jahre(?: alt)?,|-jährige[rn]?(?: Patient(?:in)?,)?)\s*$"
)
# Endings that name a trade or job wherever the word stands ("Gerüstbauer", "Küchenhilfe",
# "Sägewerker", "Detailhandelsfachfrau", "Postbeamtin"), for jobs missing from the lists.
TRADE_WORD = re.compile(
    r"[A-ZÄÖÜ][\w-]{2,}(?i:arbeiter|arbeiterin|meister|meisterin|lehrer|lehrerin|techniker|technikerin|monteur"
    r"|monteurin|händler|händlerin|verkäufer|verkäuferin|schleifer|schleiferin|mechaniker|mechanikerin|elektriker"
    r"|werker|werkerin|knecht|schlosser|schlosserin|beamter|beamtin|angestellte|angestellter|kaufmann|kauffrau"
    r"|fachfrau|fachmann|chauffeur|ingenieur|ingenieurin|installateur|gärtner|gärtnerin|landwirt|landwirtin"
    r"|logistiker|logistikerin|informatiker|informatikerin|direktor|direktorin|führer|führerin|bauer|bäuerin"
    r"|bauerin|tischler|tischlerin|schreiner|schreinerin|maurer|maurerin|köchin|kellner|kellnerin"
    r"|fahrer|fahrerin|pädagoge|pädagogin|erzieher|erzieherin|helfer|helferin|laborant|laborantin|koch|wirt|wirtin"
    r"|decker|deckerin|bauern|beamten)"
    r"(?:s|es)?(?![\w-])"  # the genitive too: "Sohn eines Holzknechts", "den Beruf des Kfz-Mechanikers"
)
# Compounds with those endings that are no job: roles in an accident, the letter's staff, kin.
NOT_JOBS = frozenset(
    "mitarbeiter mitarbeiterin beifahrer beifahrerin radfahrer radfahrerin autofahrer autofahrerin motorradfahrer "
    "fahrradfahrer fahrradfahrerin pkw-fahrer unfallfahrer geisterfahrer skifahrer skifahrerin sachbearbeiter "
    "sachbearbeiterin bürgermeister raucher nichtraucher raucherin nichtraucherin patient patientin mitpatient "
    "mitpatientin tochter mutter vater bruder schwester rechtshänder linkshänder rentner rentnerin pensionist "
    "pensionistin diabetiker diabetikerin allergiker allergikerin lehrling witwer träger trägerin rechtshänderin "
    "linkshänderin".split()
)


# A relative or contact by name, then their job: "Die Tochter Kathrin Steiner, Pflegeassistentin",
# "Vater Peter Kneisl, Pistenraupenfahrer", "ihr Ehemann Stefan Sinkovich (Maurerpolier)".
KIN_JOB = re.compile(
    r"(?<![\w-])(?:Tochter|Sohn|Vater|Mutter|Ehemann|Ehefrau|Ehegatt\w*|Gatte|Gattin|Bruder|Schwester|Enkel(?:in)?"
    r"|Schwieger\w+|Lebensgefährt\w*|Partner(?:in)?|Nichte|Neffe|Onkel|Tante|Nachbar(?:in)?|Freund(?:in)?|Frau|Herrn?)"
    # "Tochter Gisela Brunner, Lehrerin", "Die Tochter, Seraina Caduff (Pflegefachfrau HF ...)",
    # "Gatte Rudolf war Tierarzt", "(diplomierte Krankenpflegerin im ...)", "Herr von Bredow (Notar)"
    r",?\s+(?:(?:[A-ZÄÖÜ][\w'’.-]*|von|van|de|di|da|dos|zu)\s+){0,3}[A-ZÄÖÜ][\w'’-]+(?:\s+aus\s+[A-ZÄÖÜ][\w-]+)?(?:\s?[,(]\s?|\s+(?:war|ist)\s+)"
    r"(?:(?:in der \w+|derzeit|zuletzt|pens\.|ehem\.|diplomierte[rn]?|dipl\.|gelernte[rn]?|pensionierte[rn]?)\s)?"
    r"(?P<v>[A-ZÄÖÜ][\w-]{3,})(?=[\s,;.)]|$)"
)
# English jobs by their head noun after an age, "retired", "as a" or in brackets after a name:
# "a 44-year-old Irish portfolio manager", "retired civil engineer", "mother Priya Mehta (software
# engineer)". The head nouns say it is a job; the words before it (up to three) belong to it.
EN_JOB_HEAD = (
    r"(?:engineer|manager|analyst|tester|technician|developer|programmer|accountant|teacher|lecturer|lawyer|solicitor"
    r"|barrister|consultant|officer|worker|labourer|laborer|driver|nurse|student|clerk|assistant|designer|architect"
    r"|scientist|researcher|physiotherapist|electrician|plumber|carpenter|joiner|mechanic|farmer|chef|cook|cleaner"
    r"|secretary|journalist|pilot|salesman|saleswoman|builder|postman|firefighter|soldier|banker|economist"
    r"|pharmacist|dentist|veterinarian|translator|interpreter|librarian|photographer|artist|musician|writer|editor"
    r"|hairdresser|waiter|waitress|bartender|receptionist|administrator|executive|director|broker|surveyor|operator"
    r"|inspector|instructor|coach|carer|caregiver|physician|doctor|surgeon|midwife|paramedic|pensioner|housewife)"
)
EN_JOB = re.compile(
    r"(?:(?:year-old|years old,|retired|former|works as an?|worked as an?|as an?)[ \t]+|(?:mother|father|wife|husband"
    r"|partner|son|daughter|brother|sister) [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?(?:, | \())"
    r"(?:[A-Z][a-z]+,?[ \t]+)?(?P<v>(?:(?!and\b|or\b|with\b|of\b|the\b|who\b)[a-z]+[ -]){0,3}"
    + EN_JOB_HEAD
    + r")(?![\w-])"
)

# A job and its employer right after it: "Polier bei Bauunternehmung Frei AG", "Raumpflegerin, AG
# Reinigungsdienst Limmat GmbH" (AG: Arbeitgeber), "Pflegefachfrau (Diakoniekrankenhaus Halle)".
JOB_AT_EMPLOYER = re.compile(
    r"(?<![\w-])(?P<v>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜa-zäöü][a-zäöüß]+)?)"
    r"(?=[ \t]+bei[ \t]+(?:der[ \t]+|dem[ \t]+|den[ \t]+)?[A-ZÄÖÜ]|(?P<label>,[ \t]*(?:AG|Arbeitgeber|Arbeitgeberin)[ \t]*:?[ \t]+[A-ZÄÖÜ])"
    r"|[ \t]+(?:\(|(?:im|in[ \t]+der|am)[ \t]+)(?P<employer>[A-ZÄÖÜ][\w-]+))"  # "Pflegefachfrau im Saalekreis-Klinikum"
)
# An employer in brackets, by its kind: "Pflegefachfrau (Diakoniekrankenhaus Halle)", "Studentin
# (ETH Zürich, ...)", "Polier (Bauunternehmung Frei AG)"; not "Partner (Herrn Meier)".
EMPLOYER_HEAD = re.compile(
    r"(?i:.*(?:krankenhaus|klinik|klinikum|spital|heim|praxis|schule|universität|unternehmung|unternehmen|werk"
    r"|firma|bank|verwaltung|amt|betrieb|gmbh))|ETH|TU|PH|FH|HTL|EPFL|Uni|ÖBB|SBB|DB|Post|Migros|Coop"
)

# Health and care professions and roles: the letter's own staff, not the patient's job.
STAFF = re.compile(
    r"arzt|ärzt|pflege|therapeut|schwester|hebamme|sanitäter|psycholog|logopäd|sozialarbeit|dolmetsch|assistent"
    r"|sekretär|leitung|leiter|primar(?!lehrer)|doktor|medizin|labor|radiolog|apothek|betreuer|sachwalter|vertreter|berater"
    r"|student|praktikant|nurse|doctor|physician|surgeon|therapist|consultant|registrar|midwife|paramedic|carer",
    re.IGNORECASE,
)


class OccupationRule(RuleRecognizer):
    ENTITY = "OCCUPATION"

    def load(self) -> None:
        self.jobs = PhraseMatcher(self.lexicon.occupations, casefold=True)

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for m in LABEL_VALUE.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.9)
        for m in KIN_JOB.finditer(text):
            value = m.group("v")
            looks_like_job = JOB_WORD.fullmatch(value) or TRADE_WORD.fullmatch(value)
            if (
                (self._listed(value) or looks_like_job)
                and value not in self.lexicon.towns
                and value.lower() not in NOT_JOBS
            ):
                yield Span(m.start("v"), m.end("v"), 0.7)
        for pattern in (PHRASE_VALUE, PATIENT_JOB):
            for m in pattern.finditer(text):
                # The longest listed job title at the start of the phrase ("als Krankenpflegerin
                # im AKH"), else one capitalised word with a job ending ("als Lokführer").
                value = m.group("v")
                best = max(self.jobs.finditer(value), key=lambda s: s[1] - s[0], default=None)
                if best is not None and best[0] == 0:
                    yield Span(m.start("v"), m.start("v") + best[1], 0.85)
                elif (job := COORDINATED_JOB.match(value)) is not None:
                    yield Span(m.start("v"), m.start("v") + job.end(), 0.75)
        for m in JOB_AT_EMPLOYER.finditer(text):
            value, employer = m.group("v"), m.group("employer")
            looks_like_job = JOB_WORD.fullmatch(value) or TRADE_WORD.fullmatch(value)
            if not (self._listed(value) or looks_like_job) or value.lower() in NOT_JOBS:
                continue
            if employer is not None and not EMPLOYER_HEAD.fullmatch(employer):
                continue  # "Dr. Huber, Oberärztin (Kardiologie)", "Partner (Herrn Meier)"
            if STAFF.search(value) and employer is None and m.group("label") is None:
                continue  # "Oberärztin bei ...": the letter's staff
            yield Span(m.start("v"), m.end("v"), 0.7)
        for m in EN_JOB.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.75)
        for m in TRADE_WORD.finditer(text):
            word = m.group().lower()
            after_cue = BEFORE_ANY_JOB.search(context_before(text, m.start(), 25)) is not None
            if after_cue or (word not in NOT_JOBS and not STAFF.search(word)):
                yield Span(m.start(), m.end(), 0.7 if after_cue else 0.55)
        for m in JOB_WORD.finditer(text):
            if m.group().lower() not in NOT_JOBS and BEFORE_ANY_JOB.search(context_before(text, m.start(), 25)):
                yield Span(m.start(), m.end(), 0.7)
        for start, end in self.jobs.finditer(text, words_of(nlp_artifacts)):
            if BEFORE_JOB.search(context_before(text, start, 25)):
                yield Span(start, end, 0.75)
            elif self._telling(text[start:end]):
                yield Span(start, end, 0.55)

    def _listed(self, value: str) -> bool:
        """Whether the whole value is a listed job title."""
        return any(start == 0 and end == len(value) for start, end in self.jobs.finditer(value))

    def _telling(self, job: str) -> bool:
        """A listed job title that says something about the person wherever it stands."""
        word = job.title() if job.isupper() else job
        return (
            word[:1].isupper()
            and len(word) >= 6
            and STAFF.search(word) is None
            and word.lower() not in self.lexicon.german_frequent
            and word.lower() not in self.lexicon.english_words
        )  # also a surname ("Maurer"): after a title the name ranks higher; alone, the job is masked either way
