"""Per-format text extractors behind `kai_local.documents.extraction.extract_document`.

Each module turns one family of formats into an `ExtractedDocument`; `base` holds the shared
types (limits, result, time budget) and the error helpers, `zipguard` the zip-bomb checks.
"""
