"""POST /documents/redact: one document in; the same kind of file out, its PII gone.

Form fields: `file` (one document), `pii_types` and `strategy` as in /documents/anonymize, and
`style`: `placeholder` (default: each value becomes its `[[TYPE_N]]`; on images and rasterised
PDF pages a black box) or `blackout` (black boxes, or a run of blocks as long as the value).
The body is the redacted file, with strip-metadata's headers, `X-Redactions` (how many values
were replaced) and the mapping as base64url JSON in `X-Placeholders` (left out past 64 KB, with
`X-Placeholders-Omitted: true`). `Accept: application/json` gets one JSON object instead.
Nothing of the document or the mapping goes to the log or the usage store.
"""

from __future__ import annotations

import base64
import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kai_local.api.context import request_id_of, services_of, usage_of
from kai_local.api.documents_anonymize import chat_engine_for, pii_types_of, strategy_of
from kai_local.api.documents_metadata import content_disposition
from kai_local.api.uploads import UploadForm, read_form
from kai_local.documents import jobs
from kai_local.documents.redact.matching import PLACEHOLDER, STYLES
from kai_local.errors import InvalidRequest, ServiceUnavailable
from kai_local.gateway.auth import principal_of

MAX_PLACEHOLDER_HEADER_BYTES = 64 * 1024
# Redaction parses the upload twice (extraction, then the redactor) and may OCR every page.
REDACT_DEADLINE_SLACK_S = 10.0


async def redact_document(request: Request) -> Response:
    form = await read_form(request)
    upload = form.single_file("file", "one document in 'file'")
    pii_types, strategy, style = pii_types_of(form), strategy_of(form), _style(form)
    services = services_of(request)
    if services.anonymizer is None:
        raise ServiceUnavailable("Anonymization is not configured on this server.")
    engine = chat_engine_for(request) if strategy == "ai" else None
    owner = principal_of(request).key.id
    outcome = await services.anonymizer.run(
        upload.data,
        upload.filename,
        pii_types,
        owner=owner,
        parse_pool=services.parse_pool,
        cpu_pool=services.cpu_pool,
        engine=engine,
        request_id=request_id_of(request),
    )
    if engine is not None and outcome.ai is not None:
        usage = usage_of(request)
        usage.model = engine.spec.id
        usage.tokens_in, usage.tokens_out = outcome.ai.prompt_tokens, outcome.ai.completion_tokens
    limits = services.anonymizer.config.limits
    timeout_s = services.settings.metadata_timeout_s
    redacted = await services.parse_pool.run(
        jobs.redact,
        upload.data,
        upload.filename,
        outcome.result.surfaces,
        style,
        limits,
        timeout_s,
        deadline_s=limits.parse_timeout_s + limits.ocr_timeout_s + timeout_s + REDACT_DEADLINE_SLACK_S,
        owner=owner,
    )
    filename = outcome.result.sanitized_filename
    placeholders = outcome.result.placeholders
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "file": base64.b64encode(redacted.data).decode("ascii"),
                "content_type": redacted.media_type,
                "filename": filename,
                "placeholders": placeholders,
                "redactions": redacted.redactions,
            }
        )
    headers = {
        "Content-Disposition": content_disposition(filename),
        "X-Redactions": str(redacted.redactions),
        "X-Metadata-Stripped": "true" if redacted.metadata_fields else "false",
        "X-Stripped-Fields": ",".join(redacted.metadata_fields),
        "X-Original-Size": str(len(upload.data)),
        "X-Sanitized-Size": str(len(redacted.data)),
        "X-Rasterised-Pages": str(redacted.rasterised_pages),
    }
    encoded = base64.urlsafe_b64encode(json.dumps(placeholders, ensure_ascii=False).encode()).decode("ascii")
    if len(encoded) <= MAX_PLACEHOLDER_HEADER_BYTES:
        headers["X-Placeholders"] = encoded
    else:
        headers["X-Placeholders-Omitted"] = "true"
    return Response(redacted.data, media_type=redacted.media_type, headers=headers)


def _style(form: UploadForm) -> str:
    style = (form.value("style") or PLACEHOLDER).strip().lower()
    if style not in STYLES:
        raise InvalidRequest(
            f"'style' must be one of {', '.join(STYLES)}; got {style!r}.", param="style", code="invalid_value"
        )
    return style
