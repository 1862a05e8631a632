"""POST /documents/anonymize: one file in; its text with PII replaced by `[[TYPE_N]]` out.

Form fields: `files` (exactly one file), `pii_types` (optional; repeated, `pii_types[]` or
comma-separated; omitted or empty: all 26), `strategy` (optional: `rules`, the default, or `ai`:
the rules plus the product's default chat model asked for what they missed).
Nothing of the text or the mapping goes to the log or the usage store.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kai_local.api.context import request_id_of, services_of, usage_of
from kai_local.api.uploads import Upload, UploadForm, read_form
from kai_local.documents.pii.service import Outcome
from kai_local.documents.pii.types import PII_TYPES
from kai_local.engines.chat.base import ChatEngine
from kai_local.errors import InvalidRequest, NotFound, ServiceUnavailable
from kai_local.gateway.auth import principal_of

STRATEGIES = ("rules", "ai")


async def anonymize_document(request: Request) -> Response:
    form = await read_form(request)
    upload = form.single_file("files", "one file in 'files'")
    outcome, strategy = await detect_in_upload(request, form, upload)
    document, result = outcome.document, outcome.result
    return JSONResponse(
        {
            "object": "list",
            "data": [
                {
                    "original_filename": upload.filename,
                    "sanitized_filename": result.sanitized_filename,
                    "sanitized_text": result.sanitized_text,
                    "placeholders": result.placeholders,
                    "metadata": {
                        "extraction_method": document.extraction_method,
                        "used_ocr": document.used_ocr,
                        "page_count": document.page_count,
                        "strategy": strategy,
                    },
                }
            ],
        }
    )


async def detect_in_upload(request: Request, form: UploadForm, upload: Upload) -> tuple[Outcome, str]:
    """The upload's text extracted and its PII found with the form's `pii_types` and `strategy`
    (returned too), as /documents/anonymize and /documents/redact both need it; the tokens an
    `ai` strategy spent are counted in the request's usage."""
    pii_types = pii_types_of(form)
    strategy = strategy_of(form)
    services = services_of(request)
    pii = services.anonymizer
    if pii is None:
        raise ServiceUnavailable("Anonymization is not configured on this server.")
    engine = chat_engine_for(request) if strategy == "ai" else None  # fail before the work
    outcome = await pii.run(
        upload.data,
        upload.filename,
        pii_types,
        owner=principal_of(request).key.id,
        parse_pool=services.parse_pool,
        cpu_pool=services.cpu_pool,
        engine=engine,
        request_id=request_id_of(request),
    )
    if engine is not None and outcome.ai is not None:
        usage = usage_of(request)
        usage.model = engine.spec.id
        usage.tokens_in, usage.tokens_out = outcome.ai.prompt_tokens, outcome.ai.completion_tokens
    return outcome, strategy


def pii_types_of(form: UploadForm) -> tuple[str, ...]:
    requested = [t.strip().lower() for t in form.values("pii_types")]
    if not requested:
        return PII_TYPES
    unknown = sorted({t for t in requested if t not in PII_TYPES})
    if unknown:
        raise InvalidRequest(
            f"Unknown pii_types: {', '.join(unknown)}. Valid types: {', '.join(PII_TYPES)}.",
            param="pii_types",
            code="invalid_value",
        )
    return tuple(t for t in PII_TYPES if t in requested)


def strategy_of(form: UploadForm) -> str:
    strategy = (form.value("strategy") or "rules").strip().lower()
    if strategy not in STRATEGIES:
        raise InvalidRequest(
            f"'strategy' must be one of {', '.join(STRATEGIES)}; got {strategy!r}.",
            param="strategy",
            code="invalid_value",
        )
    return strategy


def chat_engine_for(request: Request) -> ChatEngine:
    """The chat engine of the product's default chat model (strategy=ai)."""
    services = services_of(request)
    try:
        spec = services.catalog.default_for(principal_of(request).product, "chat")
    except NotFound:
        raise ServiceUnavailable(
            "strategy 'ai' needs a chat model, and this product has none; use strategy 'rules'.",
            param="strategy",
            code="model_not_loaded",
        ) from None
    engine = cast("ChatEngine | None", services.engines.get(spec.id))  # the catalog resolved a chat model
    if engine is None:
        raise ServiceUnavailable(
            f"strategy 'ai' needs the chat model '{spec.id}', which is not loaded on this server.",
            param="strategy",
            code="model_not_loaded",
        )
    return engine
