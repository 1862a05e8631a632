"""GET /models: the models of the caller's product whose weights are in place."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from kai_local.api.context import services_of
from kai_local.gateway.auth import principal_of


async def list_models(request: Request) -> JSONResponse:
    services = services_of(request)
    product = principal_of(request).product
    # `kind` (chat | transcription) is beyond OpenAI's model object, as vLLM's own extra fields
    # are: clients ignore it; the web console picks its models by it.
    data = [
        {"id": m.id, "object": "model", "created": services.catalog.created(m), "owned_by": m.owned_by, "kind": m.kind}
        for m in services.catalog.available(product)
    ]
    return JSONResponse({"object": "list", "data": data})


async def health(request: Request) -> JSONResponse:
    """Unauthenticated liveness probe (load balancers, the upstream chat engine)."""
    return JSONResponse({"status": "ok"})
