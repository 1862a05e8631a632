"""HTTP routes, one module per route group; served under /api/v1 and /v1."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from kai_local.api import audio, chat, documents_anonymize, documents_metadata, models, usage
from kai_local.gateway.middleware import API_PREFIXES


def api_routes() -> list[Route]:
    return [
        Route("/models", models.list_models, methods=["GET"]),
        Route("/usage", usage.get_usage, methods=["GET"]),
        Route("/chat/completions", chat.create_chat_completion, methods=["POST"]),
        Route("/audio/transcriptions", audio.create_transcription, methods=["POST"]),
        Route("/audio/translations", audio.create_translation, methods=["POST"]),
        Route("/documents/strip-metadata", documents_metadata.strip_metadata, methods=["POST"]),
        Route("/documents/anonymize", documents_anonymize.anonymize_document, methods=["POST"]),
    ]


def all_routes() -> list[BaseRoute]:
    """Each API route under every prefix, flat: one routing level instead of a Mount's two."""
    routes: list[BaseRoute] = [Route("/health", models.health, methods=["GET"])]
    for prefix in API_PREFIXES:
        for route in api_routes():
            routes.append(Route(prefix + route.path, route.endpoint, methods=route.methods))
    return routes
