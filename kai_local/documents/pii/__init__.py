"""PII detection and placeholder anonymization (26 types, German/Austrian and English text)."""

from kai_local.documents.pii.anonymizer import Anonymized, Anonymizer
from kai_local.documents.pii.findings import Finding
from kai_local.documents.pii.types import PII_TYPES

__all__ = ["Anonymized", "Anonymizer", "Finding", "PII_TYPES"]
