"""Small helpers every route uses to read its request."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from kai_local.errors import InvalidRequest
from kai_local.gateway.services import Services
from kai_local.gateway.usage import UsageRecord


def services_of(request: Request) -> Services:
    return request.state.services


def usage_of(request: Request) -> UsageRecord:
    """The usage record the gateway stores when this request ends; routes fill it in."""
    return request.state.usage


def request_id_of(request: Request) -> str:
    return request.state.request_id


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
