"""HTTP routes, one module per route group; served under /api/v1 and /v1 as the route table
(kai_local.endpoints) declares them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from starlette.routing import BaseRoute, Route

from kai_local.api import metrics, models
from kai_local.endpoints import API_PREFIXES, ENDPOINTS


def _handler(name: str) -> Callable[..., Any]:
    module, function = name.split(":")
    return getattr(import_module(f"kai_local.api.{module}"), function)  # type: ignore[no-any-return]


def all_routes() -> list[BaseRoute]:
    """Each API route under every prefix, flat: one routing level instead of a Mount's two."""
    routes: list[BaseRoute] = [
        Route("/health", models.health, methods=["GET"]),
        Route("/metrics", metrics.metrics, methods=["GET"]),
    ]
    for prefix in API_PREFIXES:
        for endpoint in ENDPOINTS:
            routes.append(Route(prefix + endpoint.path, _handler(endpoint.handler), methods=list(endpoint.methods)))
    return routes
