"""DICOM headers dumped as text (dcmdump, gdcmdump, pydicom): a tag says what its value is.

"(0010,0010) PN [MUSTAFIĆ^AMELA]   #  16, 1 PatientName" and pydicom's "(0010, 0030) Patient's
Birth Date  DA: '19630417'" carry no label a letter would have: the tag is the label. The tags
are those of DICOM's de-identification profile (PS3.15, Annex E) that hold one of our types, and
every value of VR PN is a person's name whatever its tag. In a name, the family, given and middle
name components are reported; prefix and suffix ("^^Dr.med.univ.") stay readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer.nlp_engine import NlpArtifacts

from kai_local.documents.pii.recognizers.base import TypedRuleRecognizer, TypedSpan

# (group, element) as dumped, lower case -> entity; VR PN is a name without being listed.
TAGS: dict[str, str] = {
    # the patient
    "0010,0020": "HEALTHCARE_NUMBER",  # PatientID
    "0010,0021": "COMPANY",  # IssuerOfPatientID
    "0010,0030": "DOB",  # PatientBirthDate
    "0010,0040": "GENDER",  # PatientSex
    "0010,0050": "INSURANCE",  # InsurancePlanIdentification
    "0010,1000": "HEALTHCARE_NUMBER",  # OtherPatientIDs
    "0010,1010": "AGE",  # PatientAge
    "0010,1040": "ADDRESS",  # PatientAddress
    "0010,1090": "HEALTHCARE_NUMBER",  # MedicalRecordLocator
    "0010,2152": "ADDRESS",  # RegionOfResidence
    "0010,2154": "PHONE",  # PatientTelephoneNumbers
    "0010,2180": "OCCUPATION",  # Occupation
    "0010,21f0": "RELIGION",  # PatientReligiousPreference
    # the study, its order and who made it
    "0008,0050": "HEALTHCARE_NUMBER",  # AccessionNumber
    "0008,0080": "COMPANY",  # InstitutionName
    "0008,0081": "ADDRESS",  # InstitutionAddress
    "0008,0092": "ADDRESS",  # ReferringPhysicianAddress
    "0008,0094": "PHONE",  # ReferringPhysicianTelephoneNumbers
    "0008,1040": "COMPANY",  # InstitutionalDepartmentName
    "0020,0010": "HEALTHCARE_NUMBER",  # StudyID
    "0032,1033": "COMPANY",  # RequestingService
    "0038,0010": "HEALTHCARE_NUMBER",  # AdmissionID
    "0040,0009": "HEALTHCARE_NUMBER",  # ScheduledProcedureStepID
    "0040,0253": "HEALTHCARE_NUMBER",  # PerformedProcedureStepID
    "0040,1001": "HEALTHCARE_NUMBER",  # RequestedProcedureID
    "0040,2016": "HEALTHCARE_NUMBER",  # PlacerOrderNumberImagingServiceRequest
    "0040,2017": "HEALTHCARE_NUMBER",  # FillerOrderNumberImagingServiceRequest
}
ENTITIES = ("NAME", *dict.fromkeys(TAGS.values()))

# "(0010,0010) PN [value]" (dcmdump, gdcmdump) or pydicom's
# "(0010, 0010) Patient's Name   PN: 'value'".
ELEMENT = re.compile(
    r"(?m)^[ \t>]*\((?P<tag>[0-9A-Fa-f]{4}, ?[0-9A-Fa-f]{4})\)[ \t]+"
    r"(?:(?P<vr>[A-Z]{2})[ \t]+\[(?P<bracketed>[^\]\n]*)\]"
    r"|[^\n:]*?\b(?P<vr2>[A-Z]{2}):[ \t]+(?P<quote>['\"])(?P<quoted>[^\n]*?)(?P=quote)[ \t]*$)"
)


class DicomTagRule(TypedRuleRecognizer):
    ENTITY = "NAME"
    ENTITIES = ENTITIES

    def typed_spans(self, text: str, nlp_artifacts: NlpArtifacts | None) -> Iterable[TypedSpan]:
        if "(0010," not in text and "(0008," not in text:
            return  # no patient or study element: no dump
        for m in ELEMENT.finditer(text):
            group = "bracketed" if m.group("bracketed") is not None else "quoted"
            vr = m.group("vr") or m.group("vr2")
            start, end = m.span(group)
            value = text[start:end]
            if not value.strip() or not any(c.isalnum() for c in value):
                continue
            if vr == "PN":
                end = start + _name_components_length(value)
                yield TypedSpan("NAME", start, end, 0.85)
                continue
            entity = TAGS.get(m.group("tag").replace(" ", "").lower())
            if entity is not None:
                stripped = value.rstrip()
                offset = len(value) - len(value.lstrip())
                yield TypedSpan(entity, start + offset, start + len(stripped), 0.85)


def _name_components_length(value: str) -> int:
    """How much of a PN value its family, given and middle names take ("Wallner^Petra" of
    "Wallner^Petra^^Dr.med.univ."); all of it for one that lists several names ("A^B\\C^D")."""
    if "\\" in value or "=" in value:  # several names, or one in other scripts ("Yamada^Tarou=山田^太郎")
        return len(value.rstrip())
    parts = value.split("^")
    kept = "^".join(parts[:3]).rstrip("^ ")
    return len(kept) if kept.strip() else len(value.rstrip())
