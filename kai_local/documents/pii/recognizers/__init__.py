"""Our recognizers, one per PII type (one file each). Named `...Rule`, not `...Recognizer`:
Presidio finds its predefined recognizers by class name among all subclasses, and an
`EmailRecognizer` of ours would shadow its own."""

from __future__ import annotations

from kai_local.documents.pii.recognizers.address import AddressRule
from kai_local.documents.pii.recognizers.age import AgeRule
from kai_local.documents.pii.recognizers.base import RuleRecognizer
from kai_local.documents.pii.recognizers.birth_year import BirthYearRule
from kai_local.documents.pii.recognizers.calendar import CalendarPropertyRule
from kai_local.documents.pii.recognizers.company import CompanyRule
from kai_local.documents.pii.recognizers.company_register import CompanyRegisterRule
from kai_local.documents.pii.recognizers.credit_card import CreditCardRule
from kai_local.documents.pii.recognizers.dicom import DicomTagRule
from kai_local.documents.pii.recognizers.dictation import DictationRule
from kai_local.documents.pii.recognizers.dob import DobRule
from kai_local.documents.pii.recognizers.email import EmailRule
from kai_local.documents.pii.recognizers.employer import EmployerRule
from kai_local.documents.pii.recognizers.gender import GenderRule
from kai_local.documents.pii.recognizers.healthcare_number import HealthcareNumberRule
from kai_local.documents.pii.recognizers.hl7 import Hl7Rule
from kai_local.documents.pii.recognizers.iban import IbanRule
from kai_local.documents.pii.recognizers.identifier import IdentifierRule
from kai_local.documents.pii.recognizers.institution import InstitutionRule
from kai_local.documents.pii.recognizers.insurance import InsuranceRule
from kai_local.documents.pii.recognizers.ip_address import IpAddressRule
from kai_local.documents.pii.recognizers.linkedin import LinkedinRule
from kai_local.documents.pii.recognizers.medical import MedicalRule
from kai_local.documents.pii.recognizers.name import NameRule
from kai_local.documents.pii.recognizers.nationality import NationalityRule
from kai_local.documents.pii.recognizers.occupation import OccupationRule
from kai_local.documents.pii.recognizers.passport import PassportRule
from kai_local.documents.pii.recognizers.phone import PhoneRule
from kai_local.documents.pii.recognizers.place import PlaceRule
from kai_local.documents.pii.recognizers.records import RecordFieldRule
from kai_local.documents.pii.recognizers.religion import ReligionRule
from kai_local.documents.pii.recognizers.table import TableColumnRule
from kai_local.documents.pii.recognizers.tax_id import TaxIdRule
from kai_local.documents.pii.recognizers.url import UrlRule
from kai_local.documents.pii.recognizers.username import UsernameRule
from kai_local.documents.pii.recognizers.vat_number import VatNumberRule
from kai_local.documents.pii.recognizers.vehicle import VehicleRule
from kai_local.documents.pii.recognizers.ward_list import WardListRule

RECOGNIZERS: tuple[type[RuleRecognizer], ...] = (
    NameRule,
    EmailRule,
    PhoneRule,
    DobRule,
    AddressRule,
    InsuranceRule,
    IbanRule,
    CompanyRule,
    MedicalRule,
    CreditCardRule,
    PassportRule,
    VehicleRule,
    IpAddressRule,
    UrlRule,
    UsernameRule,
    VatNumberRule,
    CompanyRegisterRule,
    HealthcareNumberRule,
    TaxIdRule,
    AgeRule,
    NationalityRule,
    GenderRule,
    ReligionRule,
    OccupationRule,
    BirthYearRule,
    LinkedinRule,
    IdentifierRule,
    PlaceRule,
    InstitutionRule,
    EmployerRule,
    TableColumnRule,
    DictationRule,
    Hl7Rule,
    DicomTagRule,
    CalendarPropertyRule,
    RecordFieldRule,
    WardListRule,
)
