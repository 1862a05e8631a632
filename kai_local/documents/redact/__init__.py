"""Redaction: the uploaded document returned in its own format with its detected PII replaced
(POST /documents/redact)."""
