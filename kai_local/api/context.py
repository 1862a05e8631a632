"""Small helpers every route uses to read its request."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio.to_thread
from starlette.requests import Request

from kai_local.catalog import ModelSpec
from kai_local.errors import InvalidRequest, PayloadTooLarge, ServiceUnavailable
from kai_local.gateway.auth import principal_of
from kai_local.gateway.usage import UsageRecord
from kai_local.runtime.services import Services

if TYPE_CHECKING:
    from kai_local.engines.chat.base import ChatEngine
    from kai_local.engines.registry import Engine
    from kai_local.engines.speech.base import Transcriber

T = TypeVar("T")

# JSON bodies up to this size are decoded and checked on the event loop (~0.1 ms at most); larger
# ones in a worker thread.
INLINE_JSON_BYTES = 16 * 1024

# These read the request's state dict directly: `request.state` builds a wrapper object on
# every access, which shows up in the gateway's per-request cost.


def services_of(request: Request) -> Services:
    services: Services = request.scope["state"]["services"]
    return services


def usage_of(request: Request) -> UsageRecord:
    """The usage record the gateway stores when this request ends; routes fill it in."""
    usage: UsageRecord = request.scope["state"]["usage"]
    return usage


def loaded_chat_engine(request: Request, requested_model: str | None) -> tuple[ModelSpec, ChatEngine]:
    """The chat model a request asks for (None or "": the product's default) and its engine."""
    spec, engine = _loaded_engine(request, requested_model, "chat")
    return spec, cast("ChatEngine", engine)  # the catalog resolved a chat model


def loaded_transcriber(request: Request, requested_model: str | None) -> tuple[ModelSpec, Transcriber]:
    """The transcription model a request asks for and its engine."""
    spec, engine = _loaded_engine(request, requested_model, "transcription")
    return spec, cast("Transcriber", engine)  # the catalog resolved a transcription model


def _loaded_engine(request: Request, requested_model: str | None, kind: str) -> tuple[ModelSpec, Engine]:
    """The model a request asks for and its running engine; records the model on the usage."""
    services = services_of(request)
    spec = services.catalog.resolve(requested_model, kind, principal_of(request).product)
    engine = services.engines.get(spec.id)
    if engine is None:
        raise ServiceUnavailable(f"The model '{spec.id}' is not loaded on this server.", code="model_not_loaded")
    usage_of(request).model = spec.id
    return spec, engine


def request_id_of(request: Request) -> str:
    request_id: str = request.scope["state"]["request_id"]
    return request_id


async def json_body(request: Request, parse: Callable[[dict[str, Any]], T]) -> T:
    """The JSON object in the body, checked by `parse` (the route's own validation).

    The body is held to `max_json_bytes`, whatever the product allows for uploads; decoding and
    `parse` run in a worker thread: a few MB of messages take a second of CPU, which on the event
    loop would hold up every other request. (`json.loads` is C code that keeps the GIL until it
    is done, ~70 ms for 4 MB: the size limit is what bounds that part.) A body of at most
    INLINE_JSON_BYTES is parsed on the loop: that takes less time than the hop to a thread.
    """
    raw = await _body_within(request, services_of(request).settings.max_json_bytes)
    if not raw.strip():
        raise InvalidRequest("The request body is empty; send a JSON object.", code="invalid_json")
    if len(raw) <= INLINE_JSON_BYTES:
        return _decode_and_parse(raw, parse)
    return await anyio.to_thread.run_sync(_decode_and_parse, raw, parse)


async def _body_within(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _json_too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # a body sent without (or with a false) Content-Length
            raise _json_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode_and_parse(raw: bytes, parse: Callable[[dict[str, Any]], T]) -> T:
    try:
        body = json.loads(raw)
    except RecursionError:
        raise InvalidRequest("The JSON body is nested too deeply.", code="invalid_json") from None
    except ValueError as exc:  # bad JSON, bad UTF-8, or an integer of more than 4300 digits
        raise InvalidRequest(f"We could not parse the JSON body of your request: {exc}", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The JSON body must be an object.", code="invalid_json")
    return parse(body)


def _json_too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The JSON body is larger than this server's limit of {limit} bytes.",
        code="request_too_large",
    )
