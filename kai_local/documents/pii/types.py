"""The 26 PII types of the spec, and how each maps to an analyzer entity and a placeholder label."""

from __future__ import annotations

PII_TYPES: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "dob",
    "address",
    "insurance",
    "iban",
    "company",
    "medical",
    "credit_card",
    "passport",
    "vehicle",
    "ip_address",
    "url",
    "username",
    "vat_number",
    "company_register",
    "healthcare_number",
    "tax_id",
    "age",
    "nationality",
    "gender",
    "religion",
    "occupation",
    "birth_year",
    "linkedin",
)


def entity_of(pii_type: str) -> str:
    """The Presidio entity name of a PII type; also the TYPE in `[[TYPE_N]]`."""
    return pii_type.upper()


def type_of(entity: str) -> str:
    return entity.lower()
