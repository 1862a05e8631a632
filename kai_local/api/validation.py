"""Field checks shared by the routes; every failure is a 400 naming the parameter.

The spec's nullable fields accept `null` as omitted; booleans are never numbers.
"""

from __future__ import annotations

from typing import Any

from kai_local.errors import InvalidRequest


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def optional_number(body: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if not _is_number(value):
        raise InvalidRequest(f"'{name}' must be a number.", param=name, code="invalid_type")
    if not low <= value <= high:
        raise InvalidRequest(
            f"'{name}' must be between {low:g} and {high:g}; got {value}.",
            param=name,
            code="invalid_value",
        )
    return float(value)


def optional_int(body: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidRequest(f"'{name}' must be an integer.", param=name, code="invalid_type")
    if not low <= value <= high:
        raise InvalidRequest(
            f"'{name}' must be between {low} and {high}; got {value}.",
            param=name,
            code="invalid_value",
        )
    return value


def optional_bool(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InvalidRequest(f"'{name}' must be a boolean.", param=name, code="invalid_type")
    return value


def optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"'{name}' must be a string.", param=name, code="invalid_type")
    return value
