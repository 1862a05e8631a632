"""JSON, YAML and XML records (a FHIR resource, a CDA letter, an app's export): a field's key
says what its value is.

`"family": "Pospischil"`, `"birthDate": "1967-03-14"`, `<family>Kovačević</family>` or, as the
JSON extractor renders an uploaded file, `family: Pospischil` under `name:` carry no label a
letter would have: the key (an element's tag) is the label. Keys are compared without case, "_" or "-" (`birth_date`, `birthDate`), and some are
read with their place in the record:
- a FHIR `value` is a phone number beside `"system": "phone"` and an identifier under
  `identifier`; a `display` or `text` is a person under `generalPractitioner`, `participant` ...,
  an organisation under `managingOrganization`, `serviceProvider` ...;
- `name` is a person's in a record that also has a birth date, gender or contact points (or
  under `patient`, `contact` ...), and an organisation's under `organization` and the like;
- `id` and a `reference`'s id are identifiers in a FHIR resource (`"resourceType"` beside them).
- in XML (HL7 CDA), an `<id extension="...">` is an identifier, `<telecom value="tel:...">` a
  phone number, `<birthTime value="...">` a birth date, and the `displayName` of an
  administrative gender or religious affiliation code says those.
Raw JSON is read from a line that starts with "{" or "[" to where its brackets close; the YAML
form from lines of `key: value`, `key:` and `- value`; XML from its tags, where the text has
closing tags.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


# A key (lower case, no "_" or "-") that names its value, wherever it stands.
KEY_TYPES: dict[str, str] = {
    **dict.fromkeys(
        _keys(
            "family",
            "given",
            "familyname",
            "givenname",
            "lastname",
            "firstname",
            "surname",
            "forename",
            "middlename",
            "fullname",
            "patientname",
            "maidenname",
            "birthname",
            "nachname",
            "vorname",
            "geburtsname",
            "displayname",
            "contactname",
            "doctorname",
            "physicianname",
        ),
        "NAME",
    ),
    **dict.fromkeys(_keys("birthdate", "dateofbirth", "dob", "geburtsdatum", "gebdatum", "birthday", "bday"), "DOB"),
    **dict.fromkeys(_keys("gender", "sex", "geschlecht"), "GENDER"),
    **dict.fromkeys(
        _keys(
            "city",
            "town",
            "postalcode",
            "postcode",
            "zip",
            "zipcode",
            "plz",
            "ort",
            "wohnort",
            "street",
            "address",
            "addr",
            "streetaddressline",
            "streetname",
            "postaladdress",
            "homeaddress",
            "streetaddress",
            "strasse",
            "straße",
            "housenumber",
            "hausnummer",
            "addressline",
            "addressline1",
            "addressline2",
            "adresse",
            "district",
            "municipality",
            "gemeinde",
        ),
        "ADDRESS",
    ),
    **dict.fromkeys(
        _keys("phone", "telephone", "tel", "mobile", "fax", "phonenumber", "telefon", "handy", "mobil", "telefax"),
        "PHONE",
    ),
    **dict.fromkeys(
        _keys(
            "mrn",
            "patientid",
            "caseid",
            "casenumber",
            "fallnummer",
            "fallnr",
            "fallzahl",
            "svnr",
            "ssn",
            "socialsecuritynumber",
            "insurancenumber",
            "versichertennummer",
            "ahv",
            "ahvnr",
            "kvnr",
            "accessionnumber",
            "encounterid",
            "admissionid",
            "patientnumber",
            "patnr",
            "medicalrecordnumber",
        ),
        "HEALTHCARE_NUMBER",
    ),
    **dict.fromkeys(_keys("occupation", "beruf", "profession", "jobtitle"), "OCCUPATION"),
    **dict.fromkeys(_keys("religion", "konfession", "religionsbekenntnis"), "RELIGION"),
    **dict.fromkeys(_keys("nationality", "citizenship", "staatsangehörigkeit", "staatsbürgerschaft"), "NATIONALITY"),
    **dict.fromkeys(_keys("employer", "arbeitgeber", "hospital", "clinic", "practice", "institution"), "COMPANY"),
    **dict.fromkeys(_keys("insurer", "krankenkasse", "payer", "payor", "insurancecompany"), "INSURANCE"),
    **dict.fromkeys(_keys("age", "alter"), "AGE"),
    **dict.fromkeys(_keys("username", "login", "userid"), "USERNAME"),
}
# Keys whose value (a name, or a `display`/`text`) is a person's or an organisation's by where it stands.
PERSON_PLACES = _keys(
    "patient",
    "person",
    "contact",
    "contacts",
    "practitioner",
    "generalpractitioner",
    "performer",
    "requester",
    "author",
    "participant",
    "individual",
    "subject",
    "attender",
    "recorder",
    "asserter",
    "informant",
    "doctor",
    "physician",
    "arzt",
    "relatedperson",
    "guardian",
    "emergencycontact",
    "referrer",
    "sender",
    "recipient",
    "signer",
    "verifier",
    "enterer",
    "orderer",
    "attendingphysician",
    "referringphysician",
    "assignedperson",
    "associatedperson",
    "informationrecipient",
    "guardianperson",
    "patientrole",
)
ORGANISATION_PLACES = _keys(
    "organization",
    "organisation",
    "managingorganization",
    "serviceprovider",
    "custodian",
    "provider",
    "hospital",
    "clinic",
    "practice",
    "department",
    "ward",
    "facility",
    "location",
    "employer",
    "representedorganization",
    "receivedorganization",
    "scopingorganization",
    "providerorganization",
    "representedcustodianorganization",
    "servicedeliverylocation",
    "healthcarefacility",
)
INSURER_PLACES = _keys("insurer", "payor", "payer", "coverage", "insurance")
# Keys beside `name` that make a record a person's.
PERSON_KEYS = _keys("birthdate", "dateofbirth", "dob", "gender", "sex", "telecom", "given", "family")
OWNER_PLACES = PERSON_PLACES | ORGANISATION_PLACES | INSURER_PLACES
# Keys that wrap a person or organisation without saying which (FHIR's participant.individual).
WRAPPERS = _keys("individual", "actor", "party", "who")
PHONE_SYSTEMS = frozenset({"phone", "fax", "sms", "pager"})
ENTITIES = tuple(dict.fromkeys(KEY_TYPES.values()))


@dataclass
class _Record:
    """One JSON object or YAML mapping: its place (the keys above it) and its scalar fields."""

    path: tuple[str, ...]
    fields: list[tuple[str, int, int]] = field(default_factory=list)  # normalized key, value span

    def value_of(self, key: str, text: str) -> str | None:
        for name, start, end in self.fields:
            if name == key:
                return text[start:end]
        return None


class RecordFieldRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ENTITIES

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        records: list[_Record] = []
        if '":' in text or '" :' in text:
            records += _json_records(text)
        if YAML_LINE.search(text):
            records += _yaml_records(text)
        if "</" in text:
            records += _xml_records(text)
        for record in records:
            yield from _classified(record, text)


def normalized(key: str) -> str:
    return re.sub(r"[\s_\-.]", "", key).lower()


def _classified(record: _Record, text: str) -> Iterator[TypedSpan]:
    places = [normalized(key) for key in record.path]
    inner = places[-1] if places else ""
    keys = {name for name, _, _ in record.fields}
    fhir = "resourcetype" in keys
    system = (record.value_of("system", text) or "").strip().lower()
    for key, start, end in record.fields:
        value = text[start:end]
        if not value.strip() or not any(c.isalnum() for c in value) or value.strip() in ("true", "false", "null"):
            continue
        entity = KEY_TYPES.get(key)
        if entity is None:
            entity = _by_place(key, value, places, inner, keys, fhir, system)
        if entity == "HEALTHCARE_NUMBER" and key == "reference":
            # "Patient/pat-2210478" and "Patient/pat-2210478/_history/3": the id after the type
            identifier = value.split("/")[1]
            start += value.index("/") + 1
            end = start + len(identifier)
        if entity is not None and start < end:
            yield TypedSpan(entity, start, end, 0.85)


def _by_place(
    key: str, value: str, places: list[str], inner: str, keys: set[str], fhir: bool, system: str
) -> str | None:
    if key == "value":
        if system in PHONE_SYSTEMS:
            return "PHONE"
        if "identifier" in places:
            return "HEALTHCARE_NUMBER"
        return None
    if key in ("display", "text", "name"):
        owner = inner
        if inner in WRAPPERS:  # FHIR's participant.individual: the role above it says whose
            owner = next((p for p in reversed(places[:-1]) if p in OWNER_PLACES), inner)
        if key == "text" and "address" in places:
            return "ADDRESS"
        if key == "text" and inner == "name" and not set(places) & ORGANISATION_PLACES:
            return "NAME"  # a FHIR HumanName written out: "name": [{"text": "Anna Huber"}]
        if owner in INSURER_PLACES:
            return "INSURANCE"
        if owner in ORGANISATION_PLACES:
            return "COMPANY"
        if owner in PERSON_PLACES or owner in WRAPPERS or (key == "name" and keys & PERSON_KEYS):
            return "NAME"
        return None
    if key == "line" and "address" in places:
        return "ADDRESS"
    if fhir and key == "id" and any(c.isdigit() for c in value):
        return "HEALTHCARE_NUMBER"
    if key == "reference" and re.match(r"(?:Patient|Person|RelatedPerson|Encounter|EpisodeOfCare)/\S", value):
        return "HEALTHCARE_NUMBER"
    return None


# Records nest a few levels (a FHIR bundle about ten); the paths kept are as deep as this, which
# also keeps the parsers linear on a hostile upload's thousands of open brackets or tags.
MAX_DEPTH = 32

# -- raw JSON ----------------------------------------------------------------------------------

JSON_START = re.compile(r"(?m)^[ \t]*[\[{]")
JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]|-?\d[\d.eE+-]*|true|false|null|\s+')


def _json_records(text: str) -> Iterator[_Record]:
    position = 0
    while (start := JSON_START.search(text, position)) is not None:
        position = yield from _json_document(text, start.end() - 1)
        position = max(position, start.end())


def _json_document(text: str, position: int) -> Generator[_Record, None, int]:
    """The records of one JSON value from `position`; returns where it ended (or stopped at
    text that is no JSON: what was read until then still counts)."""
    # each open container: (record or None for a list, its key)
    stack: list[tuple[_Record | None, str]] = []
    pending: str | None = None  # the key read last in the innermost object
    last_string: tuple[int, int] | None = None
    while position < len(text):
        m = JSON_TOKEN.match(text, position)
        if m is None:
            break
        token, position = m.group(), m.end()
        if token[0].isspace():
            continue
        if token in "{[":
            if len(stack) >= MAX_DEPTH:
                break  # no record nests this deep; a hostile upload's "[[[[..." stops here
            owner = pending if pending is not None else (stack[-1][1] if stack else "")
            path = tuple(key for _, key in stack[1:]) + ((owner,) if stack else ())
            stack.append((_Record(path) if token == "{" else None, owner))
            pending, last_string = None, None
        elif token in "}]":
            if not stack:
                break
            record, _ = stack.pop()
            if record is not None:
                yield record
            pending, last_string = None, None
            if not stack:
                return position
        elif token == ":":
            if last_string is not None:
                pending = normalized(text[last_string[0] : last_string[1]])
            last_string = None
        elif token == ",":
            last_string = None
        else:  # a string or other scalar
            if not stack:
                break
            quoted = token.startswith('"')
            start, end = (m.start() + 1, m.end() - 1) if quoted else (m.start(), m.end())
            record, owner = stack[-1]
            if record is not None and pending is not None:
                record.fields.append((pending, start, end))
                pending = None
            elif record is None:  # a list item: the list's key names it
                parent = next((r for r, _ in reversed(stack) if r is not None), None)
                if parent is not None:
                    parent.fields.append((owner, start, end))
            else:
                last_string = (start, end)
    for record, _ in reversed(stack):
        if record is not None:
            yield record
    return position


# -- YAML (and the JSON extractor's rendering) --------------------------------------------------

YAML_LINE = re.compile(r"(?m)^[ \t]*(?:- )?[A-Za-z_][\w.-]*:(?: |$)")
LINE = re.compile(
    # a value or item starts and ends with a non-blank: blanks after it are no part to try first
    r"^(?P<indent>[ \t]*)(?P<dash>-(?: +|$))?(?:(?P<key>[A-Za-z_][\w.\-]*+):(?: +(?P<value>\S(?:.*\S)?))?"
    r"|(?(dash)(?P<item>\S(?:.*\S)?)|(?!)))?[ \t]*$"
)


@dataclass
class _Frame:
    column: int
    record: _Record
    open_key: str = ""  # the last `key:` without a value: what a deeper line sits under


def _yaml_records(text: str) -> Iterator[_Record]:
    """The records of each nested block: a run of three or more lines of YAML's forms in which a
    `key:` opens a deeper line. A letter's "Geb.-Datum: 02.11.1958   Geschlecht: m" lines have
    no depth, and are left to the label rules that read them."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    block: list[int] = []
    for number, line in enumerate([*lines, ""]):
        if line.strip() and LINE.match(line) is not None and "\t" not in line:
            block.append(number)
            continue
        if len(block) >= 3 and _nested(lines, block):
            stack: list[_Frame] = [_Frame(-1, _Record(()))]
            for index in block:
                yield from _yaml_line(stack, lines[index], offsets[index])
            for frame in stack:
                yield frame.record
        block = []


def _nested(lines: list[str], block: list[int]) -> bool:
    for index, following in pairwise(block):
        line = lines[index]
        if line.rstrip().endswith(":") and _indent(lines[following]) > _indent(line):
            return True
    return False


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" -"))


def _yaml_line(stack: list[_Frame], line: str, offset: int) -> Iterator[_Record]:
    m = LINE.match(line)
    if m is None or not line.strip():
        return
    if m.group("dash"):  # a list item: the records of the items before it end here
        dash_column = len(m.group("indent"))
        while len(stack) > 1 and stack[-1].column > dash_column:
            yield stack.pop().record
    if m.group("item") is not None:  # "- value": an item of the list under the open key
        top = stack[-1]
        top.record.fields.append((top.open_key, offset + m.start("item"), offset + m.end("item")))
        return
    if m.group("key") is None:
        return  # "-" alone: the item's fields follow, deeper
    column = m.start("key")
    while len(stack) > 1 and stack[-1].column > column:
        yield stack.pop().record
    top = stack[-1]
    if top.column < column and len(stack) < MAX_DEPTH:  # a deeper mapping: under the open key above it
        path = (*top.record.path, top.open_key) if top.open_key else top.record.path
        top = _Frame(column, _Record(path))
        stack.append(top)
    key = normalized(m.group("key"))
    if m.group("value") and "  " not in m.group("value"):
        top.record.fields.append((key, offset + m.start("value"), offset + m.end("value")))
    else:
        top.open_key = key


# -- XML -------------------------------------------------------------------------------------

# Possessive names and attributes that start with a blank: no way to split a long run two ways.
XML_TAG = re.compile(r"<(?P<close>/?)(?P<tag>[A-Za-z_][\w.:-]*+)(?P<attributes>(?:\s[^<>]*?)?)(?P<empty>/?)>")
XML_ATTRIBUTE = re.compile(
    r"(?<![\w.:-])(?P<name>[A-Za-z_][\w.:-]*+)\s*=\s*(?:\"(?P<double>[^\"<]*)\"|'(?P<single>[^'<]*)')"
)
# (element, attribute) -> entity; the element without its namespace prefix, lower case.
XML_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("id", "extension"): "HEALTHCARE_NUMBER",
    ("birthtime", "value"): "DOB",
    ("administrativegendercode", "code"): "GENDER",
    ("administrativegendercode", "displayname"): "GENDER",
    ("religiousaffiliationcode", "displayname"): "RELIGION",
}
# A key of each entity, for fields an attribute gives (classified by KEY_TYPES like any other).
ENTITY_KEYS = {"HEALTHCARE_NUMBER": "mrn", "DOB": "birthdate", "GENDER": "gender", "RELIGION": "religion"}


def _xml_records(text: str) -> Iterator[_Record]:
    """Each element's text and telling attributes, as a one-field record under its ancestors."""
    stack: list[str] = []
    last_open_end = -1  # where the innermost open element's start tag ended
    for m in XML_TAG.finditer(text):
        tag = normalized(m.group("tag").rpartition(":")[2])
        if m.group("close"):
            if tag in stack:
                if stack[-1] == tag and last_open_end >= 0:
                    start, end = last_open_end, m.start()
                    inner = text[start:end]
                    if inner.strip() and "<" not in inner:
                        offset = len(inner) - len(inner.lstrip())
                        yield _Record(tuple(stack[:-1]), [(tag, start + offset, start + len(inner.rstrip()))])
                del stack[len(stack) - 1 - stack[::-1].index(tag) :]  # and what it left open
            last_open_end = -1
            continue
        yield from _xml_attributes(text, m, tag, stack)
        if not m.group("empty") and len(stack) < MAX_DEPTH:
            stack.append(tag)
            last_open_end = m.end()
        else:
            last_open_end = -1


def _xml_attributes(text: str, m: re.Match[str], tag: str, stack: list[str]) -> Iterator[_Record]:
    base = m.start("attributes")
    for a in XML_ATTRIBUTE.finditer(m.group("attributes")):
        name = a.group("name").lower()
        group = "double" if a.group("double") is not None else "single"
        start, end = base + a.start(group), base + a.end(group)
        value = text[start:end]
        if tag == "telecom" and name == "value" and value.lower().startswith(("tel:", "fax:")):
            yield _Record((*stack, tag), [("phone", start + 4, end)])
            continue
        entity = XML_ATTRIBUTES.get((tag, name))
        if entity is not None and (entity != "HEALTHCARE_NUMBER" or any(c.isdigit() for c in value)):
            yield _Record((*stack, tag), [(ENTITY_KEYS[entity], start, end)])
