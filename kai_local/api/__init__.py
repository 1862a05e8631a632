"""HTTP routes, one module per route group; served under /api/v1 and /v1."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route

from kai_local.api import chat, models, usage
from kai_local.gateway.middleware import API_PREFIXES


def api_routes() -> list[Route]:
    return [
        Route("/models", models.list_models, methods=["GET"]),
        Route("/usage", usage.get_usage, methods=["GET"]),
        Route("/chat/completions", chat.create_chat_completion, methods=["POST"]),
    ]


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [Route("/health", models.health, methods=["GET"])]
    routes += [Mount(prefix, routes=api_routes()) for prefix in API_PREFIXES]
    return routes
