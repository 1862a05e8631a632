"""PII detection and placeholder anonymization (26 types, German/Austrian and English text).

Heavy parts (spaCy, Presidio) load only when `anonymizer.Anonymizer.build()` runs; importing
this package is cheap.
"""

from kai_local.documents.pii.types import PII_TYPES

__all__ = ["PII_TYPES"]
