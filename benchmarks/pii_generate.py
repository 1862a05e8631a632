"""Generate the labelled PII evaluation set: synthetic German/Austrian and English clinical and
business documents with character spans per PII type.

    .venv/bin/python benchmarks/pii_generate.py          # writes benchmarks/data/pii_eval.jsonl

Two splits, so that the detector is not tuned to what it is scored on:
- dev (160 documents): template family A, Faker seeds 1000+, people named by Faker's de_AT,
  de_DE, de_CH, en_US and en_GB (the locales whose name lists the detector uses).
- heldout (100 documents): template family B (other document layouts and wording), seeds
  9000+, and half of the patients named by locales whose names are in no detector list (tr_TR,
  hr_HR, pl_PL, cs_CZ, hu_HU, it_IT, ro_RO, sl_SI), some diagnoses missing from the
  detector's lists, other hospitals. The detector was developed against dev only.

Span conventions (what a reader would black out):
- name: the person's name without titles or salutations ("Dr. [Anna Huber]", "Herr [Huber]").
- address: a street line and a postcode + town line are separate spans; on one line
  "Hauptstraße 1, 8010 Graz" is one span. Country names are not labelled.
- dob: the date only; birth_year: the year only; age: the whole expression ("59-jährige").
- medical: the diagnosis text and, separately, its ICD-10 code.
- company: the full name with its legal form, or the hospital's name.
- every occurrence is labelled, including repetitions ("Herr [Huber]" later in the letter).
Dates of admission, invoices and appointments, medication, lab values and amounts are
deliberately present and unlabelled: they test precision.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from faker import Faker
from stdnum import iban as iban_check
from stdnum import luhn
from stdnum.at import tin as at_tin
from stdnum.at import uid as at_uid
from stdnum.at import vnr
from stdnum.ch import ssn as ch_ssn
from stdnum.ch import uid as ch_uid
from stdnum.de import idnr
from stdnum.de import vat as de_vat

OUT = Path(__file__).resolve().parent / "data" / "pii_eval.jsonl"
DEV_DOCS, HELDOUT_DOCS, FRESH_DOCS = 160, 100, 70
REFERENCE_DATE = dt.date(2025, 3, 14)
LIST_LOCALES = {"AT": "de_AT", "DE": "de_DE", "CH": "de_CH", "GB": "en_GB", "US": "en_US"}
UNLISTED_LOCALES = ("tr_TR", "hr_HR", "pl_PL", "cs_CZ", "hu_HU", "it_IT", "ro_RO", "sl_SI")

# --- a document with spans -----------------------------------------------------------------------


class Doc:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[dict] = []
        self.length = 0

    def __call__(self, *items: str | tuple[str, str]) -> Doc:
        for item in items:
            if isinstance(item, tuple):
                pii_type, value = item
                self.spans.append(
                    {"start": self.length, "end": self.length + len(value), "type": pii_type, "value": value}
                )
                item = value
            self.parts.append(item)
            self.length += len(item)
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


def P(pii_type: str, value: str) -> tuple[str, str]:
    return (pii_type, value)


# --- values with valid check digits --------------------------------------------------------------


def svnr(rng: random.Random, dob: dt.date) -> str:
    while True:
        serial = rng.randint(100, 999)
        for check in range(10):
            number = f"{serial}{check}{dob:%d%m%y}"
            if vnr.is_valid(number):
                return f"{number[:4]} {number[4:]}"


def kvnr(rng: random.Random) -> str:
    letter = chr(rng.randint(65, 90))
    body = "".join(str(rng.randint(0, 9)) for _ in range(8))
    digits = f"{ord(letter) - 64:02d}" + body
    total = sum(
        (int(c) * (1 if i % 2 == 0 else 2)) // 10 + (int(c) * (1 if i % 2 == 0 else 2)) % 10
        for i, c in enumerate(digits)
    )
    return f"{letter}{body}{total % 10}"


def ahv(rng: random.Random) -> str:
    while True:
        number = "756" + "".join(str(rng.randint(0, 9)) for _ in range(10))
        if ch_ssn.is_valid(number):
            return f"{number[:3]}.{number[3:7]}.{number[7:11]}.{number[11:]}"


def by_rejection(rng: random.Random, make: Callable[[], str], valid: Callable[[str], bool]) -> str:
    while True:
        value = make()
        if valid(value):
            return value


def atu(rng: random.Random) -> str:
    return by_rejection(rng, lambda: "ATU" + "".join(str(rng.randint(0, 9)) for _ in range(8)), at_uid.is_valid)


def de_vat_id(rng: random.Random) -> str:
    return by_rejection(rng, lambda: "DE" + str(rng.randint(100000000, 999999999)), de_vat.is_valid)


def che_uid(rng: random.Random, vat: bool) -> str:
    digits = by_rejection(rng, lambda: "CHE" + str(rng.randint(10000000, 99999999)).zfill(8), lambda v: True)
    number = digits + str(ch_uid.calc_check_digit(digits[3:]))
    if not ch_uid.is_valid(number):
        return che_uid(rng, vat)
    formatted = f"CHE-{number[3:6]}.{number[6:9]}.{number[9:]}"
    return formatted + " MWST" if vat else formatted


def steuer_id(rng: random.Random) -> str:
    value = by_rejection(rng, lambda: str(rng.randint(10**10, 10**11 - 1)), idnr.is_valid)
    return rng.choice([value, f"{value[:2]} {value[2:5]} {value[5:8]} {value[8:]}"])


def at_steuernummer(rng: random.Random) -> str:
    value = by_rejection(rng, lambda: str(rng.randint(10**8, 10**9 - 1)), at_tin.is_valid)
    return f"{value[:2]}-{value[2:5]}/{value[5:]}"


def card_number(rng: random.Random) -> str:
    prefix = rng.choice(["4", "51", "52", "53", "54", "55"])
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix)))
    number = body + luhn.calc_check_digit(body)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def iban_for(rng: random.Random, country: str) -> str:
    """A valid IBAN of the country (ISO 13616 check digits), compact or in groups of four."""
    country = country if country in ("AT", "DE", "CH", "GB") else "DE"
    length = {"AT": 16, "DE": 18, "CH": 17, "GB": 14}[country]
    bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) if country == "GB" else ""
    bban = bank + "".join(str(rng.randint(0, 9)) for _ in range(length))
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    value = f"{country}{98 - int(digits) % 97:02d}{bban}"
    assert iban_check.is_valid(value), value
    return rng.choice([value, " ".join(value[i : i + 4] for i in range(0, len(value), 4))])


PHONE_SHAPES = {
    "AT": [
        ("MOBILE", ["664", "676", "650", "699", "660", "681"]),
        ("FIXED", ["1", "316", "732", "662", "512", "463", "2742"]),
    ],
    "DE": [("MOBILE", ["151", "160", "170", "176", "171"]), ("FIXED", ["30", "89", "40", "221", "69", "711"])],
    "CH": [("MOBILE", ["79", "78", "76"]), ("FIXED", ["44", "31", "61", "41", "71"])],
    "GB": [("MOBILE", ["7700", "7911", "7400"]), ("FIXED", ["20", "161", "121", "131"])],
    "US": [("FIXED", ["212", "415", "312", "617", "206"])],
}
COUNTRY_CODE = {"AT": 43, "DE": 49, "CH": 41, "GB": 44, "US": 1}


def phone(rng: random.Random, country: str, style: int | None = None) -> str:
    while True:
        _, prefixes = rng.choice(PHONE_SHAPES[country])
        area = rng.choice(prefixes)
        length = {"AT": rng.randint(6, 8), "DE": rng.randint(6, 8), "CH": 7, "GB": 10 - len(area), "US": 7}[country]
        subscriber = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))
        number = phonenumbers.parse(f"+{COUNTRY_CODE[country]}{area}{subscriber}")
        if phonenumbers.is_valid_number(number):
            break
    s = rng.randint(0, 4) if style is None else style
    trunk = "" if country == "US" else "0"
    if country == "US":
        return [
            f"({area}) {subscriber[:3]}-{subscriber[3:]}",
            f"+1 {area} {subscriber[:3]} {subscriber[3:]}",
            f"{area}-{subscriber[:3]}-{subscriber[3:]}",
        ][s % 3]
    return [
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        f"{trunk}{area} {subscriber}",
        f"{trunk}{area}/{subscriber}",
        f"+{COUNTRY_CODE[country]} ({trunk}){area} {subscriber}",
        f"({trunk}{area}) {subscriber[:-2]}-{subscriber[-2:]}"
        if country in ("AT", "DE")
        else f"{trunk}{area} {subscriber}",
    ][s]


# --- people and places ---------------------------------------------------------------------------

AT_POST_OFFICES: list[tuple[str, str]] = []


def austrian_post_office(rng: random.Random) -> tuple[str, str]:
    if not AT_POST_OFFICES:
        import stdnum.at

        data = (Path(stdnum.at.__file__).parent / "postleitzahl.dat").read_text(encoding="utf-8")
        AT_POST_OFFICES.extend(re.findall(r'^(\d{4}) location="([^"]+)"', data, re.MULTILINE))
    return rng.choice(AT_POST_OFFICES)


@dataclass
class Person:
    first: str
    last: str
    female: bool
    dob: dt.date
    street: str
    postcode: str
    town: str
    country: str
    phone: str
    email: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def age(self) -> int:
        d = REFERENCE_DATE
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))

    @property
    def town_line(self) -> str:
        return f"{self.postcode} {self.town}"


FREE_MAIL = {
    "AT": ["gmx.at", "aon.at", "chello.at", "gmail.com", "a1.net"],
    "DE": ["web.de", "gmx.de", "t-online.de", "gmail.com"],
    "CH": ["bluewin.ch", "gmx.ch", "gmail.com"],
    "GB": ["gmail.com", "outlook.com", "btinternet.com"],
    "US": ["gmail.com", "yahoo.com", "outlook.com"],
}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def ascii_slug(text: str) -> str:
    import unicodedata

    text = text.translate(UMLAUTS)
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if c.isascii() and (c.isalnum() or c in ".-_")
    ).lower()


def make_person(rng: random.Random, country: str, name_locale: str | None = None, adult: bool = True) -> Person:
    fake = Faker(LIST_LOCALES[country])
    fake.seed_instance(rng.randint(0, 10**9))
    names = Faker(name_locale) if name_locale else fake
    if name_locale:
        names.seed_instance(rng.randint(0, 10**9))
    female = rng.random() < 0.5
    first = names.first_name_female() if female else names.first_name_male()
    last = names.last_name()
    first, last = first.split()[0], last.split()[0]
    dob = fake.date_of_birth(minimum_age=18 if adult else 1, maximum_age=92)
    if country == "AT":
        postcode, town = austrian_post_office(rng)
        street = f"{fake.street_name()} {rng.randint(1, 120)}" + rng.choice(
            [
                "",
                f"/{rng.randint(1, 20)}",
                f"/{rng.randint(1, 5)}/{rng.randint(1, 30)}",
                f"/Stiege {rng.randint(1, 4)}/Top {rng.randint(1, 25)}",
            ]
        )
    elif country in ("DE", "CH"):
        postcode, town = fake.postcode(), fake.city()
        street = f"{fake.street_name()} {rng.randint(1, 150)}{rng.choice(['', '', 'a', 'b'])}"
    elif country == "US":
        postcode, town = fake.postcode(), f"{fake.city()}, {fake.state_abbr()}"
        street = f"{fake.building_number()} {fake.street_name()}"
    else:
        postcode, town = fake.postcode(), fake.city()
        street = f"{rng.randint(1, 200)} {fake.street_name()}"
    local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{last}{rng.randint(1, 99)}", f"{first}{last[0]}"])
    email = f"{ascii_slug(local)}@{rng.choice(FREE_MAIL[country])}"
    return Person(first, last, female, dob, street, postcode, town, country, phone(rng, country), email)


def date_de(d: dt.date, rng: random.Random) -> str:
    months = [
        "Jänner",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    return rng.choice(
        [f"{d:%d.%m.%Y}", f"{d:%d.%m.%Y}", f"{d.day}.{d.month}.{d.year}", f"{d.day}. {months[d.month - 1]} {d.year}"]
    )


def date_en(d: dt.date, rng: random.Random) -> str:
    return rng.choice([f"{d:%d/%m/%Y}", f"{d:%B} {d.day}, {d.year}", f"{d.day} {d:%B} {d.year}", f"{d:%Y-%m-%d}"])


# --- domain data ---------------------------------------------------------------------------------

DIAGNOSES_DE_A = [
    ("Diabetes mellitus Typ 2", "E11.9"),
    ("Arterielle Hypertonie", "I10"),
    ("Vorhofflimmern", "I48.0"),
    ("Chronische Niereninsuffizienz", "N18.3"),
    ("Koronare Herzkrankheit", "I25.1"),
    ("Ambulant erworbene Pneumonie", "J18.9"),
    ("COPD", "J44.9"),
    ("Hypothyreose", "E03.9"),
    ("Depression", "F32.9"),
    ("Gonarthrose", "M17.1"),
    ("Herzinsuffizienz", "I50.9"),
    ("Hyperlipidämie", "E78.5"),
    ("Osteoporose", "M81.0"),
    ("Harnwegsinfekt", "N39.0"),
    ("Akuter Myokardinfarkt", "I21.9"),
    ("Lungenembolie", "I26.9"),
    ("Tiefe Beinvenenthrombose", "I80.2"),
    ("Mammakarzinom", "C50.9"),
    ("Morbus Crohn", "K50.9"),
    ("Asthma bronchiale", "J45.9"),
    ("Epilepsie", "G40.9"),
    ("Schlaganfall", "I63.9"),
    ("Demenz", "F03"),
    ("Adipositas", "E66.0"),
    ("Eisenmangelanämie", "D50.9"),
    ("Prostatakarzinom", "C61"),
    ("Leberzirrhose", "K74.6"),
    ("Cholezystolithiasis", "K80.2"),
    ("Migräne", "G43.9"),
    ("Rheumatoide Arthritis", "M06.9"),
    ("Schenkelhalsfraktur", "S72.0"),
    ("Pankreatitis", "K85.9"),
]
DIAGNOSES_DE_B = DIAGNOSES_DE_A[::2] + [
    ("Sigmadivertikulitis", "K57.3"),
    ("Cholangitis", "K83.0"),
    ("Lumboischialgie", "M54.4"),
    ("Restless-Legs-Syndrom", "G25.8"),
    ("Polymyalgia rheumatica", "M35.3"),
    ("Vitamin-B12-Mangel", "E53.8"),
    ("Otitis media", "H66.9"),
    ("Gastroenteritis", "A09.9"),
    ("Nephrosklerose", "I12.9"),
    ("Schilddrüsenunterfunktion", "E03.9"),
    ("Bandscheibenvorfall", "M51.2"),
    ("Hypokaliämie", "E87.6"),
]
DIAGNOSES_EN_A = [
    ("Type 2 diabetes mellitus", "E11.9"),
    ("Hypertension", "I10"),
    ("Atrial fibrillation", "I48.91"),
    ("Chronic kidney disease", "N18.3"),
    ("Community-acquired pneumonia", "J18.9"),
    ("Heart failure", "I50.9"),
    ("Asthma", "J45.909"),
    ("Major depressive disorder", "F32.9"),
    ("Osteoarthritis", "M19.90"),
    ("Hypothyroidism", "E03.9"),
    ("Pulmonary embolism", "I26.99"),
    ("Breast cancer", "C50.919"),
]
DIAGNOSES_EN_B = DIAGNOSES_EN_A[::2] + [
    ("Cellulitis", "L03.90"),
    ("Diverticulitis", "K57.92"),
    ("Sciatica", "M54.30"),
    ("Iron deficiency anemia", "D50.9"),
    ("Acute bronchitis", "J20.9"),
    ("Gout", "M10.9"),
]
MEDICATION = [
    "Metformin 1000 mg 1-0-1",
    "Ramipril 5 mg 1-0-0",
    "Bisoprolol 2,5 mg 1-0-0",
    "Pantoprazol 40 mg 1-0-0",
    "Atorvastatin 20 mg 0-0-1",
    "Apixaban 5 mg 1-0-1",
    "Levothyroxin 75 µg 1-0-0",
    "Mexalen 500 mg bei Bedarf",
    "Novalgin 500 mg 1-1-1",
    "Thrombo ASS 100 mg 1-0-0",
    "Furosemid 40 mg 1-0-0",
    "Sertralin 50 mg 1-0-0",
]
MEDICATION_EN = [
    "Metformin 500 mg twice daily",
    "Ramipril 5 mg once daily",
    "Bisoprolol 2.5 mg once daily",
    "Atorvastatin 20 mg at night",
    "Apixaban 5 mg twice daily",
    "Paracetamol 1 g as required",
]
LABS = [
    ("Hämoglobin", "g/dl", 11.0, 16.5),
    ("Leukozyten", "G/l", 3.5, 14.0),
    ("Thrombozyten", "G/l", 120, 420),
    ("Kreatinin", "mg/dl", 0.6, 2.4),
    ("Natrium", "mmol/l", 130, 146),
    ("Kalium", "mmol/l", 3.2, 5.6),
    ("CRP", "mg/l", 0.5, 120),
    ("HbA1c", "%", 5.2, 9.8),
    ("TSH", "mU/l", 0.3, 6.2),
    ("GOT", "U/l", 10, 80),
    ("GPT", "U/l", 10, 90),
    ("Gamma-GT", "U/l", 10, 150),
    ("LDL-Cholesterin", "mg/dl", 60, 190),
    ("Ferritin", "ng/ml", 8, 400),
]
HOSPITALS_A = {
    "AT": [
        "LKH Graz",
        "AKH Wien",
        "Klinik Ottakring",
        "Klinik Favoriten",
        "Kepler Universitätsklinikum Linz",
        "Klinikum Wels-Grieskirchen",
        "Landesklinikum St. Pölten",
        "Klinikum Klagenfurt am Wörthersee",
        "LKH Villach",
        "Landeskrankenhaus Feldkirch",
        "Universitätsklinikum Krems",
    ],
    "DE": [
        "Klinikum Nürnberg",
        "Universitätsklinikum Heidelberg",
        "Klinikum Augsburg",
        "Krankenhaus Nordwest Frankfurt",
    ],
    "CH": ["Universitätsspital Zürich", "Kantonsspital Aarau", "Kantonsspital St. Gallen"],
    "GB": ["St Thomas' Hospital", "Royal London Hospital", "Manchester Royal Infirmary"],
    "US": ["Massachusetts General Hospital", "Mount Sinai Hospital"],
}
HOSPITALS_B = {
    "AT": [
        "Krankenhaus der Barmherzigen Brüder Wien",
        "Ordensklinikum Linz Elisabethinen",
        "Krankenhaus Hietzing",
        "Hanusch-Krankenhaus",
        "Universitätsklinikum Tulln",
        "LKH-Univ. Klinikum Graz",
        "Landesklinikum Baden-Mödling",
        "Klinikum Freistadt",
        "Wilhelminenspital",
        "Evangelisches Krankenhaus Wien",
    ],
    "DE": ["Klinikum rechts der Isar", "Städtisches Klinikum Karlsruhe", "Krankenhaus Barmherzige Brüder Regensburg"],
    "CH": ["Inselspital Bern", "Kantonsspital Baselland", "Spital Männedorf"],
    "GB": ["Addenbrooke's Hospital", "Leeds General Infirmary"],
    "US": ["Johns Hopkins Hospital", "Cleveland Clinic"],
}
DEPARTMENTS = [
    "Abteilung für Innere Medizin",
    "Universitätsklinik für Kardiologie",
    "Abteilung für Unfallchirurgie",
    "Abteilung für Neurologie",
    "Klinische Abteilung für Nephrologie",
    "Abteilung für Pulmologie",
    "Abteilung für Psychiatrie",
    "Abteilung für Allgemeinchirurgie",
]
SPECIALTIES = [
    "Fachärztin für Innere Medizin",
    "Facharzt für Innere Medizin",
    "Ärztin für Allgemeinmedizin",
    "Arzt für Allgemeinmedizin",
    "Fachärztin für Neurologie",
    "Facharzt für Kardiologie",
    "Stationsärztin",
    "Oberarzt",
]
INSURERS = {
    "AT": ["ÖGK", "Österreichische Gesundheitskasse", "BVAEB", "SVS", "KFA Wien"],
    "DE": ["AOK Bayern", "Techniker Krankenkasse", "BARMER", "DAK-Gesundheit", "IKK classic"],
    "CH": ["Helsana", "CSS", "Swica", "Visana"],
    "GB": ["Bupa", "AXA PPP"],
    "US": ["Aetna", "Blue Cross Blue Shield", "Medicare"],
}
PRIVATE_INSURERS_AT = [
    "UNIQA",
    "Wiener Städtische",
    "Merkur Versicherung",
    "Generali Versicherung",
    "Allianz Versicherung",
]
OCCUPATIONS_A = [
    "Tischler",
    "Lehrerin",
    "Krankenpfleger",
    "Verkäuferin",
    "Elektriker",
    "Buchhalterin",
    "Busfahrer",
    "Friseurin",
    "Maurer",
    "Pensionist",
    "Pensionistin",
    "Installateur",
    "Bürokauffrau",
    "Landwirt",
    "Köchin",
    "Softwareentwickler",
]
OCCUPATIONS_B = [
    "Kindergartenpädagogin",
    "Dachdecker",
    "Reinigungskraft",
    "Lagerarbeiter",
    "Physiotherapeutin",
    "Steuerberater",
    "Lokführer",
    "Zahnarzthelferin",
    "Schlosser",
    "Einzelhandelskauffrau",
    "Fliesenleger",
    "Heimhelferin",
]
OCCUPATIONS_EN = [
    "teacher",
    "nurse",
    "electrician",
    "accountant",
    "bus driver",
    "software engineer",
    "retired teacher",
    "plumber",
]
NATIONALITY_COUNTRY = {"AT": "Österreich", "DE": "Deutschland", "CH": "Schweiz"}
NATIONALITY_ADJ = [
    "österreichische",
    "deutsche",
    "türkische",
    "kroatische",
    "serbische",
    "bosnische",
    "rumänische",
    "ungarische",
    "polnische",
    "syrische",
]
NATIONALITY_NOUN = [
    "Österreicherin",
    "Österreicher",
    "Türkin",
    "Kroate",
    "Serbin",
    "Bosnier",
    "Rumänin",
    "Ungar",
    "Slowakin",
    "Afghane",
]
RELIGIONS_DE = [
    "röm.-kath.",
    "römisch-katholisch",
    "evangelisch A.B.",
    "islamisch",
    "serbisch-orthodox",
    "ohne Bekenntnis",
    "konfessionslos",
    "jüdisch",
]
RELIGIONS_EN = ["Roman Catholic", "Muslim", "Jewish", "Protestant", "Hindu", "no religion"]


def company_name(rng: random.Random, country: str) -> str:
    fake = Faker(LIST_LOCALES[country])
    fake.seed_instance(rng.randint(0, 10**9))
    name = fake.company()
    suffixes = {
        "AT": ["GmbH", "KG", "OG", "e.U.", "Ges.m.b.H.", "AG"],
        "DE": ["GmbH", "AG", "KG", "GmbH & Co. KG", "UG (haftungsbeschränkt)"],
        "CH": ["AG", "GmbH", "Sàrl"],
        "GB": ["Ltd", "PLC", "LLP"],
        "US": ["Inc.", "LLC", "Corp."],
    }[country]
    if not re.search(r"(GmbH|AG|KG|OG|e\.U\.|Ltd|PLC|LLC|Inc\.?|Corp\.?|Sàrl|& Cie\.|UG)$", name):
        name = f"{re.sub(r'[,]', '', name)} {rng.choice(suffixes)}"
    return name


def plate(rng: random.Random, country: str) -> str:
    letters = "ABCDEFGHKLMNPRSTUVWXYZ"
    if country == "AT":
        code = rng.choice(["W", "G", "GU", "L", "LL", "S", "I", "K", "BN", "MD", "VB", "WN", "KU", "SZ", "DO"])
        return rng.choice(
            [
                f"{code}-{rng.randint(1, 99999)}{''.join(rng.choice(letters) for _ in range(rng.randint(1, 2)))}",
                f"{code} {rng.randint(10, 999)} {''.join(rng.choice(letters) for _ in range(2))}",
            ]
        )
    code = rng.choice(["M", "B", "HH", "K", "F", "S", "N", "A", "R"])
    return f"{code}-{''.join(rng.choice(letters) for _ in range(2))} {rng.randint(1, 9999)}"


def passport_number(rng: random.Random, country: str) -> str:
    if country == "DE":
        chars = "CFGHJKLMNPRTVWXYZ"
        return (
            rng.choice(chars)
            + "".join(rng.choice(chars + "0123456789" * 3) for _ in range(3))
            + "".join(str(rng.randint(0, 9)) for _ in range(5))
        )
    return rng.choice("PUXS") + "".join(str(rng.randint(0, 9)) for _ in range(7))


def health_number(rng: random.Random, person: Person) -> str:
    return {"AT": lambda: svnr(rng, person.dob), "DE": lambda: kvnr(rng), "CH": lambda: ahv(rng)}.get(
        person.country, lambda: svnr(rng, person.dob)
    )()


def patient_id(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randint(10**7, 10**8 - 1)),
            f"{rng.randint(2019, 2025)}/{rng.randint(10000, 99999)}",
            f"P{rng.randint(100000, 999999)}",
        ]
    )


def age_expr(rng: random.Random, person: Person, family: str) -> str:
    a = person.age
    forms_a = [f"{a}-jährige", f"{a} Jahre alt", f"{a}-jährigen"]
    forms_b = [f"{a} J.", f"{a}-jähriger" if not person.female else f"{a}-jährige", f"{a}jährige"]
    return rng.choice(forms_a if family == "A" else forms_b)


def gender_word(person: Person, rng: random.Random) -> str:
    return "weiblich" if person.female else "männlich"


def title_for(person: Person) -> str:
    return "Frau" if person.female else "Herr"


def herrn(person: Person) -> str:
    return "Frau" if person.female else "Herrn"


def lab_lines(rng: random.Random, n: int) -> list[str]:
    lines = []
    for name, unit, low, high in rng.sample(LABS, n):
        value = rng.uniform(low, high)
        shown = f"{value:.1f}".replace(".", ",") if high < 50 else f"{value:.0f}"
        lines.append(f"{name:<18} {shown:>7} {unit}")
    return lines


# --- family A: dev -------------------------------------------------------------------------------


def discharge_a(rng: random.Random, country: str) -> Doc:
    pat = make_person(rng, country)
    doc1 = make_person(rng, country)
    doc2 = make_person(rng, country)
    hospital = rng.choice(HOSPITALS_A[country])
    dept = rng.choice(DEPARTMENTS)
    diagnoses = rng.sample(DIAGNOSES_DE_A, rng.randint(2, 4))
    admitted = REFERENCE_DATE - dt.timedelta(days=rng.randint(5, 60))
    discharged = admitted + dt.timedelta(days=rng.randint(2, 14))
    hosp_phone = phone(rng, country, 0)
    d = Doc()
    d(
        P("company", hospital),
        "\n",
        dept,
        "\n",
        P("address", f"{make_person(rng, country).street}, {make_person(rng, country).town_line}"),
        "\nTel.: ",
        P("phone", hosp_phone),
        "\n\n",
    )
    d("ENTLASSUNGSBRIEF\n\n")
    d(rng.choice(["Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege!", "Sehr geehrte Damen und Herren,"]), "\n\n")
    d("Wir berichten über ", herrn(pat), " ", P("name", pat.full), ", geb. ", P("dob", date_de(pat.dob, rng)))
    if country == "AT" or rng.random() < 0.5:
        d(
            ", ",
            {"AT": "SVNR", "DE": "KVNR", "CH": "AHV-Nr."}.get(country, "SVNR"),
            " ",
            P("healthcare_number", health_number(rng, pat)),
        )
    d(
        ", wohnhaft ",
        P("address", f"{pat.street}, {pat.town_line}"),
        ", der/die sich vom ",
        f"{admitted:%d.%m.%Y}",
        " bis ",
        f"{discharged:%d.%m.%Y}",
        " in stationärer Behandlung an unserer Abteilung befand.\n\n",
    )
    d("Diagnosen:\n")
    for text, code in diagnoses:
        d("- ", P("medical", text), " (", P("medical", code), ")\n")
    d(
        "\nAnamnese:\n",
        "Die " if pat.female else "Der ",
        P("age", age_expr(rng, pat, "A").replace("jährigen", "jährige")),
        " Patientin" if pat.female else " Patient",
        " wurde ",
    )
    d(
        rng.choice(["vom Hausarzt zugewiesen", "mit der Rettung gebracht", "über die Notaufnahme aufgenommen"]),
        ". ",
        rng.choice(
            [
                "Seit drei Tagen bestehen Dyspnoe und Fieber bis 39 °C.",
                "Sie klagt über zunehmende Müdigkeit und Schwindel.",
                "Er berichtet über thorakales Druckgefühl seit dem Vortag.",
            ]
        ),
        "\n",
    )
    if rng.random() < 0.6:
        d(
            "Sozialanamnese: ",
            rng.choice(["verheiratet", "verwitwet", "ledig", "geschieden"]),
            ", Beruf: ",
            P("occupation", rng.choice(OCCUPATIONS_A)),
            ", ",
            rng.choice(["Nichtraucher", "Raucher (20 py)", "kein Alkohol"]),
            ".\n",
        )
    if rng.random() < 0.4:
        d(
            "Religion: ",
            P("religion", rng.choice(RELIGIONS_DE)),
            ", Staatsbürgerschaft: ",
            P("nationality", NATIONALITY_COUNTRY.get(country, "Österreich")),
            "\n",
        )
    d("\nTherapie und Verlauf:\n")
    d(
        f"Unter Therapie mit Piperacillin/Tazobactam kam es zu einer raschen Besserung. CRP bei Aufnahme {rng.randint(40, 180)} mg/l, "
    )
    d(
        f"bei Entlassung {rng.randint(2, 20)} mg/l. ",
        title_for(pat),
        " ",
        P("name", pat.last),
        " konnte am ",
        f"{discharged:%d.%m.%Y}",
        " in gebessertem Zustand nach Hause entlassen werden.\n\n",
    )
    d("Medikation bei Entlassung:\n", "\n".join(rng.sample(MEDICATION, 4)), "\n\n")
    d(
        "Empfehlungen:\nKontrolle beim Hausarzt ",
        rng.choice(["Dr. ", "Dr. med. "]),
        P("name", doc1.full),
        " in einer Woche. ",
    )
    d("Bei Fragen erreichen Sie uns unter ", P("phone", hosp_phone), ".\n\n")
    d(rng.choice(["Mit freundlichen Grüßen", "Mit kollegialen Grüßen"]), "\n\n")
    d(
        rng.choice(["OA Dr. ", "Prim. Dr. ", "Dr. ", "Ass.-Prof. Dr. "]),
        P("name", doc2.full),
        "\n",
        rng.choice(SPECIALTIES),
        "\n",
    )
    return d


def referral_a(rng: random.Random, country: str) -> Doc:
    pat = make_person(rng, country)
    gp = make_person(rng, country)
    spec = make_person(rng, country)
    d = Doc()
    d(
        # a practice named after its owner is one organisation (issue 11: "with their ... owner, as company")
        P("company", f"Ordination Dr. {gp.full}"),
        "\n",
        rng.choice(["Ärztin für Allgemeinmedizin", "Arzt für Allgemeinmedizin"]),
        "\n",
        P("address", gp.street),
        "\n",
        P("address", gp.town_line),
        "\nTel. ",
        P("phone", gp.phone),
        "\nE-Mail: ",
        P("email", f"ordination.{ascii_slug(gp.last)}@{rng.choice(['aon.at', 'gmx.at', 'medway.at'])}"),
        "\n\n",
    )
    d(
        f"{rng.choice(['Wien', 'Graz', 'Linz', 'Salzburg'])}, am {(REFERENCE_DATE - dt.timedelta(days=rng.randint(0, 30))):%d.%m.%Y}\n\n"
    )
    d(
        "Überweisung an: ",
        rng.choice(["Dr. ", "Prim. Dr. ", "Dr. med. "]),
        P("name", spec.full),
        ", ",
        rng.choice(["Facharzt für Kardiologie", "Fachärztin für Neurologie", "Fachärztin für Innere Medizin"]),
        "\n\n",
    )
    d(
        "Patient: " if not pat.female else "Patientin: ",
        P("name", pat.full),
        ", geb. am ",
        P("dob", date_de(pat.dob, rng)),
        "\n",
    )
    d(
        "Versicherung: ",
        P("insurance", rng.choice(INSURERS[country])),
        ", Versicherungsnummer: ",
        P("healthcare_number", health_number(rng, pat)),
        "\n",
    )
    d(
        "Adresse: ",
        P("address", pat.street),
        ", ",
        P("address", pat.town_line),
        "\nTelefon: ",
        P("phone", pat.phone),
        "\n\n",
    )
    diag = rng.sample(DIAGNOSES_DE_A, 2)
    d("Zuweisungsdiagnose: ", P("medical", diag[0][0]), " (ICD-10 ", P("medical", diag[0][1]), ")\n")
    d("Bekannte Vorerkrankungen: ", P("medical", diag[1][0]), "\n\n")
    d(
        "Fragestellung: Bitte um Abklärung und Therapieempfehlung. ",
        title_for(pat),
        " ",
        P("name", pat.last),
        " ist ",
        P("age", f"{pat.age} Jahre alt"),
        rng.choice([".", " und lebt allein."]),
        "\n",
    )
    if rng.random() < 0.5:
        d(
            "Die Patientin" if pat.female else "Der Patient",
            " arbeitet als ",
            P("occupation", rng.choice(OCCUPATIONS_A)),
            " und ist ",
            P("gender", gender_word(pat, rng)),
            ".\n",
        )
    d("Aktuelle Medikation: ", ", ".join(rng.sample(MEDICATION, 3)), ".\n\n")
    d("Mit freundlichen Grüßen\n", P("name", gp.full), "\n")
    return d


def lab_a(rng: random.Random, country: str) -> Doc:
    pat = make_person(rng, country)
    lab_company = company_name(rng, country)
    doctor = make_person(rng, country)
    d = Doc()
    d(
        P("company", lab_company),
        " – Medizinisches Labor\n",
        P("address", f"{make_person(rng, country).street}, {make_person(rng, country).town_line}"),
        "\n\n",
    )
    d("LABORBEFUND\n\n")
    d(
        "Name: ",
        P("name", f"{pat.last}, {pat.first}"),
        "\nGeburtsdatum: ",
        P("dob", f"{pat.dob:%d.%m.%Y}"),
        "\nGeschlecht: ",
        P("gender", gender_word(pat, rng)),
        "\n",
    )
    d("Pat.-ID: ", P("healthcare_number", patient_id(rng)), "\nEinsender: Dr. ", P("name", doctor.full), "\n")
    d(f"Probenentnahme: {(REFERENCE_DATE - dt.timedelta(days=rng.randint(1, 9))):%d.%m.%Y} 07:45\n\n")
    d("Parameter            Wert   Einheit\n", "\n".join(lab_lines(rng, rng.randint(6, 10))), "\n\n")
    if rng.random() < 0.5:
        text, _code = rng.choice(DIAGNOSES_DE_A[:12])
        d("Klinische Angabe: V. a. ", P("medical", text), "\n")
    d("Befund vidiert: Dr. ", P("name", doctor.last), "\n")
    return d


def invoice_a(rng: random.Random, country: str) -> Doc:
    pat = make_person(rng, country)
    doctor = make_person(rng, country)
    d = Doc()
    d(
        "Dr. ",
        P("name", doctor.full),
        "\n",
        rng.choice(["Wahlärztin für Innere Medizin", "Wahlarzt für Orthopädie", "Wahlärztin für Dermatologie"]),
        "\n",
        P("address", f"{doctor.street}, {doctor.town_line}"),
        "\nUID: ",
        P("vat_number", atu(rng) if country == "AT" else de_vat_id(rng)),
        "\n\n",
    )
    d(
        title_for(pat),
        "\n",
        P("name", pat.full),
        "\n",
        P("address", pat.street),
        "\n",
        P("address", pat.town_line),
        "\n\n",
    )
    number = f"{REFERENCE_DATE.year}-{rng.randint(100, 999)}"
    d(f"HONORARNOTE Nr. {number}\nDatum: {REFERENCE_DATE:%d.%m.%Y}\n\n")
    d(
        "Patient/in: ",
        P("name", pat.full),
        ", geb. ",
        P("dob", f"{pat.dob:%d.%m.%Y}"),
        ", Versicherung: ",
        P("insurance", rng.choice(INSURERS[country])),
        "\n\n",
    )
    total = 0
    for item, price in rng.sample(
        [
            ("Erstordination", 150),
            ("Ausführliche Untersuchung", 90),
            ("EKG", 45),
            ("Sonographie Abdomen", 120),
            ("Befundbesprechung", 60),
            ("Laborbefundung", 30),
        ],
        3,
    ):
        total += price
        d(f"{item:<32} EUR {price:>7.2f}\n".replace(".", ","))
    d(f"{'Summe':<32} EUR {total:>7.2f}\n\n".replace(".", ","))
    d("Diagnose: ", P("medical", rng.choice(DIAGNOSES_DE_A)[0]), "\n\n")
    d(
        "Bitte überweisen Sie den Betrag binnen 14 Tagen auf folgendes Konto:\nKontoinhaber: ",
        P("name", doctor.full),
        "\nIBAN: ",
        P("iban", iban_for(rng, country)),
        "\nBIC: ",
        rng.choice(["GIBAATWWXXX", "BKAUATWW", "RZOOAT2L"]),
        "\n",
    )
    if rng.random() < 0.5:
        d("Steuernummer: ", P("tax_id", at_steuernummer(rng) if country == "AT" else steuer_id(rng)), "\n")
    if rng.random() < 0.3:
        d("Alternativ Zahlung mit Kreditkarte: ", P("credit_card", card_number(rng)), "\n")
    return d


def email_a(rng: random.Random, country: str) -> Doc:
    pat = make_person(rng, country)
    assistant = make_person(rng, country)
    d = Doc()
    d(
        "Von: ",
        P("name", pat.full),
        " <",
        P("email", pat.email),
        ">\nAn: ",
        P("email", f"termine@{ascii_slug(assistant.last)}-ordination.at"),
        "\n",
    )
    d("Betreff: Terminverschiebung und neue Adresse\n\n")
    d(rng.choice(["Sehr geehrte Frau ", "Liebe Frau "]), P("name", assistant.last), ",\n\n")
    d(
        "leider kann ich den Termin am ",
        f"{(REFERENCE_DATE + dt.timedelta(days=rng.randint(2, 20))):%d.%m.}",
        " nicht wahrnehmen. ",
    )
    d("Bitte notieren Sie auch meine neue Adresse: ", P("address", f"{pat.street}, {pat.town_line}"), ". ")
    d("Meine Handynummer lautet ", P("phone", pat.phone), ".\n")
    if rng.random() < 0.5:
        d("Wegen meiner ", P("medical", rng.choice(DIAGNOSES_DE_A)[0]), " brauche ich außerdem ein neues Rezept.\n")
    if rng.random() < 0.4:
        d(
            "Für die Reiseversicherung benötige ich eine Bestätigung; meine Reisepassnummer ist ",
            P("passport", passport_number(rng, country)),
            ".\n",
        )
    if rng.random() < 0.3:
        d(
            "Am Parkplatz steht mein Auto mit dem Kennzeichen ",
            P("vehicle", plate(rng, country)),
            ", falls das wichtig ist.\n",
        )
    d("\n", rng.choice(["Mit freundlichen Grüßen", "Liebe Grüße", "Beste Grüße"]), "\n", P("name", pat.full), "\n")
    if rng.random() < 0.4:
        d("Geb. ", P("dob", date_de(pat.dob, rng)), "\n")
    return d


def discharge_en_a(rng: random.Random) -> Doc:
    country = rng.choice(["GB", "US"])
    pat = make_person(rng, country)
    doctor = make_person(rng, country)
    gp = make_person(rng, country)
    hospital = rng.choice(HOSPITALS_A[country])
    d = Doc()
    d(P("company", hospital), "\nDepartment of Medicine\n\nDISCHARGE SUMMARY\n\n")
    d("Patient name: ", P("name", pat.full), "\nDate of birth: ", P("dob", date_en(pat.dob, rng)), "\n")
    if country == "GB":
        d("NHS number: ", P("healthcare_number", _nhs(rng)), "\n")
    d("Address: ", P("address", pat.street), ", ", P("address", f"{pat.town} {pat.postcode}"), "\n")
    d(
        f"Admitted: {(REFERENCE_DATE - dt.timedelta(days=9)):%d/%m/%Y}   Discharged: {(REFERENCE_DATE - dt.timedelta(days=2)):%d/%m/%Y}\n\n"
    )
    diags = rng.sample(DIAGNOSES_EN_A, 2)
    d(
        "Diagnoses:\n1. ",
        P("medical", diags[0][0]),
        " (",
        P("medical", diags[0][1]),
        ")\n2. ",
        P("medical", diags[1][0]),
        "\n\n",
    )
    d(
        "History: ",
        "Mrs " if pat.female else "Mr ",
        P("name", pat.last),
        " is a ",
        P("age", f"{pat.age}-year-old"),
        " ",
        P("occupation", rng.choice(OCCUPATIONS_EN)),
        " who presented with shortness of breath and fever. ",
    )
    d(
        "Chest X-ray showed consolidation in the right lower lobe. He was treated with intravenous antibiotics and improved.\n\n"
        if not pat.female
        else "Chest X-ray showed consolidation in the right lower lobe. She was treated with intravenous antibiotics and improved.\n\n"
    )
    d("Medication on discharge:\n", "\n".join(rng.sample(MEDICATION_EN, 3)), "\n\n")
    d(
        "Follow-up with GP Dr ",
        P("name", gp.full),
        " in two weeks. Contact: ",
        P("phone", pat.phone),
        ", ",
        P("email", pat.email),
        "\n\n",
    )
    d("Kind regards,\n\nDr ", P("name", doctor.full), "\nConsultant Physician\n")
    return d


def _nhs(rng: random.Random) -> str:
    from stdnum.gb import nhs

    while True:
        body = "".join(str(rng.randint(0, 9)) for _ in range(9))
        for check in range(10):
            number = body + str(check)
            if nhs.is_valid(number):
                return f"{number[:3]} {number[3:6]} {number[6:]}"


def email_en_a(rng: random.Random) -> Doc:
    country = rng.choice(["GB", "US"])
    sender = make_person(rng, country)
    colleague = make_person(rng, country)
    d = Doc()
    d(
        "From: ",
        P("name", sender.full),
        " <",
        P("email", sender.email),
        ">\nTo: ",
        P("email", f"{ascii_slug(colleague.first)}.{ascii_slug(colleague.last)}@nhs.net"),
        "\nSubject: Account access\n\n",
    )
    d(
        "Hi ",
        P("name", colleague.first),
        ",\n\nI could not log in to the portal this morning. My username is ",
        P("username", ascii_slug(sender.first[0] + sender.last)),
        " and the login attempt came from ",
        P("ip_address", f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
        ".\n",
    )
    d(
        "You can find my profile at ",
        P(
            "linkedin",
            f"https://www.linkedin.com/in/{ascii_slug(sender.first)}-{ascii_slug(sender.last)}-{rng.randint(100, 9999)}",
        ),
        ".\n",
    )
    d(
        "Please call me on ",
        P("phone", sender.phone),
        " if anything is unclear.\n\nBest regards,\n",
        P("name", sender.full),
        "\n",
    )
    return d


# --- family B: heldout ---------------------------------------------------------------------------


def held_person(rng: random.Random, country: str) -> Person:
    """Half of the patients of families B and C have names from locales no detector list holds."""
    locale = rng.choice(UNLISTED_LOCALES) if rng.random() < 0.5 else None
    return make_person(rng, country, locale)


def discharge_b(rng: random.Random, country: str) -> Doc:
    pat = held_person(rng, country)
    doctor = make_person(rng, country)
    resident = make_person(rng, country)
    hospital = rng.choice(HOSPITALS_B[country])
    diagnoses = rng.sample(DIAGNOSES_DE_B, rng.randint(2, 4))
    d = Doc()
    d(P("company", hospital), "  |  ", rng.choice(DEPARTMENTS), "\n")
    d("KURZARZTBRIEF\n\n")
    d("Patient/in: ", P("name", f"{pat.last.upper()} {pat.first}"), ", *", P("dob", f"{pat.dob:%d.%m.%Y}"), ", ")
    d(P("age", age_expr(rng, pat, "B")), ", ", P("gender", gender_word(pat, rng)), "\n")
    d(
        "SV-Nr.: ",
        P("healthcare_number", health_number(rng, pat)),
        "   Fallzahl: ",
        P("healthcare_number", patient_id(rng)),
        "\n",
    )
    d(
        "Wohnadresse: ",
        P("address", pat.street),
        "\n             ",
        P("address", f"{'A-' if country == 'AT' else ''}{pat.town_line}"),
        "\n",
    )
    d("Kontakt: ", P("phone", pat.phone), "\n")
    if rng.random() < 0.5:
        d(
            "Nationalität: ",
            P("nationality", rng.choice(NATIONALITY_ADJ)[:-1]),
            "  Konfession: ",
            P("religion", rng.choice(RELIGIONS_DE)),
            "\n",
        )
    d("\nEntlassungsdiagnosen:\n")
    for text, code in diagnoses:
        d(P("medical", code), "  ", P("medical", text), "\n")
    d("\nKurzer Verlauf:\n")
    d(f"Aufnahme am {(REFERENCE_DATE - dt.timedelta(days=12)):%d.%m.%Y} über die Zentrale Notaufnahme. ")
    d("Die Patientin" if pat.female else "Der Patient", " (", P("occupation", rng.choice(OCCUPATIONS_B)), ") ")
    d("wurde antibiotisch und symptomatisch behandelt. Im Verlauf rasche Besserung, fieberfrei seit 48 Stunden.\n")
    d(
        "Angehörige: ",
        "Tochter " if rng.random() < 0.5 else "Sohn ",
        P("name", make_person(rng, country).first + " " + pat.last),
        ", erreichbar unter ",
        P("phone", phone(rng, country)),
        ".\n\n",
    )
    d("Weitere Betreuung durch den Hausarzt. Wiederbestellung an unsere Ambulanz in 6 Wochen.\n\n")
    d("Für die Abteilung:\n")
    d("Dr. ", P("name", resident.full), " (Assistenzärztin)\n" if resident.female else " (Assistenzarzt)\n")
    d("Prim. Univ.-Prof. Dr. ", P("name", doctor.full), "\n")
    return d


def referral_b(rng: random.Random, country: str) -> Doc:
    pat = held_person(rng, country)
    gp = make_person(rng, country)
    d = Doc()
    d("ÜBERWEISUNG / ZUWEISUNG\n\n")
    d("Name:            ", P("name", f"{pat.last} {pat.first}"), "\n")
    d("Geburtsdatum:    ", P("dob", f"{pat.dob:%d.%m.%Y}"), "\n")
    d("Anschrift:       ", P("address", f"{pat.street}, {pat.town_line}"), "\n")
    d("Versicherung:    ", P("insurance", rng.choice(INSURERS[country])), "\n")
    d("Vers.-Nr.:       ", P("healthcare_number", health_number(rng, pat)), "\n")
    if rng.random() < 0.4:
        d(
            "Zusatzversicherung: ",
            P("insurance", rng.choice(PRIVATE_INSURERS_AT)),
            ", Polizzennummer ",
            P("insurance", f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"),
            "\n",
        )
    d("Tel.:            ", P("phone", pat.phone), "\n\n")
    diag = rng.sample(DIAGNOSES_DE_B, 2)
    d("Diagnose:        ", P("medical", diag[0][0]), ", ", P("medical", diag[1][0]), "\n")
    d("Zuweisung an:    ", rng.choice(["Ambulanz für Rheumatologie", "Neurologische Ambulanz", "Radiologie"]), "\n")
    d(
        "Fragestellung:   Abklärung, ggf. Therapieanpassung. ",
        P("name", pat.last),
        " ist ",
        P("gender", gender_word(pat, rng)),
        ", ",
        P("age", f"{pat.age} Jahre alt"),
        ", ",
        rng.choice(["Jahrgang ", "Jg. "]),
        P("birth_year", str(pat.dob.year)),
        ".\n\n",
    )
    d(f"{rng.choice(['Wien', 'Innsbruck', 'Klagenfurt', 'Linz'])}, {REFERENCE_DATE:%d.%m.%Y}\n")
    d("gez. Dr. ", P("name", gp.full), "\n", "Kassenordination ", P("address", f"{gp.street}, {gp.town_line}"), "\n")
    return d


def lab_b(rng: random.Random, country: str) -> Doc:
    pat = held_person(rng, country)
    lab = company_name(rng, country)
    d = Doc()
    d("Befundbericht Labor – ", P("company", lab), "\n")
    d(
        "Pat.: ",
        P("name", pat.full),
        " (",
        P("gender", "weiblich" if pat.female else "männlich"),
        "), Geb.-Dat. ",
        P("dob", f"{pat.dob:%d.%m.%Y}"),
        "\n",
    )
    d("Auftragsnummer: ", f"{rng.randint(10**6, 10**7 - 1)}", "   Eingang: ", f"{REFERENCE_DATE:%d.%m.%Y}", "\n\n")
    d("\n".join(lab_lines(rng, rng.randint(5, 9))), "\n\n")
    d(
        "Kommentar: Werte vereinbar mit ",
        P("medical", rng.choice(DIAGNOSES_DE_B)[0]),
        ". Kontrolle in 3 Monaten empfohlen.\n",
    )
    d(
        "Rückfragen: ",
        P("phone", phone(rng, country, 1)),
        " oder ",
        P("email", f"labor@{ascii_slug(lab.split()[0])}.at"),
        "\n",
    )
    return d


def invoice_b(rng: random.Random, country: str) -> Doc:
    customer = held_person(rng, country)
    seller = company_name(rng, country)
    contact = make_person(rng, country)
    d = Doc()
    d(
        P("company", seller),
        "\n",
        P("address", f"{make_person(rng, country).street}"),
        "\n",
        P("address", f"{make_person(rng, country).town_line}"),
        "\n",
    )
    if country == "AT":
        d("Firmenbuch: ", P("company_register", f"FN {rng.randint(10000, 599999)}{rng.choice('abcdfghikmpstvwxyz')}"))
    else:
        d("Handelsregister: Amtsgericht München ", P("company_register", f"HRB {rng.randint(1000, 99999)}"))
    d("  UID: ", P("vat_number", atu(rng) if country == "AT" else de_vat_id(rng)), "\n")
    d("Web: ", P("url", f"https://www.{ascii_slug(seller.split()[0])}.{'at' if country == 'AT' else 'de'}"), "\n\n")
    d("RECHNUNG ", f"R-{rng.randint(10000, 99999)}", "\n\n")
    d(
        "Rechnungsempfänger:\n",
        P("name", customer.full),
        "\n",
        P("address", customer.street),
        "\n",
        P("address", customer.town_line),
        "\n\n",
    )
    d(
        "Ihr Ansprechpartner: ",
        P("name", contact.full),
        ", ",
        P("email", f"{ascii_slug(contact.first[0] + '.' + contact.last)}@{ascii_slug(seller.split()[0])}.at"),
        "\n\n",
    )
    d("Pos. Bezeichnung                    Menge   Preis\n")
    for i, (item, price) in enumerate(
        rng.sample(
            [
                ("Rollator faltbar", 189.0),
                ("Blutdruckmessgerät", 59.9),
                ("Kompressionsstrümpfe", 42.5),
                ("Pflegebett Miete (Monat)", 95.0),
                ("Inkontinenzmaterial", 38.2),
            ],
            3,
        ),
        1,
    ):
        d(f"{i}    {item:<30} 1   EUR {price:.2f}\n".replace(".", ","))
    d(
        "\nZahlbar per Überweisung an ",
        P("iban", iban_for(rng, country)),
        " oder mit Karte ",
        P("credit_card", card_number(rng)) if rng.random() < 0.5 else "(nur bar)",
        ".\n",
    )
    if rng.random() < 0.5:
        d("Lieferung an KFZ ", P("vehicle", plate(rng, country)), " am Parkplatz.\n")
    return d


def email_b(rng: random.Random, country: str) -> Doc:
    relative = held_person(rng, country)
    father = make_person(rng, country, None)
    father.dob = dt.date(rng.randint(1935, 1960), rng.randint(1, 12), rng.randint(1, 28))
    father.last = relative.last
    doctor = make_person(rng, country)
    d = Doc()
    d("Sehr geehrter Herr Dr. ", P("name", doctor.last), ",\n\n")
    d(
        "ich schreibe Ihnen wegen meines Vaters ",
        P("name", f"{father.first} {father.last}"),
        " (",
        P("age", f"{father.age} J."),
        "), der seit ",
    )
    d(
        "Montag wieder Beschwerden hat. Er ist ",
        P("nationality", rng.choice([n for n in NATIONALITY_NOUN if not n.endswith("in")])),
        " und spricht nur wenig Deutsch.\n",
    )
    d("Sie erreichen mich unter ", P("phone", relative.phone), " oder per Mail an ", P("email", relative.email), ".\n")
    if rng.random() < 0.5:
        d(
            "Sein Login für das Patientenportal (Benutzername: ",
            P("username", ascii_slug(father.first[0] + father.last) + str(rng.randint(1, 99))),
            ") funktioniert nicht.\n",
        )
    if rng.random() < 0.4:
        d(
            "Zur Info mein Profil: ",
            P("linkedin", f"linkedin.com/in/{ascii_slug(relative.first)}{ascii_slug(relative.last)}"),
            "\n",
        )
    d("\nVielen Dank und liebe Grüße\n", P("name", relative.full), "\n")
    return d


def referral_en_b(rng: random.Random) -> Doc:
    country = rng.choice(["GB", "US"])
    pat = held_person(rng, country)
    gp = make_person(rng, country)
    d = Doc()
    d("Dear Colleague,\n\nRe: ", P("name", pat.full), ", DOB ", P("dob", date_en(pat.dob, rng)), "\n")
    d(P("address", pat.street), ", ", P("address", f"{pat.town} {pat.postcode}"), "\n\n")
    diag = rng.sample(DIAGNOSES_EN_B, 2)
    d(
        "Thank you for seeing this ",
        P("age", f"{pat.age}-year-old"),
        " ",
        "woman" if pat.female else "man",
        " with ",
        P("medical", diag[0][0]),
        " and a history of ",
        P("medical", diag[1][0]),
        ". ",
    )
    d(
        "She" if pat.female else "He",
        " works as a ",
        P("occupation", rng.choice(OCCUPATIONS_EN)),
        " and lives with family.\n",
    )
    d("Current medication: ", "; ".join(rng.sample(MEDICATION_EN, 2)), ".\n")
    d(
        "Insurance: ",
        P("insurance", rng.choice(INSURERS[country])),
        ", member ID ",
        P("insurance", f"{rng.choice('ABCW')}{rng.randint(10**8, 10**9 - 1)}"),
        "\n\n",
    )
    d("Yours sincerely,\n\nDr ", P("name", gp.full), "\n", "Tel ", P("phone", gp.phone), "\n")
    return d


# --- family C: fresh (written after the detector was tuned; scored once, see docs/anonymization.md) ------


def care_transfer_c(rng: random.Random, country: str) -> Doc:
    """Pflegeüberleitungsbogen: a form, one field per line."""
    pat = held_person(rng, country)
    relative = make_person(rng, country)
    gp = make_person(rng, country)
    d = Doc()
    d(
        "PFLEGEÜBERLEITUNGSBOGEN\n",
        P("company", rng.choice(HOSPITALS_B[country] + HOSPITALS_A[country])),
        ", Station 4B\n\n",
    )
    d("Familienname: ", P("name", pat.last), "\nVorname: ", P("name", pat.first), "\n")
    d("Geb.-Datum: ", P("dob", f"{pat.dob:%d.%m.%y}"), "\n")
    d("Straße: ", P("address", pat.street), "\n")
    d("Wohnort: ", P("address", pat.town_line), "\n")
    d("Krankenkasse: ", P("insurance", rng.choice(INSURERS[country])), "\n")
    d(
        "Staatsangehörigkeit: ",
        P("nationality", rng.choice(["österreichisch", "deutsch", "kroatisch", "türkisch", "serbisch"])),
        "\n",
    )
    d("Religionsbekenntnis: ", P("religion", rng.choice(RELIGIONS_DE)), "\n")
    d("Früherer Beruf: ", P("occupation", rng.choice(OCCUPATIONS_A + OCCUPATIONS_B)), "\n")
    d(
        "Kontaktperson: ",
        rng.choice(["Tochter", "Sohn", "Ehefrau", "Nichte"]),
        " ",
        P("name", relative.full),
        ", Tel. ",
        P("phone", relative.phone),
        "\n",
    )
    d("Hausarzt: Dr. ", P("name", gp.last), ", ", P("address", gp.town_line), "\n\n")
    d(
        "Pflegerelevante Diagnosen: ",
        P("medical", rng.choice(DIAGNOSES_DE_B)[0]),
        "; ",
        P("medical", rng.choice(DIAGNOSES_DE_A)[0]),
        "\n",
    )
    d("Mobilität: mit Rollator, Sturzgefahr. Ernährung: Diabetikerkost. Ausscheidung: kontinent.\n")
    d(
        "Allergien: Penicillin\n\nErstellt: DGKP ",
        P("name", make_person(rng, country).full),
        f", {REFERENCE_DATE:%d.%m.%Y}\n",
    )
    return d


def radiology_c(rng: random.Random, country: str) -> Doc:
    pat = held_person(rng, country)
    referrer = make_person(rng, country)
    radiologist = make_person(rng, country)
    d = Doc()
    d("Institut für bildgebende Diagnostik\n", P("company", company_name(rng, country)), "\n\n")
    d("Patient: ", P("name", f"{pat.last}, {pat.first}"), " (geb. ", P("dob", f"{pat.dob:%d.%m.%Y}"), ")\n")
    d("Zuweiser: Dr. ", P("name", referrer.full), "\n")
    d(f"Untersuchung: MRT der Lendenwirbelsäule vom {(REFERENCE_DATE - dt.timedelta(days=3)):%d.%m.%Y}\n\n")
    d("Klinische Angabe: Schmerzen seit 6 Wochen, bekannte ", P("medical", rng.choice(DIAGNOSES_DE_B)[0]), ".\n\n")
    d("Befund: Bandscheibenprotrusion L4/L5 ohne Nervenwurzelkompression. Keine Fraktur. Regelrechte Signalgebung.\n\n")
    d("Beurteilung: ", P("medical", "Bandscheibenvorfall"), " L5/S1 links.\n\n")
    d(
        "Dr. ",
        P("name", radiologist.full),
        ", ",
        rng.choice(["Fachärztin für Radiologie", "Facharzt für Radiologie"]),
        "\n",
    )
    d("Ordinationszeiten und Befundabfrage: ", P("url", f"www.{ascii_slug(radiologist.last)}-radiologie.at"), "\n")
    return d


def sick_note_c(rng: random.Random, country: str) -> Doc:
    employee = held_person(rng, country)
    employer = company_name(rng, country)
    doctor = make_person(rng, country)
    d = Doc()
    d("ARBEITSUNFÄHIGKEITSMELDUNG\n\nArbeitgeber: ", P("company", employer), "\n")
    d(
        "Dienstnehmer/in: ",
        P("name", employee.full),
        ", ",
        P("gender", gender_word(employee, rng)),
        ", ",
        P("age", f"{employee.age} Jahre alt"),
        "\n",
    )
    d("Versicherungsnummer: ", P("healthcare_number", health_number(rng, employee)), "\n")
    d(
        f"arbeitsunfähig von {(REFERENCE_DATE - dt.timedelta(days=2)):%d.%m.%Y} bis voraussichtlich {(REFERENCE_DATE + dt.timedelta(days=5)):%d.%m.%Y}\n"
    )
    d("Ursache: Krankheit (kein Arbeitsunfall)\n\n")
    d("Ausgestellt von Dr. ", P("name", doctor.full), ", ", P("address", f"{doctor.street}, {doctor.town_line}"), "\n")
    return d


def appointment_c(rng: random.Random, country: str) -> Doc:
    pat = held_person(rng, country)
    doctor = make_person(rng, country)
    d = Doc()
    d(rng.choice(["Hallo ", "Guten Tag "]), "Frau " if pat.female else "Herr ", P("name", pat.last), ",\n\n")
    d(
        f"Ihr Termin zur Kontrolle ist am {(REFERENCE_DATE + dt.timedelta(days=9)):%d.%m.%Y} um 09:30 Uhr in unserer Praxis.\n"
    )
    d("Bitte bringen Sie Ihre e-card und den Befund vom Labor mit.\n")
    d(
        "Absagen bitte bis 24 Stunden vorher unter ",
        P("phone", phone(rng, country, rng.choice([1, 2]))),
        " oder online: ",
        P("url", f"https://termine.{ascii_slug(doctor.last)}.at"),
        "\n\n",
    )
    d(
        "Ihr Praxisteam\nDr. ",
        P("name", doctor.full),
        "\n",
        P("address", doctor.street),
        ", ",
        P("address", doctor.town_line),
        "\n",
    )
    return d


def insurer_letter_c(rng: random.Random, country: str) -> Doc:
    client = held_person(rng, country)
    clerk = make_person(rng, country)
    insurer = rng.choice(
        [
            "UNIQA Österreich Versicherungen AG",
            "Wiener Städtische Versicherung AG",
            "Merkur Versicherung AG",
            "Generali Versicherung AG",
        ]
    )
    d = Doc()
    d(
        # an insurance company is an insurer (the blind guide's "insurance" type)
        P("insurance", insurer),
        "\n",
        P("address", f"{make_person(rng, 'AT').street}, {make_person(rng, 'AT').town_line}"),
        "\n",
    )
    d(
        "Firmenbuchnummer ",
        P("company_register", f"FN {rng.randint(10000, 599999)}{rng.choice('abdfgmpsvx')}"),
        ", UID ",
        P("vat_number", atu(rng)),
        "\n\n",
    )
    d(
        title_for(client),
        "\n",
        P("name", client.full),
        "\n",
        P("address", client.street),
        "\n",
        P("address", client.town_line),
        "\n\n",
    )
    d(
        "Ihre Polizze Nr. ",
        P("insurance", f"{rng.randint(100, 999)}-{rng.randint(100000, 999999)}-{rng.randint(1, 9)}"),
        " – Leistungsantrag\n\n",
    )
    d(
        "Sehr geehrte" + ("" if client.female else "r"),
        " ",
        "Frau " if client.female else "Herr ",
        P("name", client.last),
        ",\n\n",
    )
    d(
        "wir haben Ihre Rechnung über den Spitalsaufenthalt wegen ",
        P("medical", rng.choice(DIAGNOSES_DE_A)[0]),
        " erhalten. ",
    )
    d("Der Erstattungsbetrag von EUR 1.240,00 wird auf Ihr Konto ", P("iban", iban_for(rng, "AT")), " überwiesen.\n")
    d("Für die Steuererklärung: Ihre Steuernummer ", P("tax_id", at_steuernummer(rng)), " ist bei uns vermerkt.\n\n")
    d("Freundliche Grüße\n", P("name", clerk.full), "\nLeistungsabteilung\n")
    return d


def clinic_letter_en_c(rng: random.Random) -> Doc:
    pat = held_person(rng, "GB")
    gp = make_person(rng, "GB")
    consultant = make_person(rng, "GB")
    d = Doc()
    d("Dear Dr ", P("name", gp.last), ",\n\n")
    d(
        "Re: ",
        "Mrs " if pat.female else "Mr ",
        P("name", f"{pat.first} {pat.last.upper()}"),
        "  DOB ",
        P("dob", f"{pat.dob:%d/%m/%Y}"),
        "  NHS No ",
        P("healthcare_number", _nhs(rng)),
        "\n",
    )
    d(P("address", pat.street), ", ", P("address", f"{pat.town} {pat.postcode}"), "\n\n")
    diag = rng.sample(DIAGNOSES_EN_B, 2)
    d("Diagnosis: ", P("medical", diag[0][0]), "\n\n")
    d(
        "I reviewed this ",
        P("age", f"{pat.age}-year-old"),
        " ",
        P("nationality", rng.choice(["Polish", "Romanian", "Turkish", "Irish"])),
        " national in clinic today. ",
    )
    d("She" if pat.female else "He", " also has ", P("medical", diag[1][0]), ". Observations were stable. ")
    d("I have arranged a follow-up appointment in three months.\n\n")
    d(
        "Yours sincerely,\n\n",
        P("name", consultant.full),
        "\nConsultant Rheumatologist\n",
        P("email", f"{ascii_slug(consultant.first)}.{ascii_slug(consultant.last)}@nhs.net"),
        "\n",
    )
    return d


def it_ticket_en_c(rng: random.Random) -> Doc:
    user = held_person(rng, "US")
    d = Doc()
    d("Ticket #", str(rng.randint(10000, 99999)), " - password reset\n\n")
    d("Requester: ", P("name", user.full), " (", P("email", user.email), ")\n")
    d("Account: ", P("username", ascii_slug(user.first + "." + user.last)), "\n")
    d(
        "Last successful login from ",
        P("ip_address", f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"),
        " on 03/11/2025.\n",
    )
    d("Callback number: ", P("phone", user.phone), "\n")
    d(
        "Notes: user works remotely; profile ",
        P("linkedin", f"https://linkedin.com/in/{ascii_slug(user.first)}-{ascii_slug(user.last)}"),
        "\n",
    )
    return d


FRESH_TEMPLATES: list[tuple[str, str, Callable[[random.Random], Doc]]] = [
    ("care_transfer", "de", lambda r: care_transfer_c(r, r.choice(["AT", "AT", "DE", "CH"]))),
    ("radiology", "de", lambda r: radiology_c(r, r.choice(["AT", "DE"]))),
    ("sick_note", "de", lambda r: sick_note_c(r, r.choice(["AT", "AT", "DE"]))),
    ("appointment", "de", lambda r: appointment_c(r, r.choice(["AT", "DE", "CH"]))),
    ("insurer_letter", "de", lambda r: insurer_letter_c(r, "AT")),
    ("clinic_letter", "en", clinic_letter_en_c),
    ("it_ticket", "en", it_ticket_en_c),
]


DEV_TEMPLATES: list[tuple[str, str, Callable[[random.Random], Doc]]] = [
    ("discharge", "de", lambda r: discharge_a(r, r.choice(["AT", "AT", "AT", "DE", "CH"]))),
    ("referral", "de", lambda r: referral_a(r, r.choice(["AT", "AT", "DE", "CH"]))),
    ("lab", "de", lambda r: lab_a(r, r.choice(["AT", "AT", "DE"]))),
    ("invoice", "de", lambda r: invoice_a(r, r.choice(["AT", "AT", "DE"]))),
    ("email", "de", lambda r: email_a(r, r.choice(["AT", "DE", "CH"]))),
    ("discharge", "en", discharge_en_a),
    ("email", "en", email_en_a),
]
HELDOUT_TEMPLATES: list[tuple[str, str, Callable[[random.Random], Doc]]] = [
    ("discharge", "de", lambda r: discharge_b(r, r.choice(["AT", "AT", "DE"]))),
    ("referral", "de", lambda r: referral_b(r, r.choice(["AT", "AT", "DE", "CH"]))),
    ("lab", "de", lambda r: lab_b(r, r.choice(["AT", "DE"]))),
    ("invoice", "de", lambda r: invoice_b(r, r.choice(["AT", "AT", "DE"]))),
    ("email", "de", lambda r: email_b(r, r.choice(["AT", "AT", "DE"]))),
    ("referral", "en", referral_en_b),
]


def generate(split: str, count: int, seed: int, templates: list) -> list[dict]:
    docs = []
    for i in range(count):
        rng = random.Random(seed + i)
        Faker.seed(seed + i)
        kind, lang, make = templates[i % len(templates)]
        doc = make(rng)
        text = doc.text
        for span in doc.spans:
            assert text[span["start"] : span["end"]] == span["value"], span
        docs.append(
            {"id": f"{split}-{i:03d}", "split": split, "kind": kind, "lang": lang, "text": text, "spans": doc.spans}
        )
    return docs


def main() -> None:
    docs = (
        generate("dev", DEV_DOCS, 1000, DEV_TEMPLATES)
        + generate("heldout", HELDOUT_DOCS, 9000, HELDOUT_TEMPLATES)
        + generate("fresh", FRESH_DOCS, 20000, FRESH_TEMPLATES)
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    spans = sum(len(d["spans"]) for d in docs)
    print(f"wrote {len(docs)} documents, {spans} labelled spans -> {OUT}")


if __name__ == "__main__":
    main()
