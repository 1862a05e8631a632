"""Machine-written records, where a key, a tag or a property is the only label (issue 11): FHIR and
other JSON (raw, and as the JSON extractor renders an upload), YAML, HL7 CDA XML, DICOM header
dumps, iCalendar and vCard exports. Each positive names the type it must be found as; the
negatives are what such records hold beside the personal values (codes, dates of a study,
medication names) and letter forms that only look like `key: value` lines.

Runs the real Anonymizer (the `anonymizer` fixture in conftest.py); two tests call the records
recognizer alone, to show that it leaves letters to the label rules.
"""

from __future__ import annotations

import json

import pytest

from kai_local.documents.extract.plain import render_json
from kai_local.documents.pii.anonymizer import Anonymizer
from kai_local.documents.pii.recognizers.records import RecordFieldRule
from tests.test_pii_recall import found

FHIR_PATIENT = {
    "resourceType": "Patient",
    "id": "pat-5531904",
    "identifier": [{"system": "urn:oid:1.2.40.0.10.1.4.3.1", "value": "3318 220858"}],
    "name": [{"use": "official", "family": "Wohlgemuth", "given": ["Irmtraud", "Josefa"]}],
    "telecom": [{"system": "phone", "value": "+43 676 5512093", "use": "mobile"}],
    "gender": "female",
    "birthDate": "1958-08-22",
    "address": [{"line": ["Grazer Straße 17/3"], "city": "Bruck an der Mur", "postalCode": "8600"}],
    "contact": [{"name": {"family": "Wohlgemuth", "given": ["Reinhard"]}}],
    "generalPractitioner": [{"display": "Dr. Oswin Tratnik"}],
    "managingOrganization": {"display": "LKH Hochsteiermark"},
}
FHIR_VALUES = [
    ("healthcare_number", "pat-5531904"),
    ("healthcare_number", "3318 220858"),
    ("name", "Wohlgemuth"),
    ("name", "Irmtraud"),
    ("name", "Josefa"),
    ("name", "Reinhard"),
    ("phone", "+43 676 5512093"),
    ("gender", "female"),
    ("dob", "1958-08-22"),
    ("address", "Grazer Straße 17/3"),
    ("address", "Bruck an der Mur"),
    ("address", "8600"),
    ("name", "Oswin Tratnik"),
    ("company", "LKH Hochsteiermark"),
]
DICOM_DUMP = """# Dicom-Data-Set
(0008,0020) DA [20260305]                           #   8, 1 StudyDate
(0008,0050) SH [RAD26A0041173]                      #  14, 1 AccessionNumber
(0008,0080) LO [Landesklinikum Baden-Moedling]      #  30, 1 InstitutionName
(0008,0090) PN [Wallner^Petra^^Dr.med.univ.]        #  28, 1 ReferringPhysicianName
(0008,1030) LO [CT Thorax-Abdomen-Becken mit KM]    #  32, 1 StudyDescription
(0010,0010) PN [MUSTAFIC^AMELA]                     #  14, 1 PatientName
(0010,0020) LO [BM0027738812]                       #  12, 1 PatientID
(0010,0030) DA [19630417]                           #   8, 1 PatientBirthDate
(0010,0040) CS [F]                                  #   2, 1 PatientSex
(0010,1010) AS [062Y]                               #   4, 1 PatientAge
(0010,1030) DS [71]                                 #   2, 1 PatientWeight
(0010,1040) LO [Enzersdorfer Strasse 24/1/6, 2340 Moedling] #  42, 1 PatientAddress
(0010,2154) SH [0699 11884203]                      #  14, 1 PatientTelephoneNumbers
"""
PYDICOM_DUMP = """(0010, 0010) Patient's Name                      PN: 'KRAINER^JOHANN'
(0010, 0030) Patient's Birth Date                DA: '19470219'
(0018, 0050) Slice Thickness                     DS: '1.25'
"""
ICALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
DTSTART;TZID=Europe/Zurich:20260303T080000
SUMMARY:Physiotherapie Knie-TEP, Serie 2/9
LOCATION:Physiotherapie am Stadtpark\\, Bahnhofstrasse 22\\, 8610 Uster
ORGANIZER;CN=Nadine Baumgartner:mailto:n.baumgartner@physio-stadtpark.ch
ATTENDEE;CN="Ruth Zürcher";ROLE=REQ-PARTICIPANT:mailto:ruth.zuercher@bluewin.ch
STATUS:CONFIRMED
END:VEVENT
END:VCALENDAR
"""
VCARD = """BEGIN:VCARD
VERSION:3.0
N:Oberhollenzer;Walburga;;;
FN:Walburga Oberhollenzer
ORG:Hauskrankenpflege Tirol Mitte
TITLE:Diplomierte Pflegefachkraft
TEL;TYPE=cell:+43 664 2093318
ADR;TYPE=home:;;Dorfstraße 9;Fulpmes;;6166;Österreich
BDAY:1969-05-30
END:VCARD
"""
CDA_FRAGMENT = """<ClinicalDocument xmlns="urn:hl7-org:v3">
 <id root="1.2.40.0.34.99.4127.1.3" extension="EB-2026-0008812"/>
 <recordTarget><patientRole>
  <id root="1.2.40.0.10.1.4.3.1" extension="3318 220858"/>
  <addr><streetAddressLine>Rohrbacher Straße 15</streetAddressLine><postalCode>2630</postalCode><city>Ternitz</city></addr>
  <telecom value="tel:+43.664.5520718"/>
  <patient>
   <name><given>Dragan</given><family>Kovačević</family></name>
   <administrativeGenderCode code="M" displayName="Male" codeSystem="2.16.840.1.113883.5.1"/>
   <birthTime value="19580822"/>
  </patient>
 </patientRole></recordTarget>
 <author><assignedAuthor><representedOrganization><name>Klinikum Schwarzatal</name></representedOrganization>
 </assignedAuthor></author>
 <title>Entlassungsbrief Ärztlich</title>
</ClinicalDocument>
"""


def assert_found(hits: list[tuple[str, str]], expected: list[tuple[str, str]]) -> None:
    for kind, value in expected:
        assert any(k == kind and value in hit for k, hit in hits), (kind, value, hits)


def assert_readable(hits: list[tuple[str, str]], values: list[str]) -> None:
    for value in values:
        assert not any(value in hit for _, hit in hits), (value, hits)


@pytest.mark.parametrize("form", ["raw", "rendered"])
def test_a_fhir_resource_names_its_values_by_key(anonymizer: Anonymizer, form: str) -> None:
    """As pasted into a text (raw JSON) and as an uploaded .json reaches detection (rendered)."""
    text = json.dumps(FHIR_PATIENT, indent=2, ensure_ascii=False)
    if form == "rendered":
        text = render_json(FHIR_PATIENT)
    hits = found(anonymizer, text)
    assert_found(hits, FHIR_VALUES)
    assert_readable(hits, ["Patient", "official", "mobile", "urn:oid"])


def test_a_json_record_keeps_what_is_not_personal(anonymizer: Anonymizer) -> None:
    medication = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": {"text": "Metformin 1000 mg", "coding": [{"code": "A10BA02"}]},
        "dosage": [{"text": "1-0-1"}],
        "subject": {"reference": "Patient/pat-5531904", "display": "Irmtraud Wohlgemuth"},
    }
    hits = found(anonymizer, render_json(medication))
    assert_found(hits, [("healthcare_number", "pat-5531904"), ("name", "Irmtraud Wohlgemuth")])
    assert_readable(hits, ["Metformin", "A10BA02", "1-0-1", "MedicationStatement"])


def test_a_dicom_dump_names_its_values_by_tag(anonymizer: Anonymizer) -> None:
    hits = found(anonymizer, DICOM_DUMP + PYDICOM_DUMP)
    assert_found(
        hits,
        [
            ("healthcare_number", "RAD26A0041173"),
            ("company", "Landesklinikum Baden-Moedling"),
            ("name", "Wallner^Petra"),
            ("name", "MUSTAFIC^AMELA"),
            ("healthcare_number", "BM0027738812"),
            ("dob", "19630417"),
            ("gender", "F"),
            ("age", "062Y"),
            ("address", "Enzersdorfer Strasse 24/1/6, 2340 Moedling"),
            ("phone", "0699 11884203"),
            ("name", "KRAINER^JOHANN"),
            ("dob", "19470219"),
        ],
    )
    # the study's description and measurements stay
    assert_readable(hits, ["CT Thorax", "71", "1.25"])


def test_calendar_and_contact_exports_name_their_values_by_property(anonymizer: Anonymizer) -> None:
    hits = found(anonymizer, ICALENDAR + VCARD)
    assert_found(
        hits,
        [
            ("name", "Nadine Baumgartner"),
            ("name", "Ruth Zürcher"),
            ("address", "Bahnhofstrasse 22"),
            ("name", "Oberhollenzer"),
            ("name", "Walburga"),
            ("company", "Hauskrankenpflege Tirol Mitte"),
            ("occupation", "Diplomierte Pflegefachkraft"),
            ("phone", "+43 664 2093318"),
            ("address", "Dorfstraße 9"),
            ("address", "Fulpmes"),
            ("dob", "1969-05-30"),
        ],
    )
    assert_readable(hits, ["REQ-PARTICIPANT", "CONFIRMED", "Europe/Zurich", "Österreich"])


def test_calendar_parameters_and_contacts(anonymizer: Anonymizer) -> None:
    """A quoted parameter may hold a colon before the CN; CONTACT's value is the person itself."""
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\n"
        'ORGANIZER;SENT-BY="mailto:praxis@example.ch";CN=Anna Gschwend:mailto:a.gschwend@example.ch\n'
        "CONTACT:Ruth Zürcher\\, 079 334 18 52\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    assert_found(found(anonymizer, text), [("name", "Anna Gschwend"), ("name", "Ruth Zürcher")])


def test_fhir_references_and_written_out_names(anonymizer: Anonymizer) -> None:
    record = {
        "resourceType": "Observation",
        "subject": {"reference": "Patient/pat-5531904/_history/3"},
        "performer": [{"reference": "Practitioner/prac-77"}],
        "contained": [{"resourceType": "RelatedPerson", "name": [{"text": "Reinhard Wohlgemuth"}]}],
    }
    hits = found(anonymizer, json.dumps(record, indent=2))
    assert_found(hits, [("healthcare_number", "pat-5531904"), ("name", "Reinhard Wohlgemuth")])


def test_a_cda_document_names_its_values_by_element(anonymizer: Anonymizer) -> None:
    hits = found(anonymizer, CDA_FRAGMENT)
    assert_found(
        hits,
        [
            ("healthcare_number", "EB-2026-0008812"),
            ("healthcare_number", "3318 220858"),
            ("address", "Rohrbacher Straße 15"),
            ("address", "2630"),
            ("phone", "+43.664.5520718"),
            ("name", "Dragan"),
            ("name", "Kovačević"),
            ("gender", "Male"),
            ("dob", "19580822"),
            ("company", "Klinikum Schwarzatal"),
        ],
    )
    assert_readable(hits, ["1.2.40.0.34.99.4127.1.3", "2.16.840.1.113883.5.1", "Entlassungsbrief"])


@pytest.mark.parametrize(
    "letter",
    [
        # a form's columns: "key: value" lines without depth are the label rules' to read
        "Name: Huber Anna\nGeburtsdatum: 02.11.1958       Geschlecht: weiblich\nSVNR: 1234 021158\n",
        # a heading and its list, as letters write them
        "Diagnosen:\n- Diabetes mellitus Typ 2\n- Arterielle Hypertonie\nTherapie: Metformin\n",
        "[X] männlich  [ ] weiblich\n{Anmerkung der Pflege}\n",
    ],
)
def test_the_records_rule_leaves_letters_alone(anonymizer: Anonymizer, letter: str) -> None:
    rule = RecordFieldRule(anonymizer.lexicon, "de")
    assert list(rule.typed_spans(letter, None)) == []
