"""GET /usage: the key's status, product, limits and this month's counts, from the store."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse

from kai_local.api.context import services_of
from kai_local.gateway.auth import principal_of
from kai_local.gateway.reports import usage_report
from kai_local.gateway.usage import period_of, utc_now


async def get_usage(request: Request) -> JSONResponse:
    principal = principal_of(request)
    now = utc_now()
    report = await anyio.to_thread.run_sync(
        usage_report, services_of(request).store, principal.key, principal.product, period_of(now), now
    )
    return JSONResponse(report)
