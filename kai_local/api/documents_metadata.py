"""POST /documents/strip-metadata: one file in, the same file without its metadata out.

The cleaned bytes are the body (Content-Type by content, Content-Disposition with the name as
sent); what was done is in the headers X-Metadata-Stripped, X-Strip-Method, X-Stripped-Fields,
X-Original-Size and X-Sanitized-Size. With `Accept: application/json` the answer is one object:
the file (base64) and what exiftool read in it before and after, grouped (the web console).
"""

from __future__ import annotations

import base64
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kai_local.api.context import services_of
from kai_local.api.uploads import read_form
from kai_local.documents import jobs
from kai_local.documents.metadata.service import Stripped
from kai_local.gateway.auth import principal_of


async def strip_metadata(request: Request) -> Response:
    upload = (await read_form(request)).single_file("file", "a 'file' to strip metadata from")
    services = services_of(request)
    # exiftool runs in the parse worker (one stay-open process each), under its own timeout.
    timeout_s = services.settings.metadata_timeout_s
    owner = principal_of(request).key.id
    if "application/json" in request.headers.get("accept", ""):
        result, report = await services.parse_pool.run(
            jobs.strip_metadata_with_report,
            upload.data,
            upload.filename,
            timeout_s,
            deadline_s=2 * timeout_s + 10.0,
            owner=owner,
        )
        return JSONResponse(
            {
                "file": base64.b64encode(result.data).decode("ascii"),
                "content_type": result.media_type,
                "filename": upload.filename,
                "stripped_fields": list(result.fields),
                "metadata_before": report.before,
                "metadata_after": report.after,
            }
        )
    result = await services.parse_pool.run(
        jobs.strip_metadata, upload.data, upload.filename, timeout_s, deadline_s=timeout_s + 10.0, owner=owner
    )
    headers = {"Content-Disposition": content_disposition(upload.filename), **stripped_headers(result)}
    return Response(result.data, media_type=result.media_type, headers=headers)


def stripped_headers(result: Stripped, original_size: int | None = None) -> dict[str, str]:
    """What was stripped from the file returned (/documents/redact says the same of its own);
    `original_size`: of the upload, where it is not what the stripper was given."""
    return {
        "X-Metadata-Stripped": "true" if result.stripped else "false",
        "X-Strip-Method": result.method,
        "X-Stripped-Fields": ",".join(result.fields),
        "X-Original-Size": str(result.original_size if original_size is None else original_size),
        "X-Sanitized-Size": str(len(result.data)),
    }


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII `filename` fallback and the exact name as RFC 5987 `filename*`."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]  # never a client's folder path
    name = "".join(c for c in name if c.isprintable()).strip() or "download"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c not in '"\\;' else "_" for c in ascii_name).strip()
    if not ascii_name or ascii_name.startswith("."):  # nothing ASCII left of the stem
        ascii_name = "download" + ascii_name
    if ascii_name == name:
        return f'attachment; filename="{ascii_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
