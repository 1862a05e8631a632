"""Documents: type detection, text extraction, PII anonymization, metadata stripping."""
