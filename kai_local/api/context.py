"""Small helpers every route uses to read its request."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from kai_local.catalog import ModelSpec
from kai_local.errors import InvalidRequest, ServiceUnavailable
from kai_local.gateway.auth import principal_of
from kai_local.gateway.services import Services
from kai_local.gateway.usage import UsageRecord


# These read the request's state dict directly: `request.state` builds a wrapper object on
# every access, which shows up in the gateway's per-request cost.


def services_of(request: Request) -> Services:
    return request.scope["state"]["services"]


def usage_of(request: Request) -> UsageRecord:
    """The usage record the gateway stores when this request ends; routes fill it in."""
    return request.scope["state"]["usage"]


def loaded_engine(request: Request, requested_model: str | None, kind: str) -> tuple[ModelSpec, Any]:
    """The model a request asks for (None or "": the product's default) and its running engine;
    records the model on the request's usage."""
    services = services_of(request)
    spec = services.catalog.resolve(requested_model, kind, principal_of(request).product)
    engine = services.engines.get(spec.id)
    if engine is None:
        raise ServiceUnavailable(
            f"The model '{spec.id}' is not loaded on this server.", code="model_not_loaded"
        )
    usage_of(request).model = spec.id
    return spec, engine


def request_id_of(request: Request) -> str:
    return request.scope["state"]["request_id"]


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        raise InvalidRequest("The request body is empty; send a JSON object.", code="invalid_json")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRequest(
            f"We could not parse the JSON body of your request: {exc}", code="invalid_json"
        ) from None
    if not isinstance(body, dict):
        raise InvalidRequest("The JSON body must be an object.", code="invalid_json")
    return body
