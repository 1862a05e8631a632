"""Our recognizers, one per PII type (one file each)."""

from __future__ import annotations

from kai_local.documents.pii.recognizers.address import AddressRecognizer
from kai_local.documents.pii.recognizers.age import AgeRecognizer
from kai_local.documents.pii.recognizers.base import RuleRecognizer
from kai_local.documents.pii.recognizers.birth_year import BirthYearRecognizer
from kai_local.documents.pii.recognizers.company import CompanyRecognizer
from kai_local.documents.pii.recognizers.company_register import CompanyRegisterRecognizer
from kai_local.documents.pii.recognizers.credit_card import CreditCardRecognizer
from kai_local.documents.pii.recognizers.dob import DobRecognizer
from kai_local.documents.pii.recognizers.email import EmailRecognizer
from kai_local.documents.pii.recognizers.gender import GenderRecognizer
from kai_local.documents.pii.recognizers.healthcare_number import HealthcareNumberRecognizer
from kai_local.documents.pii.recognizers.iban import IbanRecognizer
from kai_local.documents.pii.recognizers.insurance import InsuranceRecognizer
from kai_local.documents.pii.recognizers.ip_address import IpAddressRecognizer
from kai_local.documents.pii.recognizers.linkedin import LinkedinRecognizer
from kai_local.documents.pii.recognizers.medical import MedicalRecognizer
from kai_local.documents.pii.recognizers.name import NameRecognizer
from kai_local.documents.pii.recognizers.nationality import NationalityRecognizer
from kai_local.documents.pii.recognizers.occupation import OccupationRecognizer
from kai_local.documents.pii.recognizers.passport import PassportRecognizer
from kai_local.documents.pii.recognizers.phone import PhoneRecognizer
from kai_local.documents.pii.recognizers.religion import ReligionRecognizer
from kai_local.documents.pii.recognizers.tax_id import TaxIdRecognizer
from kai_local.documents.pii.recognizers.url import UrlRecognizer
from kai_local.documents.pii.recognizers.username import UsernameRecognizer
from kai_local.documents.pii.recognizers.vat_number import VatNumberRecognizer
from kai_local.documents.pii.recognizers.vehicle import VehicleRecognizer

RECOGNIZERS: tuple[type[RuleRecognizer], ...] = (
    NameRecognizer, EmailRecognizer, PhoneRecognizer, DobRecognizer, AddressRecognizer,
    InsuranceRecognizer, IbanRecognizer, CompanyRecognizer, MedicalRecognizer, CreditCardRecognizer,
    PassportRecognizer, VehicleRecognizer, IpAddressRecognizer, UrlRecognizer, UsernameRecognizer,
    VatNumberRecognizer, CompanyRegisterRecognizer, HealthcareNumberRecognizer, TaxIdRecognizer,
    AgeRecognizer, NationalityRecognizer, GenderRecognizer, ReligionRecognizer, OccupationRecognizer,
    BirthYearRecognizer, LinkedinRecognizer,
)
