"""The route table: each API endpoint declared once, with its path, methods, handler, the
product permission it needs and whether a key whose trial ended may still call it. The router
(kai_local.api), the gateway middleware's checks and the products' permission list all read it.

Handlers are named "module:function" under kai_local.api, so that this table stays plain data
that the gateway can import without importing the routes.
"""

from __future__ import annotations

from dataclasses import dataclass

API_PREFIXES = ("/api/v1", "/v1")


@dataclass(frozen=True)
class Endpoint:
    path: str  # below an API prefix
    methods: tuple[str, ...]
    handler: str  # "module:function" under kai_local.api
    permission: str | None = None  # the product permission a POST needs; None: any valid key
    open_to_ended_trials: bool = False  # reachable with a key whose trial ended (to see why)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/models", ("GET",), "models:list_models"),
    Endpoint("/usage", ("GET",), "usage:get_usage", open_to_ended_trials=True),
    Endpoint("/chat/completions", ("POST",), "chat:create_chat_completion", "chat_completions"),
    Endpoint("/audio/transcriptions", ("POST",), "audio:create_transcription", "audio_transcriptions"),
    Endpoint("/audio/translations", ("POST",), "audio:create_translation", "audio_transcriptions"),
    Endpoint("/documents/anonymize", ("POST",), "documents_anonymize:anonymize_document", "documents_anonymize"),
    Endpoint("/documents/redact", ("POST",), "documents_redact:redact_document", "documents_anonymize"),
    Endpoint("/documents/strip-metadata", ("POST",), "documents_metadata:strip_metadata", "documents_strip_metadata"),
)

# The permissions a product can grant, in the table's order.
PERMISSIONS: tuple[str, ...] = tuple(dict.fromkeys(e.permission for e in ENDPOINTS if e.permission))
ROUTE_PATHS: frozenset[str] = frozenset(e.path for e in ENDPOINTS)
PERMISSION_OF_PATH: dict[str, str] = {e.path: e.permission for e in ENDPOINTS if e.permission}
OPEN_TO_ENDED_TRIALS: frozenset[str] = frozenset(e.path for e in ENDPOINTS if e.open_to_ended_trials)
