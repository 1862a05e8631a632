"""Institutions by their head noun: departments, wards, practices, services, schools, courts and
authorities, with what names them ("Abteilung für Innere Medizin 2", "Station 4 Nord",
"Hausarztpraxis am Markt", "Spitex Obersee", "KESB Hinwil", "Interne Abteilung", "Volksschule
Vomp", "Department of Cardiology", "Marston Road Surgery"); departments named by their specialty
("in der Thoraxchirurgie", "Chirurgie 2"); the organisations of data/organisations.txt ("Rotes
Kreuz Wels", "Volkshilfe"). Reported as company.

A head noun alone ("in der Praxis", "die Station") is no institution: it needs a name after it
(capitalised words, a place, a ward code, "am/an der ..."), a "für ..." after it, or an adjective
before it ("Phoniatrische Ambulanz", "2. Medizinische Abteilung"). A person after the head stays
a name ("Praxis Dr. [[NAME_1]]"), so that it has the same placeholder everywhere in the letter.
Hospitals by their legal form or hospital word stay in company.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.lexicon import data_lines
from kai_local.documents.pii.phrases import PhraseMatcher
from kai_local.documents.pii.recognizers.base import RuleRecognizer, Span, words_of

HEAD_ENDINGS = (
    "klinik",
    "klinikum",
    "kliniken",
    "spital",
    "krankenhaus",
    "hospital",
    "praxis",
    "ordination",
    "ambulanz",
    "ambulatorium",
    "abteilung",
    "station",
    "zentrum",
    "institut",
    "labor",
    "laboratorium",
    "dienst",
    "dienste",
    "heim",
    "schule",
    "gericht",
    "verein",
    "hilfswerk",
    "hilfe",
    "gruppe",
    "kita",
    "kindergarten",
    "tagesstätte",
    "apotheke",
    "beistandschaft",
    "verwaltung",
    "inspektion",
    "behörde",
    "stelle",
    "werkstätte",
    "pflege",
    "wohnhaus",
    "wohnbereich",
    "gymnasium",
    "sprechstunde",
    "residenz",  # "Seniorenresidenz Karwendelblick"
    "verbund",  # "Wohnverbund Haus Lebensweg"
    "sprengel",  # "Sozialsprengel Defereggental"
    "krankentransport",  # "Krankentransport Lohse"
    "service",  # "Sauerstoffservice Tirol-Ost", "Leistungsservice Kranken"
    # associations ("Landesverband Burgenland", "DRK-Kreisverband Essen"), not "Verband" (a dressing)
    "landesverband",
    "kreisverband",
    "bezirksverband",
    "regionalverband",
    "sozialverband",
    "berufsverband",
    "register",  # "Bayerisches Krebsregister"
    "anstalt",  # "Justizvollzugsanstalt Weidenbach", "Justizanstalt Graz-Karlau"
    "einrichtung",  # "Bundesbetreuungseinrichtung Ost"
    "palliativteam",  # "Mobiles Palliativteam Industrieviertel Süd" (not any "Team")
    "sparkasse",
    "kantonalbank",
    "raiffeisenbank",
    "volksbank",
    "hospizteam",  # "Hospizteam Schwarzatal"
    "wohnprojekt",  # "Wohnprojekt Leopoldau"
    "gesellschaft",  # "Gemeinnützige Wohnungsgesellschaft Obersteiermark"
    "direktion",  # "Bildungsdirektion", "Finanzdirektion"
    "inspektorat",  # "Arbeitsinspektorat Steiermark Nord"
    "genossenschaft",  # "Gemeinnützige Siedlungsgenossenschaft Triestingtal"
    "kammer",  # "Bundesnotarkammer", "Ärztekammer für Tirol"
    "liga",  # "Lungenliga Zürich", "Krebsliga"
    "präsidium",  # "Polizeipräsidium Mittelfranken"
    "ombudsschaft",  # "PatientInnen- und Pflegeombudsschaft des Landes Steiermark"
    "polizei",  # "Alpinpolizei", "Kantonspolizei Bern"
    "revier",  # "Polizeirevier Saalekreis"
    "gefängnis",  # "Gefängnis Limmattal", "Regionalgefängnis Thun"
    "zentrale",  # "Nationale Referenzzentrale für Legionella", "Leitzentrale Tirol"
    "referat",  # "Sanitätsreferat", "Jugendreferat" (also alone: see UNIT_ENDINGS)
    "wohngemeinschaft",  # "Therapeutische Wohngemeinschaft Kaiserbad"
    "rettung",  # "Pistenrettung Arlberg", "Bergrettung Ramsau"
    "amt",  # "Gesundheitsamt Bielefeld", "Landratsamt" (see NOT_OFFICES)
    "administration",  # "Patientenadministration"
    "beratung",  # with a name or coordinated: "Sozialberatung Spital Thun", "Mütter- und Väterberatung"
)
# Words ending in "amt" that name no office, and the adjective "zentrale" ("ZENTRALE UND SEGMENTALE
# FÜLLUNGSDEFEKTE"; a "Referenzzentrale" is one).
NOT_OFFICES = frozenset("amt samt gesamt insgesamt allesamt ehrenamt beamt zentrale zentralen".split())
# Head nouns that are whole words: services, authorities, businesses, schools, English heads.
HEAD_WORDS = frozenset(
    """Spitex KESB MVZ SPZ PSD BH PI Kita Pavillon Abt. Klin. Univ.-Klinik Bereich Caritas Diakonie Volkshilfe
    Lebenshilfe Jobcenter Sozialamt Jugendamt Magistrat Bezirkshauptmannschaft
    Bäckerei Metzgerei Konditorei Spedition Sanitätshaus Taxi Gasthaus Gasthof Hotel Pension Restaurant Firma Fa.
    Garage Autohaus Bank Sparkasse Stadtsparkasse Raiffeisenbank Volksbank Schulhaus Gymnasium Universität TU HTL
    Feuerwehr FF Kaserne Verlag Druckerei Tischlerei Schreinerei Gärtnerei Kanzlei Notariat Steuerberatung
    Reisebüro Kindergruppe Hort Tagesheim Internat Werkstätte Käserei Molkerei Sägewerk
    Department Departement Unit Ward Surgery Trust Centre Center College School University WG Stat.
    Staatsanwaltschaft Polizeiinspektion Polizeidirektion AG LG OLG BG Modehaus Kaufhaus Möbelhaus Warenhaus
    Alterswohnen Referat Regionalbereich Fachbereich Alpinpolizei Hörakustik Praxisgemeinschaft Papeterie
    Buchhandlung Drogerie Optik Sekundarschule Primarschule Realschule Oberstufe JVA Kreis Landkreis""".split()
)
# Heads whose name only follows them ("Physiotherapie Schauenburg", "Haus am Schloßpark"): a
# name before them is the patient's ("Für Emilia Physiotherapie").
TAIL_ONLY_HEADS = frozenset(
    "Physiotherapie Physio PHYSIO Ergotherapie ERGOTHERAPIE Logopädie Psychotherapie Haus".split()
)
HEAD_WORDS |= TAIL_ONLY_HEADS
WORD = r"[A-ZÄÖÜ][\w.'’]*(?:-[A-ZÄÖÜa-zäöü][\w'’]*)*"
HEAD = re.compile(r"(?<![\w-])(?P<head>" + WORD + r")(?![\w-])")
# After "für" ("fur" in a scan without umlauts): specialties, joined by "und", commas, hyphens ("Allgemein- und Viszeralchirurgie").
FOR_TAIL = re.compile(
    # an adjective in small letters first: "Klinik für psychische Gesundheit", "für junge Erwachsene"
    r"[ \t](?i:für|fur|f\.|of)[ \t](?:(?!(?:die|der|das|den|dem|des|eine[mnrs]?|diese[mnrs]?|alle[mnrs]?)[ \t])"
    r"[a-zäöü]{3,}(?:e|er|es|en)[ \t])?(?:"
    + WORD
    + r"-?|und|and|u\.|,)(?:[ \t]?(?:"
    + WORD
    + r"-?|und|and|u\.|&|,|[IVX]{1,4}\b|\d{1,2}\b))*"
)
# A name after the head: "am Markt", "an der Wien", a place or proper name, a ward code, a title + person.
NAME_TAIL = re.compile(
    r"[ \t](?:(?i:am|an der|im|in der|zum|zur|beim|St\.|Sankt|Haus)[ \t])?"
    r"(?:"
    + WORD
    + r")(?:[ \t](?:Nord|Süd|Sued|Ost|West|Mitte|NORD|SÜD|SUED|OST|WEST|"
    + WORD
    + r"|[A-Z]?\d{1,3}[A-Z]?(?![\w.,:/])))*"
)
# A ward's code: "Station 4 Nord", "Station C3", "Pavillon 2, Station B", "ward C 4", "Station
# Kinder 2" (a letter alone, not the first letter of a word: "Station Nord").
CODE_TAIL = re.compile(
    r"[ \t](?:(?:[A-ZÄÖÜ][a-zäöü]+[ ])?[A-Z]{0,2}[ ]?\d{1,3}(?:\.\d{1,2})?[A-Z]?|[A-Z](?![^\W\d_]))(?![\d.:/]|,\d)(?:[ \t](?:Nord|Süd|Sued|Ost|West|NORD|SÜD|SUED|OST|WEST|offen|geschlossen))?"
)
UNIT_ENDINGS = (
    "ambulanz",
    "station",
    "klinik",
    "klinikum",
    "abteilung",
    "spital",
    "praxis",
    "zentrum",
    "labor",
    "institut",
    "dienst",
    "heim",
    "kreißsaal",
    "sprechstunde",
    "liga",  # a compound alone names one: "Lungenliga", "Polizeipräsidium" (not "-kammer": "Herzkammer")
    "präsidium",
    "sparkasse",  # a bank: "Saalesparkasse", "Kreissparkasse" (a patient's bank says where they live)
    "kantonalbank",
    "raiffeisenbank",
    "volksbank",
    "polizei",  # "Alpinpolizei", "Kantonspolizei", "Bundespolizei"
    "rettung",  # "Pistenrettung", "Bergrettung", "Flugrettung"
    "amt",  # "Gesundheitsamt", "Landratsamt", "Versorgungsamt" (see NOT_OFFICES)
    "administration",  # "Patientenadministration"
    "referat",  # an office: "Sanitätsreferat", "Jugendreferat"
)
# Coordinated compounds before a head: "Gesundheits-, Veterinär- und Lebensmittelüberwachungsamt",
# "Mütter- und Väterberatung".
COORDINATED_BEFORE = re.compile(r"(?:[A-ZÄÖÜ][\w]{1,30}-,?[ \t])+(?:und|u\.|oder|&)[ \t]$")
COMPASS = frozenset("Nord Süd Sued Ost West Mitte NORD SÜD SUED OST WEST MITTE".split())
# A head joined to the name it bears: "Reinhold-Schneider-Grundschule", "Paracelsus-Klinik".
NAMED_COMPOUND = re.compile(r"(?:[A-ZÄÖÜ][\w'’]+-)+[A-ZÄÖÜ]?[\w]+")
TAIL_STOP = frozenset("HRB HRA FN UID DVR GLN ZSR BSNR LANR Tel Tel. Fax Fax. IBAN BIC".split())
WARD_HEADS = (
    "station",
    "inspektion",
    "abt.",
    "stat.",
    "pavillon",
    "abteilung",
    "ward",
    "unit",
    "bereich",
    "gruppe",
    "trakt",
    "stock",
)
# Compounds of a unit's ending that name a work shift or an event, not a unit.
NOT_UNIT_ENDINGS = (
    "schichtdienst",
    "nachtdienst",
    "frühdienst",
    "spätdienst",
    "tagdienst",
    "tagesdienst",
    "bereitschaftsdienst",
    "wochenenddienst",
    "manifestation",
)
BARE_GROUPS = frozenset({"gruppe", "gruppen"})
# "Praxis am Bahnhof", "Apotheke am Markt": after am/an der/... an everyday word names the place,
# unless it says when ("Praxis am Montag").
TIME_WORDS = frozenset(
    """Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Wochenende Vormittag Nachmittag Abend
    Morgen Mittag Anfang Ende Tag Telefon""".split()
)
ADJECTIVE = re.compile(r"(?:\d{1,2}\.\s)?[A-ZÄÖÜ][\w-]*(?i:e|er|es|en)\s$")  # "MEDIZINISCHE KLINIK" too


# Departments named by their specialty: "in der Thoraxchirurgie", "von der Unfallchirurgie", "Chirurgie 2",
# "Innere III" (not "Facharzt für Innere Medizin": a qualification, not a place).
SPECIALTY = (
    # Not in capitals: alone on a line, "HÄMATOLOGIE" heads a section of a lab report.
    # an examination is no unit ("Zystoskopie"), the endoscopy unit is ("in der Endoskopie")
    r"(?:[A-ZÄÖÜ][\w-]*(?:logie|chirurgie|medizin|iatrie|heilkunde|geriatrie|onkologie|ologie|pädie|ndoskopie)"
    r"|Chirurgie|Rehabilitation)"
)
# A specialty with its adjective, or two joined: "Innere Medizin", "Neurologische Rehabilitation",
# "Orthopädie und Traumatologie", "INTERNISTISCHE INTENSIVMEDIZIN".
_SPECIALTY_ADJECTIVE = r"(?:[A-ZÄÖÜ][\w-]*(?i:ische|ischer)|(?i:innere|interne|allgemeine))[ \t]"
SPECIALTY_PHRASE = (
    r"(?:" + _SPECIALTY_ADJECTIVE + r"(?:Medizin|MEDIZIN)|(?:" + _SPECIALTY_ADJECTIVE + r")?" + SPECIALTY + r")"
    r"(?:[ \t](?:und|&|u\.)[ \t]" + SPECIALTY + r")?"
)
# Alone (a letterhead line, between commas): "Neurologische Rehabilitation", "Orthopädie und
# Traumatologie"; not "Innere Medizin", which after a doctor's name is a qualification, nor an
# examination with its adjective ("Diagnostische Laparoskopie").
SPECIALTY_ALONE = (
    r"(?:"
    + _SPECIALTY_ADJECTIVE
    + r"(?![\w-]*skopie))?"
    + SPECIALTY
    + r"(?:(?:[ \t](?:und|&|u\.)[ \t]|/)"  # "Orthopädie und Traumatologie", "(Hämatologie/Onkologie)"
    + SPECIALTY
    + r")?"
)
# A doctor's qualification or a report's kind on the line before a specialty: "FA für ...,",
# "Facharzt für Psychiatrie und Psychotherapie, Forensische Psychiatrie", "ENTLASSUNGSBERICHT – ...".
QUALIFICATION_BEFORE = re.compile(r"(?:(?:Fach)?(?:arzt|ärztin)|\bF[AÄ]|FMH|FAMH|[Bb]ericht|BERICHT)\b[^\n]*$")
# Units every hospital has, named without a specialty: "in unserer ZNA", "Klinikum Kassel, Zentrale
# Notaufnahme", "4. Med" (Vienna's numbered medical departments).
UNIT_NAMES = (
    r"(?:(?:Zentrale|Interdisziplinäre)[ \t])?Notaufnahme|ZNA|ZAE|INA|Notfallambulanz|Notfallzentrum"
    r"|Intensivstation|Schockraum|Aufwachraum|Tagesklinik|Kreißsaal|[1-9]\.[ \t]?Med\.?(?![\w])"
    r"|(?:Kinder-?|Neurologische[ \t]|Zentrale[ \t]|Zentralen[ \t])?[Nn]ot(?:fall)?aufnahme|Kinderschutzgruppe"
    # intensive care and the heart catheter lab by their short names: "auf der IPS", "im HKL"
    r"|IPS|ITS|ICU|IMCU|IMC|HKL|Herzkatheterlabor|Neo-Intensiv|Neo-IPS|Intensivüberwachung|Interne"
    r"|(?:Klinische[ \t])?Sozialarbeit|Krankenhaushygiene|Bettenmanagement|Patientenaufnahme"
    r"|PIA"  # a psychiatric hospital's outpatient unit ("in unserer PIA"; not "Pia", a given name)
)
DEPARTMENT = re.compile(
    # a practice or unit named by its specialty and its place: "Radiologie am Wasserturm", "NEUROLOGIE AM STADTPARK"
    r"(?<![\w-])(?P<placed>(?i:" + SPECIALTY + r")[ \t](?i:am|im|an der|in der)[ \t][A-ZÄÖÜ][\w-]+)"
    r"|(?:(?<=in der )|(?<=von der )|(?<=auf der )|(?<=auf die )|(?<=an die )|(?<=an der )|(?<=zur )|(?<=durch die )"
    r"|(?<=in die )|(?<=über die )|(?<=aus der )|(?<=mit der )|(?<=im )|(?<=ins )|(?<=vom )|(?<=Rücksprache mit )"
    r"|(?<=Ihre )|(?<=Ihrer )|(?<=Ihr )"
    r"|(?<=unserer )|(?<=unsere )|(?<=seitens der )|(?<=Konsil )|(?<=Konsiliar )|(?<=Leiter )|(?<=Leiterin )"
    r"|(?<=Rücksprache )|(?<=Rücksprache mit )|(?<=Rücksprache mit der )|(?<=Absprache mit )|(?<=Absprache mit der )"
    r"|(?<=Leitung )|(?<=Assistenzarzt )|(?<=Assistenzärztin )|(?<=Oberarzt )|(?<=Oberärztin )"
    r"|(?<=Stationsleitung ))"
    r"(?P<dept>" + SPECIALTY + "|" + UNIT_NAMES + r")(?![\w-])"
    r"|(?<![\w-])(?P<numbered>"
    + SPECIALTY
    + r"|Innere|Interne|Chirurgie|Medizin)[ \t](?:[IVX]{1,4}|\d{1,2})(?![\w.,:/])"
    # after a role: "Chefarzt Viszeralchirurgie", "Leitende Ärztin Medizinische Onkologie"
    r"|(?:(?<=Chefarzt )|(?<=Chefärztin )|(?<=Leitender Arzt )|(?<=Leitende Ärztin )|(?<=Oberarzt )|(?<=Oberärztin ))"
    r"(?P<role>(?:[A-ZÄÖÜ][\w-]*e[rns]? )?" + SPECIALTY + r")(?![\w-])"
    # a specialty alone on its line (a letterhead or signature line) or in brackets after a person
    # or between commas in an address or copy line ("Kopie: Herzzentrum Bogenhausen, Rhythmologie, z. Hd. ...")
    r"|(?:(?<=\n)|(?<=, )|(?<=\()|(?<=^)|(?<=– )|(?<=- )|(?<=· )|(?<=  )|(?<=/ )|(?<=: )|(?<=\| ))(?P<alone>"
    + SPECIALTY_ALONE
    + "|"
    + UNIT_NAMES
    + r")(?=[ \t]*(?:\n|\)|,|\(| / |$))"
)
# A service's acronym and its place or region: "LK Neunkirchen", "NEF Neunkirchen", "KJPD Baden",
# "SVA Aargau", "RD Thurgau" (a hospital, an ambulance base, a service: where the patient was).
ACRONYM_PLACE = re.compile(
    r"(?<![\w.-])(?P<acronym>[A-ZÄÖÜ]{2,5})[ \t](?P<place>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)(?![\w-])"
)
# Acronyms before a place that name no service: titles, roles, countries, form labels.
NOT_ORGANISATION_ACRONYMS = frozenset(
    """OA OÄ FA FÄ AA DR PD MD DI CH AT DE IT FR EU USA UK GB PLZ TEL FAX GEB NR STR ORT WOHNORT AN
    VON BIS UND MIT DER DIE DAS HR FR RE LI BDS""".split()
)
# Swiss cantons and Austrian and German states, which a service's acronym may carry.
REGIONS = frozenset(
    """Aargau Thurgau Zürich Bern Luzern Uri Schwyz Obwalden Nidwalden Glarus Zug Freiburg Solothurn
    Basel-Stadt Basel-Landschaft Schaffhausen Appenzell St.Gallen Graubünden Tessin Waadt Wallis
    Neuenburg Genf Jura Tirol Vorarlberg Salzburg Kärnten Steiermark Burgenland Niederösterreich
    Oberösterreich Wien Bayern Sachsen Thüringen Hessen Brandenburg Berlin Hamburg Bremen""".split()
)
# Intensive and intermediate care units by their number: "ICU 2", "ITS 1", "IMC 3", "IPS 2".
NUMBERED_UNIT = re.compile(
    # a numbered ward, and Vienna's municipal departments ("MA 11", the youth welfare office)
    r"(?<![\w-])(?:ICU|ITS|IMC|IMCU|IPS|ICU/IMCU|Stroke Unit|MA)[ \t]?\d{1,2}(?![\w]|[.,]\d)"
)
QUOTED_TAIL = re.compile(r"[ \t][„\"»‚'“][A-ZÄÖÜ][^„“\"»«\n]{1,40}[“\"«‘']")
# A specialty and the practice's name: "Pathologie Länggasse", "Gastroenterologie Zytglogge".
SPECIALTY_NAMED = re.compile(r"(?<![\w-])" + SPECIALTY + r"[ \t](?P<name>[A-ZÄÖÜ][\w'’-]{2,})(?![\w-])")
# A head followed by its specialty: "Departement Innere Medizin", "Service Chirurgie".
SPECIALTY_TAIL = re.compile(r"[ \t]" + SPECIALTY_PHRASE + r"(?![\w-])")
# "Station: Chirurgie 2", "ABTEILUNG: GERIATRIE", "Station/Zimmer: M3 Ost / 3.14": a unit after its label.
UNIT_LABEL = re.compile(
    r"(?i:Station|Stat\.|Abteilung|Abt\.|Einsender|Fachbereich|Pflegestation|Ward|Bereich)(?:/Zimmer)?[ \t]*:[ \t]*"
    r"(?P<v>[A-ZÄÖÜ0-9][\w.-]*(?:(?: / |[ \t/])[\w.-]+){0,3}?)(?=[ \t]*(?:,|;|\n|$| / \d| / (?i:Zi|Zimmer|Bett)|  ))"
)


# English names before their head: "Marston Road Surgery", "Royal Cornwall Hospitals NHS Trust", "Breast Unit".
EN_NAMED = re.compile(
    r"(?<![\w-])(?:(?:St|Saint|[A-Z][\w'’-]*)\.?[ \t]){1,5}"
    r"(?:Surgery|Centre|Center|Unit|Trust|Hub|Practice|Clinic|Hospitals?|Laborator(?:y|ies)|School|College|University"
    r"|Foundation Trust|Health Board)(?![\w-])"
)
# French and Italian institutions of Swiss letters: "Service de radiologie", "Cabinet médical du
# Vieux-Pont", "Ospedale Regionale di Lugano", "Sezione della circolazione".
ROMANCE_HEAD = re.compile(
    r"(?<![\w-])(?:Service|Cabinet(?: médical)?|Clinique|Hôpital|Centre hospitalier|Département|Ospedale|Clinica"
    r"|Servizio|Sezione|Studio medico|Casa di cura|Ufficio)(?=[ \t])"
)
ROMANCE_WORD = re.compile(r"[ \t]([^\W\d_][\w'’-]*)")
ROMANCE_PARTICLES = frozenset("de du des la le les d' della delle del dei degli di e et al all'".split())
EN_NOT_FIRST = frozenset(
    "The A An In At On Of For To From By With And Or Our Your His Her Their This That Dear Mr Mrs Ms Dr".split()
)


class InstitutionRule(RuleRecognizer):
    ENTITY = "COMPANY"

    def load(self) -> None:
        names = data_lines("organisations.txt")
        self.organisations = PhraseMatcher(names + [n.upper() for n in names], casefold=False)

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        for start, end in self.organisations.finditer(text, words_of(nlp_artifacts)):
            yield Span(start, self._organisation_end(text, end), 0.75)
        for span in self._by_head(text):
            yield _without_full_stop(text, span)
        for m in DEPARTMENT.finditer(text):
            if m.group("alone") and QUALIFICATION_BEFORE.search(text, max(0, m.start() - 80), m.start()):
                continue  # "Facharzt für Mikrobiologie, Virologie und Infektionsepidemiologie": a doctor's title
            yield Span(m.start(), m.end(), 0.6)
        for m in NUMBERED_UNIT.finditer(text):
            yield Span(m.start(), m.end(), 0.7)
        for m in SPECIALTY_NAMED.finditer(text):
            if self._proper(m.group("name")):
                yield Span(m.start(), m.end(), 0.6)
        for m in UNIT_LABEL.finditer(text):
            yield Span(m.start("v"), m.end("v"), 0.7)
        for m in ACRONYM_PLACE.finditer(text):
            place = m.group("place")
            acronym = m.group("acronym")
            if acronym in NOT_ORGANISATION_ACRONYMS or acronym.title() in self.lexicon.listed_names:
                continue  # "KÄLIN Verena", "GASHI Lio": a surname in capitals and a given name
            if place in self.lexicon.first_names:
                continue
            parts = place.split("-")  # "LK Baden-Mödling": a hospital of two towns
            if all(p in self.lexicon.places or p in self.lexicon.towns or p in REGIONS for p in parts):
                yield Span(m.start(), m.end(), 0.9)  # over the place alone: the service is the finding
        yield from self._romance(text)
        for m in EN_NAMED.finditer(text):
            words = m.group().split()
            while words and words[0].rstrip(".") in EN_NOT_FIRST:
                words.pop(0)
            if len(words) >= 2:
                start = m.end() - len(" ".join(words))
                yield Span(start, m.end(), 0.7)

    def _proper(self, word: str) -> bool:
        """A name, not an everyday word: a place, or a capitalised word of no word list."""
        return word in self.lexicon.places or not (self.lexicon.is_everyday_word(word) or word.isupper())

    def _romance(self, text: str) -> Iterable[Span]:
        """A French or Italian head and up to six words of its name, up to the first lowercase German
        or English everyday word ("Meldung an die Sezione della circolazione erfolgt")."""
        lexicon = self.lexicon
        for m in ROMANCE_HEAD.finditer(text):
            end, named = m.end(), False
            for _ in range(6):
                word = ROMANCE_WORD.match(text, end)
                if word is None:
                    break
                token = word.group(1)
                folded = token.lower()
                # German nouns are capitalised: a lowercase German word is the German sentence going
                # on, unless a particle puts it in the name ("Service de radiologie").
                previous = text[m.start() : end].rsplit(" ", 1)[-1]
                after_particle = previous.lower() in ROMANCE_PARTICLES
                german = folded in lexicon.german_words and not after_particle
                # "des Alpes gesandt": after a capitalised name word, a lowercase word is the sentence's
                after_name = previous[:1].isupper() and end > m.end() and not after_particle
                everyday = token.islower() and (german or after_name or folded in lexicon.english_words)
                if folded not in ROMANCE_PARTICLES and (everyday or folded in lexicon.stop_words):
                    break
                end = word.end()
                named = named or folded not in ROMANCE_PARTICLES
            while text[m.start() : end].rsplit(" ", 1)[-1].lower() in ROMANCE_PARTICLES:
                end = m.start() + text[m.start() : end].rindex(" ")
            if named and end > m.end():
                yield Span(m.start(), end, 0.7)

    def _organisation_end(self, text: str, end: int) -> int:
        """ "Rotes Kreuz Wels", "Volkshilfe Steiermark", "KESB Hinwil": a place after the name belongs to it."""
        m = re.match(r"[ \t](" + WORD + r")", text[end:])
        if m and (m.group(1) in self.lexicon.places or m.group(1).title() in self.lexicon.places):
            return end + m.end()
        return end

    def _by_head(self, text: str) -> Iterable[Span]:
        for m in HEAD.finditer(text):
            head = m.group("head")
            start, end = m.start(), m.end()
            if not self._is_head(head) and head.endswith(".") and self._is_head(head[:-1]):
                head, end = head[:-1], end - 1  # "in unserer Notfallsprechstunde." (the full stop ends the sentence)
            if not self._is_head(head):
                continue
            before = text[max(0, start - 40) : start].rsplit("\n", 1)[-1]
            adjective = ADJECTIVE.search(before)
            if adjective and self._is_adjective(adjective.group().split()[-1]):
                start = start - len(before) + adjective.start()  # "Phoniatrische Ambulanz"
            elif head not in TAIL_ONLY_HEADS:
                start -= self._name_before(before)  # "Luzerner Kantonsspital", "Albert Schweitzer Klinik"
            if start == m.start() and (coordinated := COORDINATED_BEFORE.search(before)) is not None:
                start -= len(before) - coordinated.start()
            # "Station 4 Nord", "Wohngruppe 3"; not the bare "Gruppe 2" (a licence's, a risk's group)
            ward = head.lower().endswith(WARD_HEADS) and head.lower() not in BARE_GROUPS
            code = CODE_TAIL.match(text, end) if ward else None
            tail = (
                FOR_TAIL.match(text, end)
                or code
                or SPECIALTY_TAIL.match(text, end)
                or QUOTED_TAIL.match(text, end)  # 'Apotheke „Zum Schwarzen Adler“'
                or self._name_tail(text, end)
            )
            if tail is not None:
                end = tail.end()
            if start == m.start() and end == m.start() + len(head):
                # A head noun alone is no institution; a compound of one names a unit
                # ("Unfallambulanz", "Notfallstation", "Augenklinik"), weaker evidence.
                folded = head.lower()
                if folded.endswith(UNIT_ENDINGS) and folded not in UNIT_ENDINGS and len(head) > 8:
                    if folded.endswith(NOT_UNIT_ENDINGS):
                        continue  # "im Schichtdienst", "Erstmanifestation": a shift, no "-station"
                    yield Span(start, end, 0.6)
                elif NAMED_COMPOUND.fullmatch(head):
                    yield Span(start, end, 0.6)  # "Reinhold-Schneider-Grundschule", "Simon-Marius-Gymnasium"
                continue
            value = text[start:end].rstrip(" ,-")
            # Below a name's score: "Frau Anna Huber Klinik..." must keep the person whole.
            yield Span(start, start + len(value), 0.75)

    def _name_before(self, before: str) -> int:
        """Length of up to two proper words right before a head: a place adjective ("Luzerner"),
        a person's or place's name ("Albert Schweitzer", "Kepler"); no everyday word."""
        taken = 0
        rest = before
        for _ in range(2):
            m = re.search(r"([A-ZÄÖÜ][\w'’-]*)[ \t]$", rest)
            if m is None:
                break
            word = m.group(1)
            folded = word.lower()
            place_adjective = word.endswith("er") and word[:-2] in self.lexicon.places
            if not place_adjective and (
                folded in self.lexicon.german_words
                or folded in self.lexicon.stop_words
                or folded in self.lexicon.common_words
                or word in self.lexicon.not_names
            ):
                break
            taken += len(m.group(0))
            rest = rest[: m.start()]
        return taken

    def _is_head(self, word: str) -> bool:
        folded = word.lower()
        return (
            word in HEAD_WORDS
            or word.title() in HEAD_WORDS
            or word.upper() in HEAD_WORDS
            # also in the genitive: "des Medizinischen Dienstes Baden-Württemberg", "des Klinikums Klagenfurt"
            or any(
                stem.endswith(HEAD_ENDINGS) and stem not in NOT_OFFICES
                for stem in (folded, folded.removesuffix("es"), folded.removesuffix("s"))
            )
        )

    def _is_adjective(self, word: str) -> bool:
        """ "Interne", "Phoniatrische", "Medizinische": an adjective, not a name or a noun."""
        folded = word.lower()
        return folded.endswith(
            (
                "ische",
                "ischer",
                "isches",
                "ischen",
                "liche",
                "licher",
                "liches",
                "ärztliche",
                "ärztlicher",
                "interne",
                "innere",
                "mobile",
                "allgemeine",
            )
        )

    def _name_tail(self, text: str, pos: int) -> re.Match[str] | None:
        m = NAME_TAIL.match(text, pos)
        if m is None:
            return None
        words = m.group().split()
        for k, word in enumerate(words):
            if word in TAIL_STOP:  # "Amtsgericht Duisburg HRB 1234": the register number is not part of it
                if k == 0:
                    return None
                cut = m.start() + m.group().index(" " + word)
                return NAME_TAIL.match(text, pos, cut)
        # Everyday words at the end are the sentence's: "Kindergarten Lindenbühl Blau" is at least
        # "Kindergarten Lindenbühl"; "Praxis Montag" is no name at all.
        tokens = all_tokens = list(re.finditer(r"\S+", m.group()))
        # A full stop after a word ends the sentence ("ins Spital Uster. Herr Meier kam"), not after
        # an abbreviation ("St. Gallen").
        ends = [k for k, t in enumerate(tokens[:-1]) if _ends_sentence(t.group())]
        if ends:
            tokens = tokens[: ends[0] + 1]
        for keep in range(len(tokens), 0, -1):
            if self._tail_named([t.group() for t in tokens[:keep]]):
                return m if keep == len(all_tokens) else NAME_TAIL.match(text, pos, m.start() + tokens[keep - 1].end())
        return None

    def _tail_named(self, words: list[str]) -> bool:
        """Whether the words after a head name it: they end in a place, a code, a listed name or a
        proper word, or are a compass point ("Bundesbetreuungseinrichtung Ost")."""
        if all(word in COMPASS for word in words):
            return True
        last = words[-1].rstrip(".,")
        if last.isupper():
            last = last.title()
        lexicon = self.lexicon
        if any(c.isdigit() for c in last) or last in lexicon.places or last in lexicon.listed_names:
            return True
        placed = words[0].lower() in ("am", "an", "im", "in", "zum", "zur", "beim") and len(words) >= 2
        if placed and last not in TIME_WORDS and last[:1].isupper():
            return True  # "Praxis am Bahnhof", "Hausarztpraxis am Markt"
        folded = last.lower()
        return not (folded in lexicon.german_frequent or folded in lexicon.stop_words or last in lexicon.not_names)


# Abbreviations that end an institution's name with their own full stop ("Univ.-Klinik f. Chir.").
NAME_ABBREVIATIONS = frozenset(
    "Univ Klin Stat Abt Chir Med Allg Inn Str Co Barmh Dept Inst Kath Evang Zentr Priv".split()
)


def _ends_sentence(word: str) -> bool:
    """ "Uster.": a word of four letters or more with a full stop, no abbreviation."""
    last = re.split(r"-", word[:-1])[-1]
    return word.endswith(".") and len(last) >= 4 and last not in NAME_ABBREVIATIONS and any(c.islower() for c in last)


def _without_full_stop(text: str, span: Span) -> Span:
    """ "im Wohnprojekt Leopoldau." : the full stop ends the sentence, not the name."""
    if span.end - span.start < 2 or not _ends_sentence(re.split(r"\s", text[span.start : span.end])[-1]):
        return span
    return Span(span.start, span.end - 1, span.score)
