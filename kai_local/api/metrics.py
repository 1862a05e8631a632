"""GET /metrics: the process's Prometheus metrics (kai_local.runtime.metrics).

Outside /api/v1 and not behind API keys, as Prometheus scrapes it; `KAI_METRICS_TOKEN` makes it
ask for that bearer token, and `KAI_METRICS=0` turns it off (404)."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from kai_local.api.context import services_of
from kai_local.errors import AuthenticationFailed, NotFound
from kai_local.runtime.metrics import CONTENT_TYPE


async def metrics(request: Request) -> Response:
    services = services_of(request)
    settings = services.settings
    if not settings.metrics:
        raise NotFound("Metrics are turned off on this server (KAI_METRICS=0).")
    if settings.metrics_token:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), settings.metrics_token):
            raise AuthenticationFailed("GET /metrics needs the metrics token (KAI_METRICS_TOKEN) as a bearer token.")
    return Response(services.metrics.render(), media_type=CONTENT_TYPE)
