"""Run the app on uvicorn (the `serve` command)."""

from __future__ import annotations

import logging

import uvicorn

from kai_local.app import create_app
from kai_local.settings import Settings

log = logging.getLogger("kai_local")


def serve(settings: Settings, log_level: str = "info") -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log.info("data dir %s, models %s", settings.data_dir, settings.models_file)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,  # the gateway logs one line per request itself, with its request id
        timeout_graceful_shutdown=30,
    )
