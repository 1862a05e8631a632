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

from kai_local.api.context import services_of
from kai_local.api.documents_anonymize import detect_in_upload
from kai_local.api.documents_metadata import content_disposition, stripped_headers
from kai_local.api.uploads import UploadForm, read_form
from kai_local.documents import jobs
from kai_local.documents.extraction import extraction_limits
from kai_local.documents.redact.matching import PLACEHOLDER, STYLES
from kai_local.errors import InvalidRequest
from kai_local.gateway.auth import principal_of

MAX_PLACEHOLDER_HEADER_BYTES = 64 * 1024
# Redaction parses the upload twice (extraction, then the redactor) and may OCR every page.
REDACT_DEADLINE_SLACK_S = 10.0


async def redact_document(request: Request) -> Response:
    form = await read_form(request)
    upload = form.single_file("file", "one document in 'file'")
    style = _style(form)
    outcome, _ = await detect_in_upload(request, form, upload)
    services = services_of(request)
    limits = extraction_limits(services.settings)  # the limits extraction read the upload under
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
        owner=principal_of(request).key.id,
    )
    filename = outcome.result.sanitized_filename
    placeholders = outcome.result.placeholders
    result = redacted.stripped
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "file": base64.b64encode(result.data).decode("ascii"),
                "content_type": result.media_type,
                "filename": filename,
                "placeholders": placeholders,
                "redactions": redacted.redactions,
            }
        )
    headers = {
        "Content-Disposition": content_disposition(filename),
        **stripped_headers(result, original_size=len(upload.data)),
        "X-Redactions": str(redacted.redactions),
        "X-Rasterised-Pages": str(redacted.rasterised_pages),
    }
    encoded = base64.urlsafe_b64encode(json.dumps(placeholders, ensure_ascii=False).encode()).decode("ascii")
    if len(encoded) <= MAX_PLACEHOLDER_HEADER_BYTES:
        headers["X-Placeholders"] = encoded
    else:
        headers["X-Placeholders-Omitted"] = "true"
    return Response(result.data, media_type=result.media_type, headers=headers)


def _style(form: UploadForm) -> str:
    style = (form.value("style") or PLACEHOLDER).strip().lower()
    if style not in STYLES:
        raise InvalidRequest(
            f"'style' must be one of {', '.join(STYLES)}; got {style!r}.", param="style", code="invalid_value"
        )
    return style
