"""One error hierarchy, rendered everywhere as OpenAI's error envelope.

Every error a client can see is a `KaiError` carrying (status, type, code, param). Routes and
engines raise them; `kai_local.gateway.middleware` renders them. Nothing else builds an error body.
"""

from __future__ import annotations

from typing import Any


class KaiError(Exception):
    status: int = 500
    type: str = "server_error"
    code: str | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class InvalidRequest(KaiError):
    """400: the request is malformed or a value is out of range."""

    status = 400
    type = "invalid_request_error"
    code = "invalid_request"


class AuthenticationFailed(KaiError):
    status = 401
    type = "invalid_request_error"
    code = "invalid_api_key"


class PermissionDenied(KaiError):
    status = 403
    type = "permission_error"
    code = "permission_denied"


class NotFound(KaiError):
    status = 404
    type = "invalid_request_error"
    code = "not_found"


class MethodNotAllowed(KaiError):
    status = 405
    type = "invalid_request_error"
    code = "method_not_allowed"


class PayloadTooLarge(KaiError):
    status = 413
    type = "invalid_request_error"
    code = "file_too_large"


class UnsupportedMediaType(KaiError):
    status = 415
    type = "invalid_request_error"
    code = "unsupported_file_type"


class RateLimited(KaiError):
    """429: a per-key limit (rate, concurrency, monthly cap, trial usage) is reached."""

    status = 429
    type = "rate_limit_error"
    code = "rate_limit_exceeded"


class ServiceUnavailable(KaiError):
    """503: the server is too busy right now (queue full, GPU slot wait timed out)."""

    status = 503
    type = "server_error"
    code = "service_unavailable"


class InternalError(KaiError):
    status = 500
    type = "server_error"
    code = "internal_error"


_BY_STATUS: dict[int, type[KaiError]] = {
    400: InvalidRequest,
    401: AuthenticationFailed,
    403: PermissionDenied,
    404: NotFound,
    405: MethodNotAllowed,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    429: RateLimited,
    503: ServiceUnavailable,
}


def error_for_status(status: int, message: str) -> KaiError:
    """A status raised by code that is not ours (Starlette's router and form parser) as our
    error: the class for that status, else a generic client or server error keeping it."""
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(message)
    error: KaiError = InvalidRequest(message) if status < 500 else InternalError(message)
    error.status = status
    return error
