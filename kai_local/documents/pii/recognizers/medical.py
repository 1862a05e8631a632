"""Diagnoses and conditions: the curated German/English lists (data/diagnoses_*.txt), German and
English disease-word endings (…karzinom, …itis, …insuffizienz; …itis, …oma) and ICD-10 codes.

An ICD-10 code with a subcode (E11.9) stands alone; a bare one (I10) needs a diagnosis label
on its line, since "B12" or "A1" are everyday tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.phrases import PhraseMatcher
from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, context_before, has_context, words, words_of

ICD_WITH_SUB = re.compile(r"(?<![\w.])[A-TV-Z]\d{2}\.\d[0-9A-Z]{0,3}(?![\w]|\.\d)")  # E11.9, S72.001A
# A tumour's morphology (ICD-O): "M-8500/3", "M8140/3".
ICD_O = re.compile(r"(?<![\w-])M-?\d{4}/\d(?![\w/])")
# The same without its "M", after an ICD-O label: "ICD-O 8500/3", "ICD-O-3: C18.7 / 8140/3".
ICD_O_LABELLED = re.compile(r"(?<![\w-])[89]\d{3}/[0-39](?![\w/])")
ICD_O_LABEL = words("ICD-O(?:-3)?", "Morphologie", "Morphology")
# A dependence or an allergy and its substance: "Abhängigkeit von Benzodiazepinen", "Allergie gegen
# Penicillin"; not "in Abhängigkeit von der Dosis".
DEPENDENCE = re.compile(
    r"(?<![\w-])(?<!in )(?:Abhängigkeit|Missbrauch|Allergie|Unverträglichkeit)[ \t]+(?:von|gegen|auf)[ \t]+"
    r"(?!(?:der|die|das|den|dem|des|eine[mnrs]?|Alter|Dosis|Zeit)\b)[A-ZÄÖÜ][\w-]+"
)
# A disease named by its eponym, listed or not: "Morbus Baastrup".
MORBUS = re.compile(r"(?<![\w-])(?:Morbus|MORBUS)[ \t]+[A-ZÄÖÜ][\w'’-]+")
# A cancer by its short form: "Prostata-Ca", "Mamma-Ca", "Bronchial-Ca".
CANCER_SHORT = re.compile(r"(?<![\w-])[A-ZÄÖÜ][a-zäöü]{2,}-Ca(?![\w-])")
# English conditions by their head noun and the words that qualify it: "L1 burst fracture",
# "bilateral calcaneal fractures", "trimalleolar fracture of the left ankle", "end-stage kidney
# disease", "bucket-handle tear of the medial meniscus".
# (The head is found first and the words before it read backwards: fast on long English text.)
EN_CONDITION = re.compile(
    r"(?<=[ \t])(?P<head>fractures?|tears?|disease|regurgitation|stenosis|syndrome|insufficiency|failure|infarction"
    r"|embolism|impairment|disorder|carcinoma|cancer|lymphoma|leuka?emia|injury|injuries|rupture|dislocation"
    r"|extrusion|herniation|ulcer|thrombosis|pneumonia|sepsis|trait)"
    r"(?P<site>[ \t]of[ \t]the[ \t](?:(?:left|right)[ \t])?[a-z]+(?:[ \t][a-z]+)?)?(?![\w-])"
)
EN_MODIFIERS = re.compile(r"(?:(?:[A-Z]\d{1,2}|[A-Za-z][\w'’-]*)[ \t]){1,4}$")
# Words before such a head that make it no diagnosis of this patient: "no fracture", "rule out".
EN_NEGATION = frozenset("no not without exclude excluded excluding rule ruled rules free negative".split())
# Not a version or a case number: "I10-GM-2026", "F26-004502" (a compound is fine: "G30-Komponente").
ICD_BARE = re.compile(r"(?<![\w.])[A-TV-Z]\d{2}(?![\w.]|\.\d|-(?:\d|[A-Z]{2}))")
ICD_LABEL = words("ICD", "ICD-10", "ICD-10-GM", "ICD10", "\\w*[Dd]iagnosen?", "Dg\\.?", "Dx", "Diagnos[ie]s", "Code")
# The word right before the code: "Vitamin B12", "Zimmer A12", "Top B21" are no diagnoses.
NOT_ICD = re.compile(
    r"(?:Vitamin|Vit\.|Typ|Zimmer|Raum|Bett|Top|Stiege|Tür|Gate|Schritt|Stufe|Phase|Seite|Station"
    r"|Trakt|Haus|Bauteil|Block|Gruppe|Klasse|Format|Modell|Nr\.)[\s-]?$",
    re.IGNORECASE,
)
DISEASE_ENDINGS = (
    "karzinom",
    "sarkom",
    "lymphom",
    "melanom",
    "adenom",
    # more tumours by their tissue ("Akustikusneurinom", "Uterusmyom", "Meningeom")
    "neurinom",
    "schwannom",
    "myom",
    "fibrom",
    "lipom",
    "gliom",
    "meningeom",
    "hämangiom",
    "inkontinenz",
    "urtikaria",
    "itis",
    "insuffizienz",
    "infarkt",
    "fraktur",
    "pathie",
    "algie",
    "algia",
    "plegie",
    "parese",
    "stenose",
    "thrombose",
    "embolie",
    "sklerose",
    "zirrhose",
    "dysplasie",
    "ämie",
    "urie",
    "ose",
    "syndrom",
    "delir",  # "Entzugsdelir"
    "missbrauch",  # "Alkoholmissbrauch", "Substanzmissbrauch" (F1x.1)
    "erkrankung",
    "krankheit",
    "infektion",
    "läsion",
    "ruptur",
    "aneurysma",
    "blutung",
    "ödem",
    "abszess",
    "fistel",
    "hernie",
    "tumor",
    "unterfunktion",
    "überfunktion",
    "mangel",
    "entzündung",
    "störung",
    "schwäche",
    "versagen",
    "krebs",
    "vorfall",
    "verschluss",
    "carcinoma",
    "sarcoma",
    "lymphoma",
    "melanoma",
    "emia",
    "aemia",
    "osis",
    "pathy",
    "plegia",
    "syndrome",
    "disease",
    "disorder",
    "infection",
    "failure",
    "fracture",
    "tumour",
    # conditions, injuries and findings named by their noun ("Agoraphobie", "Meniskusriss", "Thoraxprellung")
    "phobie",
    "phasie",
    "phagie",
    "allergie",
    "riss",
    "prellung",
    "zerrung",
    "zyste",
    "erguss",
    "hämatom",
    "intoxikation",
    "dissektion",
    "sepsis",
    "atonie",
    "ikterus",
    "exanthem",
    "kachexie",
    "schwerhörigkeit",
    "krampf",
    "infekt",
    "emphysem",
    "trophie",
    "penie",
    "penia",
    "akusis",
    "kopfschmerz",
    "verletzung",
    "phakie",
    "krupp",
    "pneumothorax",
    "dilatation",
    "malignom",
    "phlegmone",
    "karies",
    "wunde",
    "schädigung",
    "distorsion",
    "kontusion",
    "luxation",
    "demenz",
    "depression",
    "psychose",
    "epilepsie",
    "diabetes",
    "adipositas",
    "hypertonie",
    "hypotonie",
    "anämie",
    "arrhythmie",
    "flimmern",
    "flattern",
    "asthma",
    "tear",
    "injury",
    "aszites",
    "plasie",
    "nävus",
    "keratose",
    "heiserkeit",
    "reflux",
    "ulcus",
    "cataracta",
    "mukosa",
    "kachexie",
    "carcinoma",
    "hyperparathyreoidismus",
    "alkoholismus",
    "hyperthyreose",
    "hypothyreose",
    "ämie",
    "aemie",
    # seen unmasked in the blind letters: organ enlargement, intolerances, eczema, fertility,
    # pregnancy and injury words
    "megalie",
    "intoleranz",
    "ekzem",
    "sterilität",
    "spermie",
    "zele",
    "abort",
    "diathese",
    "malazie",
    "gravidität",
    "sensibilisierung",
    "schnupfen",
    "herzfehler",
    "pneumonie",
    "eruption",
    "trauma",
    # seen unmasked in the tenth blind split: compounds of a disease word ("Pfortaderhypertension",
    # "Hirnmetastasen", "Pleuramesotheliom", "Sehbehinderung", "Opioidabhängigkeit")
    "hypertension",
    "metastase",
    "mesotheliom",
    "gliom",
    "blastom",
    "myelom",
    "angiom",
    "meningeom",
    "seminom",
    "thymom",
    "fibrom",
    "lipom",
    "behinderung",
    "abhängigkeit",
    # and in the eleventh: "Tachykardie", "Gichtanfall", "Myopie", "Podagra"
    "kardie",
    "anfall",
    "myopie",
    "hyperopie",
    "podagra",
)
WORD = re.compile(r"(?<![\w-])[^\W\d_][\w-]{4,}(?![\w-])")
# Latin second words that belong to the diagnosis: "Otitis media", "Polymyalgia rheumatica".
LATIN_TAIL = re.compile(r"\s(?:media|externa|interna|rheumatica|nervosa|bronchiale|mellitus|chronica|acuta)(?!\w)")
# German adjectives in -los ("arbeitslose", "problemloser") end like diseases in -ose.
ADJECTIVE_LOS = re.compile(r"(?<!u)los(?:e|er|en|em|es)$")  # not "Divertikulose", "Tuberkulose"
# Compounds of document words: "Zuweisungsdiagnose", "Entlassungsprognose".
NOT_DISEASE_ENDINGS = (
    "diagnose",
    "diagnosen",
    "prognose",
    "narkose",
    "anamnese",
    "dosis",
    "glukose",
    "glucose",
    "tulose",  # sugars: "Lactulose", "Cellulose" (not "Divertikulose")
    "llulose",
)
NOT_DISEASE = frozenset(
    w.lower()
    for w in (
        "Diagnose",
        "Prognose",
        "Narkose",
        "Dose",
        "Hose",
        "Rose",
        "Chose",
        "Glukose",
        "Glucose",
        "Laktose",
        "Fruktose",
        "Saccharose",
        "Dosis",
        "Anamnese",
        "Osmose",
        "Symbiose",
        "Virtuose",
        "Arthroskopie",
        "Diagnosis",
        "Prognosis",
        "Dextrose",
        "Cellulose",
        "Zellulose",
        "Hypnose",
        "Mimose",
        "Franzose",
        "Aprikose",
        "Steckdose",
        "Dialyse",
        "Differentialdiagnose",
        "Verdachtsdiagnose",
        "Hauptdiagnose",
        "Nebendiagnose",
        "Entlassungsdiagnose",
        "Aufnahmediagnose",
        "Arbeitsdiagnose",
        "Blutzuckerkurve",
        "Vorerkrankung",
        "Grunderkrankung",
        "Begleiterkrankung",
        "Nebenerkrankung",
        "Erkrankung",
        "Krankheit",
        "Infektion",
        "Tumor",
        "Syndrom",
        "Disease",
        "Disorder",
        "Failure",
        "Fracture",
        "Tumour",
        "Infection",
        "Syndrome",
        "Blutung",
        "Hernie",
        "Mikrourie",
        "Osteosynthese",
        "Prothese",
        "Endoprothese",
        "Anastomose",
        "Thromboseprophylaxe",
        "Kinderkrankheit",
        "Krankheiten",
        "Urinose",
        "Kose",
        "Lose",
        "Bose",
        "Dispose",
        "Purpose",
        "Suppose",
        "Expose",
        "Compose",
        "Close",
        "Those",
        "Whose",
        "Chose",
        "Hose",
        "Nose",
        "Rose",
        "Pose",
        "Lose",
        "Dose",
        "Atelektase",
        "Antibiose",
        "Symbiose",
        "Mangel",
        "Störung",
        "Schwäche",
        "Versagen",
        "Krebs",
        "Vorfall",
        "Verschluss",
        "Entzündung",
        "Personalmangel",
        "Zeitmangel",
        "Bewegungsmangel",
        "Betriebsstörung",
        "Lieferverschluss",
        "Sprachstörung",
        "Einriss",
        "Abriss",
        "Grundriss",
        "Umriss",
        "Wunde",
        "Verletzung",
        "Krampf",
        "Infekt",
        "Zyste",
        "Erguss",
        "Abguss",
        "Ausguss",
        "Zuguss",
        "Beschluss",
        "Abschluss",
        "Anschluss",
        "Ausschluss",
        "Einfluss",
        "Überfluss",
        "Zufluss",
        "Abfluss",
        "Ausfluss",
        "Schädigung",
        "Tear",
        "Injury",
        "Wear",
    )
)
# A condition after "Z. n." / "St. n." / "V. a." (status after, suspicion of), up to the end of its phrase
# (not the long forms: "in gutem Zustand nach Hause").
STATUS_AFTER = re.compile(r"(?<!\w)(?:Z\.\s?n\.|St\.\s?n\.|V\.\s?a\.|Verdacht auf|Vd\.\s?a\.)\s+(?P<v>[^\n,;()]{3,60})")


# A diagnosis list: its heading ("Diagnosen:", "Entlassungsdiagnosen", "DIAGNOSE:", "Dg.:",
# "Befund/Diagnose (OPG vom 12.05.):", "Diagnosen Mutter:", "Vorerkrankungen:", "Diagnosis:"), then
# its items up to a blank line or the next heading. Every item is a condition in clinical writing,
# worded freely ("Viraler Infekt der oberen Luftwege", "CKD G4 A3", "Z.n. Sectio"), so the list
# itself is the evidence. Heading words come in any case and as compounds.
DIAGNOSIS_HEADING = re.compile(
    r"^[ \t]*(?:[\w/.-]*(?:diagnosen?|diagnos[ie]s)|dg\.?|dx|aufnahmegrund|[\w-]*vorerkrankungen|dauerdiagnosen"
    r"|[\w-]*erkrankungen|bekannt|bekannte diagnosen|past medical history|medical history|problem ?liste?)"
    r"(?P<rest>[^:\n]{0,40}:[ \t]*|[ \t]*$)",
    re.IGNORECASE | re.MULTILINE,
)
# A line that opens the next section: "Anamnese:", "THERAPIE", "Procedere", "Medikation bei Entlassung:".
NEXT_HEADING = re.compile(
    r"^[ \t]*(?:[^\W\d_][\w ./-]{2,40}:[ \t]*$|[A-ZÄÖÜ][A-ZÄÖÜ /-]{3,40}:?[ \t]*$"
    r"|[A-ZÄÖÜ][\w./-]{2,30}(?: [\w./-]+)?:[ \t]"
    r"|(?:Anamnese|Therapie|Medikation|Procedere|Befund|Verlauf|Empfehlung|Status|Labor)\w*\b)"
)
ITEM_BULLET = re.compile(r"[ \t]*(?:[-•*·–]|\d{1,2}[.)]|[a-z][.)])?[ \t]*")
# Pieces of an item: split at separators and at "mit"/"bei"/"nach"; bracketed parts (ICD codes,
# scores, "(bioptisch 2019)") are left to the other rules.
ITEM_PIECE = re.compile(r"[^,;()\n]+?(?=\s+(?:mit|bei|nach|with|due to)\s|[,;()\n]|$)")
BRACKETED = re.compile(r"\([^()\n]*\)")
MAX_LIST_LINES = 25


def diagnosis_list_items(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of every piece of every item in the diagnosis lists of `text`."""
    for heading in DIAGNOSIS_HEADING.finditer(text):
        lines = [(heading.end(), text.find("\n", heading.end()))]
        pos = lines[0][1]
        while pos != -1 and len(lines) <= MAX_LIST_LINES:
            start = pos + 1
            end = text.find("\n", start)
            line = text[start : end if end != -1 else len(text)]
            if not line.strip() or NEXT_HEADING.match(line) or DIAGNOSIS_HEADING.match(line):
                break
            lines.append((start, end))
            pos = end
        for start, end in lines:
            end = len(text) if end == -1 else end
            bullet = ITEM_BULLET.match(text, start, end)  # matches always: every part is optional
            start = bullet.end() if bullet else start
            line = BRACKETED.sub(lambda m: " " * len(m.group()), text[start:end])
            for n, piece in enumerate(ITEM_PIECE.finditer(line)):
                value = piece.group()
                left = len(value) - len(value.lstrip(" \t:.-–"))
                value = value.strip(" \t:.-–")
                joined = JOINING_WORD.match(value)  # "mit rezidivierendem Harnverhalt": the condition after it
                if joined:
                    left += joined.end()
                    value = value[joined.end() :]
                if not NOT_A_CONDITION_START.match(value) and _names_a_condition(value, first=n == 0):
                    yield start + piece.start() + left, start + piece.start() + left + len(value)


JOINING_WORD = re.compile(r"(?:mit|bei|nach|with|due to)\s+")
# A piece that is a circumstance, not a condition: "unter Apixaban", "in psychiatrischer Mitbehandlung".
NOT_A_CONDITION_START = re.compile(r"(?:unter|in|im|seit|ohne|aktuell|derzeit|gegenwärtig|zum|zur|am|keine?|kein)\b")
# A finding or qualifier after the diagnosis: "Rhesus positiv", "Prostatavolumen 78 ml", "insulinpflichtig".
FINDING_WORDS = re.compile(r"(?:positiv|negativ|unauffällig|normal|regredient|stabil|Punkte|Score)\b", re.IGNORECASE)


def _names_a_condition(piece: str, *, first: bool) -> bool:
    """Is this piece of a diagnosis item a condition: a noun phrase (a capitalised word of 4+
    letters), no measurement, score or date (no digits), no qualifier ("insulinpflichtig",
    "Rhesus positiv")? Scores and stagings ("NIHSS 14", "cT2b cN2") stay readable."""
    if any(c.isdigit() for c in piece) or FINDING_WORDS.search(piece):
        return False
    nouns = [w for w in re.findall(r"[^\W\d_]{4,}", piece) if w[0].isupper() and not w.isupper()]
    return bool(nouns) and (first or len(piece.split()) >= 2 or piece.lower().endswith(DISEASE_ENDINGS))


# An adjective before a generic head makes it a diagnosis ("Leichte kognitive Störung", "Follikuläre
# Zyste", "dysplastischen Nävus"), as does a genitive after it ("Ruptur des vorderen Kreuzbandes").
QUALIFIED_HEAD = re.compile(
    r"(?<![\w-])(?P<adj>(?:(?:nicht\s)?[^\W\d_]+(?:e|er|es|en|em)\s){1,2})(?P<head>(?:[^\W\d_]*(?:"
    r"störung|zyste|läsion|fraktur|ruptur|riss|infekt|blutung|reaktion|block|nävus|gebrauch|episode|erkrankung))"
    r"(?:en|es|s|n)?)(?![\w-])(?P<tail>\s(?:der|des|von)\s(?-i:(?:[a-zäöüß]+(?:e|en|er|es)\s){0,2}[A-ZÄÖÜ][^\W\d_]+))?",
    re.IGNORECASE,
)
ADJECTIVE = re.compile(
    r"(?:al|iv|är|isch|ig|lich|ell|ös|ent|iert|kt|ut|cht|ett|ht|rt|ät|ar|ür|ös|ilär|ulär|er|ch|ex)"
    r"(?:e|er|es|en|em)$",
    re.IGNORECASE,
)


def qualified_heads(text: str) -> Iterable[tuple[int, int]]:
    for m in QUALIFIED_HEAD.finditer(text):
        adjectives = m.group("adj").split()
        kept = 0  # how many words before the head are adjectives, from the head leftwards
        for word in reversed(adjectives):
            if word.lower() != "nicht" and not (word[0].islower() or ADJECTIVE.search(word)):
                break
            kept += 1
        if kept == 0:
            continue
        start = m.start("head") - len(" ".join(adjectives[-kept:])) - 1
        yield start, m.end()


class MedicalRule(RuleRecognizer):
    ENTITY = "MEDICAL"

    def load(self) -> None:
        self.diagnoses = PhraseMatcher(self.lexicon.diagnoses, casefold=True)

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for start, end in self.diagnoses.finditer(text, words_of(nlp_artifacts)):
            if not UNIT_AFTER.match(text, end):  # "Stroke Unit", "Stroke Nurse": a ward and a role
                yield Span(start, end, 0.85)
        for m in WORD.finditer(text):
            word = _uninflected(m.group().lower())
            if not word.endswith(DISEASE_ENDINGS) or not _long_enough(word):
                continue
            if word not in NOT_DISEASE and not ADJECTIVE_LOS.search(word) and not word.endswith(NOT_DISEASE_ENDINGS):
                tail = LATIN_TAIL.match(text, m.end())
                yield Span(m.start(), tail.end() if tail else m.end(), 0.7)
        for start, end in qualified_heads(text):
            yield Span(start, end, 0.65)
        for start, end in diagnosis_list_items(text):
            yield Span(start, end, 0.72)  # the whole item wins over the words in it, one placeholder
        for m in STATUS_AFTER.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)
        if self.supported_language == "en":
            yield from self._english_conditions(text)
        for pattern in (ICD_O, MORBUS, DEPENDENCE, CANCER_SHORT):
            for m in pattern.finditer(text):
                yield Span(m.start(), m.end(), 0.8)
        for m in ICD_O_LABELLED.finditer(text):
            if has_context(ICD_O_LABEL, text, m.start(), 30):
                yield Span(m.start(), m.end(), 0.8)
        for m in ICD_WITH_SUB.finditer(text):
            if not has_context(NOT_ICD, text, m.start(), 12):
                yield Span(m.start(), m.end(), 0.85)
        for m in ICD_BARE.finditer(text):
            in_brackets = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")"
            # ... or another code with its subcode shortly before: "– F10.21, kombinierte ... – F61)"
            coded = ICD_WITH_SUB.search(text, max(0, m.start() - 150), m.start()) is not None
            labelled = in_brackets or coded or has_context(ICD_LABEL, text, m.start(), 150, same_line=False)
            if labelled and not has_context(NOT_ICD, text, m.start(), 12):
                yield Span(m.start(), m.end(), 0.8)

    def _english_conditions(self, text: str) -> Iterable[Span]:
        stop_words = self.lexicon.stop_words
        for m in EN_CONDITION.finditer(text):
            words_before = EN_MODIFIERS.search(text, max(0, m.start() - 80), m.start())
            if words_before is None:
                continue
            mods = words_before.group().split()
            kept = 0  # qualifying words from the head leftwards, up to a function word
            for word in reversed(mods):
                if word.lower() in stop_words or word.lower() in EN_NEGATION:
                    break
                kept += 1
            before = mods[: len(mods) - kept]
            context = before[-3:] + context_before(text, words_before.start(), 30).split()[-3:]  # "no evidence of ..."
            if kept == 0 or any(word.lower() in EN_NEGATION for word in context):
                continue
            start = m.start("head") - len(" ".join(mods[-kept:])) - 1
            end = m.end()
            if m.group("site") and m.group("site").split()[-1] in stop_words:  # "... of the left ankle and"
                end = m.end() - len(m.group("site").split()[-1]) - 1
            yield Span(start, end, 0.7)


# A unit or role named after a condition: "Stroke Unit", "Stroke Nurse", "Diabetes Team".
UNIT_AFTER = re.compile(r"[ \t]+(?:Unit|Nurse|Center|Centre|Team)(?![\w-])")


def _ending_length(word: str) -> int:
    return max(len(e) for e in DISEASE_ENDINGS if word.endswith(e))


def _long_enough(word: str) -> bool:
    """More than the ending alone ("Dose" is no -ose disease), unless the ending is a whole
    disease word ("Malignom", "carcinoma", "Aphasie")."""
    ending = _ending_length(word)
    stem = len(word) - ending
    return stem >= 2 or (stem == 1 and ending >= 5) or (stem == 0 and ending >= 6 and word not in GENERIC_HEADS)


# Endings that alone name only a kind of finding ("Allergien: keine", "Fraktur ausgeschlossen").
GENERIC_HEADS = frozenset(
    "allergie fraktur läsion zyste infekt hämatom exanthem dysplasie atrophie verletzung ruptur blutung wunde "
    "störung schwäche trophie plasie infektion krampf erguss tumor fracture injury behinderung abhängigkeit metastase anfall".split()
)


INFLECTIONS = ("en", "es", "s", "n")


def _uninflected(word: str) -> str:
    """ "rippenfrakturen" -> "rippenfraktur", "harnwegsinfektes" -> "harnwegsinfekt",
    "prostatakarzinoms" -> "prostatakarzinom" (a disease ending under a plural or genitive)."""
    if word.endswith(DISEASE_ENDINGS):
        return word
    for suffix in INFLECTIONS:
        if word.endswith(suffix) and word[: -len(suffix)].endswith(DISEASE_ENDINGS):
            return word[: -len(suffix)]
    return word
