"""Run the app on uvicorn (the `serve` command).

On SIGTERM/SIGINT the parse workers are killed at once (a request waiting on one gets 503
`shutting_down`), and uvicorn cuts what still runs after `shutdown_timeout_s`, so a server with
a decompression bomb in flight still stops within that time.
"""

from __future__ import annotations

import logging
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from kai_local.app import create_app
from kai_local.settings import Settings

log = logging.getLogger("kai_local")


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        services = getattr(self._app.state, "services", None)
        if services is not None:
            services.parse_pool.close()
        super().handle_exit(sig, frame)


def serve(settings: Settings, log_level: str = "info") -> None:
    tls = settings.tls_options()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log.info("data dir %s, models %s", settings.data_dir, settings.models_file)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,  # the gateway logs one line per request itself, with its request id
        timeout_graceful_shutdown=max(1, round(settings.shutdown_timeout_s)),
        **tls,  # type: ignore[arg-type]
    )
    _Server(config, app).run()
