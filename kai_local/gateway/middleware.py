"""The gateway as one ASGI middleware: request id, auth, limits, usage, errors, access log.

It wraps the whole response, so a concurrency slot covers a stream to its end and is released
in a `finally` (client gone, handler failed or not). Every error raised here or below it is
rendered as OpenAI's envelope; an unexpected one is logged with its request id and becomes a
bare 500.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kai_local.endpoints import API_PREFIXES, OPEN_TO_ENDED_TRIALS, PERMISSION_OF_PATH, ROUTE_PATHS
from kai_local.errors import (
    AuthenticationFailed,
    InternalError,
    KaiError,
    PayloadTooLarge,
    PermissionDenied,
)
from kai_local.gateway.auth import Principal
from kai_local.gateway.usage import UsageRecord, period_of, utc_now
from kai_local.runtime.services import Services

access_log = logging.getLogger("kai_local.access")
_NO_USAGE = UsageRecord()  # what a request without a usage record (a GET, a refusal) adds: nothing
error_log = logging.getLogger("kai_local.errors")


def error_body(exc: KaiError) -> bytes:
    return json.dumps(exc.body()).encode("utf-8")


def api_subpath(path: str) -> str | None:
    """The path below an API prefix ("/" for the prefix itself), or None outside them."""
    for prefix in API_PREFIXES:
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :].rstrip("/") or "/"
    return None


@dataclass
class _Exchange:
    """What the middleware learns about one request while it runs."""

    request_id: str
    status: int = 0
    started: bool = False
    key_id: str = "-"
    extra_headers: list[tuple[bytes, bytes]] | None = None
    route: str | None = None  # the API route (a table path or "unknown"), for the metrics
    usage: UsageRecord | None = None
    error_code: str | None = None


class GatewayMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = _Exchange(request_id="req_" + secrets.token_hex(12))
        state = scope.setdefault("state", {})
        state["request_id"] = exchange.request_id
        began = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", exchange.request_id.encode()))
                headers.extend(exchange.extra_headers or [])
                message = {**message, "headers": headers}
            await send(message)

        metrics = state["services"].metrics if "services" in state else None
        try:
            await self._handle(scope, receive, send_with_headers, exchange)
        except KaiError as exc:
            await self._send_error(send_with_headers, exchange, exc)
        except Exception:
            error_log.exception("request %s failed", exchange.request_id)
            await self._send_error(
                send_with_headers,
                exchange,
                InternalError(f"The server had an error processing your request (request id {exchange.request_id})."),
            )
        finally:
            if metrics is not None and exchange.route is not None:  # an API request
                metrics.in_flight -= 1
                usage = exchange.usage or _NO_USAGE
                metrics.observe(
                    exchange.route,
                    exchange.status or 499,
                    time.perf_counter() - began,
                    usage.model,
                    exchange.error_code or state.get("error_code"),
                    usage.tokens_in,
                    usage.tokens_out,
                    usage.audio_seconds,
                )
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    f"request_id={exchange.request_id} key={exchange.key_id} "
                    f"method={scope['method']} route={scope['path']} "
                    f"status={exchange.status or 499} "
                    f"latency_ms={(time.perf_counter() - began) * 1000:.1f}"
                )

    async def _send_error(self, send: Send, exchange: _Exchange, exc: KaiError) -> None:
        exchange.error_code = exc.code
        if exchange.started:
            # Too late for a status: the body already began (a stream). Just end it.
            error_log.warning("request %s: %s after response start", exchange.request_id, exc)
            return
        body = error_body(exc)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ] + [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
        await send({"type": "http.response.start", "status": exc.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(self, scope: Scope, receive: Receive, send: Send, exchange: _Exchange) -> None:
        subpath = api_subpath(scope["path"])
        if subpath is None:
            await self.app(scope, receive, send)  # /health, or outside the API: the router answers
            return
        # Every path under a prefix is authenticated, known route or not (deny by default: an
        # unknown path tells a caller without a key nothing). POSTs need their permission.
        endpoint = PERMISSION_OF_PATH.get(subpath)

        services: Services = scope["state"]["services"]
        exchange.route = subpath if subpath in ROUTE_PATHS else "unknown"  # bounded metric labels
        services.metrics.in_flight += 1
        principal = await self._authenticate(scope, services, subpath)
        exchange.key_id = principal.key.id
        scope["state"]["principal"] = principal

        # A POST its product permits holds a concurrency slot and a place under its caps.
        hold = scope["method"] == "POST" and endpoint is not None and endpoint in principal.product.endpoints
        admission = await services.limits.admit(principal, hold)
        rate = admission.rate
        exchange.extra_headers = [
            (b"x-ratelimit-limit-requests", str(rate.limit).encode()),
            (b"x-ratelimit-remaining-requests", str(rate.remaining).encode()),
            (b"x-ratelimit-reset-requests", f"{rate.reset_s:.0f}s".encode()),
        ]
        if admission.refusal is not None:
            services.metrics.refusals.labels(admission.refusal.code or "").inc()
        if scope["method"] != "POST" or endpoint is None:
            if admission.refusal is not None:
                raise admission.refusal
            await self.app(scope, receive, send)
            return

        usage = UsageRecord()
        scope["state"]["usage"] = usage
        exchange.usage = usage
        recorded = False

        async def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            ok = exchange.started and exchange.status < 400 and not usage.failed
            # Shielded: a client that went away must not skip the accounting.
            with anyio.CancelScope(shield=True):
                await services.limits.record(admission, principal, endpoint, ok, usage, utc_now())

        async def send_after_recording(message: Message) -> None:
            # The last body message waits for the usage commit: a response the client has
            # received in full is in the store, even if the process is killed right after.
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                await record()
            await send(message)

        try:
            if not hold:
                raise PermissionDenied(
                    f"Your key's product '{principal.product.name}' does not include the '{endpoint}' permission.",
                    code="endpoint_not_enabled",
                )
            if admission.refusal is not None:
                raise admission.refusal
            limit = principal.product.max_file_size + services.settings.multipart_overhead_bytes
            await self.app(scope, _limited_receive(scope, receive, limit), send_after_recording)
        finally:
            try:
                await record()  # error paths: the envelope is sent after this, by __call__
            finally:
                services.limits.release(admission, principal)

    async def _authenticate(self, scope: Scope, services: Services, subpath: str) -> Principal:
        token = _bearer_token(scope)
        if not token:
            raise AuthenticationFailed("You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.")
        now = utc_now()
        period = period_of(now)
        record = await services.key_cache.find(token, period)
        if record is None:
            raise AuthenticationFailed("Incorrect API key provided.")
        principal = Principal(record.key, record.product)
        services.limits.seed(principal, period, record.period_ok, record.lifetime_ok)
        if record.key.status != "active":
            raise AuthenticationFailed("This API key has been revoked.", code="api_key_revoked")
        if record.key.trial_over(now) and subpath not in OPEN_TO_ENDED_TRIALS:
            raise PermissionDenied(
                f"The trial of this key ended at {record.key.trial_ends_at:%Y-%m-%d %H:%M} UTC.",
                code="trial_expired",
            )
        return principal


def _bearer_token(scope: Scope) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def _limited_receive(scope: Scope, receive: Receive, limit: int) -> Receive:
    """Refuse a body over `limit` bytes: by Content-Length before reading, else while reading."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise _too_large(limit)
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)
        return message

    return limited


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The request body is larger than this key's limit of {limit} bytes.",
        code="file_too_large",
    )


__all__: list[Any] = ["GatewayMiddleware", "api_subpath", "error_body"]
