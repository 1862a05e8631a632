"""create_app(settings) -> Starlette. The lifespan builds the Services and the engines."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from kai_local.api import all_routes
from kai_local.backup import hold_in_use
from kai_local.catalog import ModelCatalog
from kai_local.console import ConsoleHeaders, console_routes
from kai_local.documents.pii.service import DocumentAnonymizer
from kai_local.engines.registry import build_engine
from kai_local.engines.upstream_pool import UpstreamPool
from kai_local.errors import error_for_status
from kai_local.gateway.admission import Limits, LocalLimits
from kai_local.gateway.auth import KeyCache
from kai_local.gateway.database import SqliteDatabase
from kai_local.gateway.middleware import GatewayMiddleware, error_body
from kai_local.gateway.shared_limits import SharedLimits
from kai_local.gateway.store import Store
from kai_local.runtime.gpu import GpuSemaphore
from kai_local.runtime.isolation import IsolatedPool
from kai_local.runtime.metrics import Reading
from kai_local.runtime.services import Services
from kai_local.runtime.workpool import CpuPool
from kai_local.settings import Settings

if TYPE_CHECKING:  # spaCy and Presidio are imported when the engine is first built
    from kai_local.documents.pii.anonymizer import Anonymizer

log = logging.getLogger("kai_local")


async def build_services(settings: Settings, load_pii_engine: Callable[[], Anonymizer] | None = None) -> Services:
    store = await anyio.to_thread.run_sync(Store.at, settings.store_location)
    services = Services(
        settings=settings,
        store=store,
        catalog=ModelCatalog.load(settings.models_file, settings.models_dir),
        gpu=GpuSemaphore(settings.gpu_slots_per_device, settings.gpu_wait_timeout_s),
        cpu_pool=CpuPool(settings.cpu_workers, settings.cpu_queue_limit),
        parse_pool=IsolatedPool(
            settings.cpu_workers,
            settings.cpu_queue_limit,
            memory_bytes=settings.isolation_memory_bytes,
            cpu_seconds=settings.isolation_cpu_seconds,
            tasks_per_worker=settings.isolation_tasks_per_worker,
        ),
        key_cache=KeyCache(store),
        limits=_limits(store, settings),
        anonymizer=DocumentAnonymizer.from_settings(settings, load_pii_engine),
        store_in_use=hold_in_use(store.database.path) if isinstance(store.database, SqliteDatabase) else None,
    )
    if isinstance(services.limits, SharedLimits):
        await services.limits.open()
    services.metrics.read_at_scrape(lambda: _runtime_readings(services))
    if settings.pii_preload and services.anonymizer is not None:
        await anyio.to_thread.run_sync(services.anonymizer.load)
    if settings.load_engines:
        try:
            for spec in services.catalog.available():
                engine = build_engine(spec, settings)
                await engine.start()
                services.engines[spec.id] = engine
                log.info("engine ready: %s (%s on %s)", spec.id, spec.engine, spec.device)
        except BaseException:
            await close_services(services)  # the engines already started, and the store
            raise
    missing = [m.id for m in services.catalog.models.values() if not m.available]
    if missing:
        log.info("models without weights (not served): %s", ", ".join(missing))
    return services


def _limits(store: Store, settings: Settings) -> Limits:
    if store.kind == "postgresql":
        return SharedLimits(store, settings.limit_lease_s)
    return LocalLimits(store)


def _runtime_readings(services: Services) -> list[Reading]:
    """The gauges and running totals read when /metrics is asked."""
    upstreams = [
        ({"model": model_id, "upstream": upstream.url}, 1.0 if upstream.healthy else 0.0)
        for model_id, engine in services.engines.items()
        if isinstance(pool := getattr(engine, "pool", None), UpstreamPool)
        for upstream in pool.upstreams
    ]
    gpu, cpu, parse = services.gpu, services.cpu_pool, services.parse_pool

    def per_device(values: dict[str, int] | dict[str, float]) -> list[tuple[dict[str, str], float]]:
        return [({"device": device}, float(value)) for device, value in values.items()]

    return [
        Reading("kai_requests_in_flight", "Requests being answered now.", [({}, services.metrics.in_flight)]),
        Reading("kai_cpu_pool_admitted", "Jobs running or queued in the thread pool.", [({}, cpu.admitted)]),
        Reading(
            "kai_cpu_pool_queued", "Jobs waiting for a thread-pool worker.", [({}, max(0, cpu.admitted - cpu.workers))]
        ),
        Reading("kai_parse_pool_admitted", "Upload parses running or queued.", [({}, parse.admitted)]),
        Reading(
            "kai_parse_pool_queued",
            "Upload parses waiting for a worker.",
            [({}, max(0, parse.admitted - parse.workers))],
        ),
        Reading(
            "kai_parse_workers_replaced",
            "Parse workers killed (memory, CPU or time limit, a crash, a cancelled job) and replaced.",
            [({}, parse.replaced)],
            kind="counter",
        ),
        Reading("kai_gpu_waiting", "Engine calls waiting for a GPU slot, by device.", per_device(gpu.waiting)),
        Reading("kai_gpu_slots_acquired", "GPU slots taken, by device.", per_device(gpu.acquired), kind="counter"),
        Reading(
            "kai_gpu_wait_seconds",
            "Seconds spent waiting for a GPU slot, by device.",
            per_device(gpu.waited_s),
            "counter",
        ),
        Reading("kai_upstream_healthy", "1 while an upstream server passes its health check.", upstreams),
    ]


async def close_services(services: Services) -> None:
    services.parse_pool.close()
    if isinstance(services.limits, SharedLimits):
        await services.limits.close()
    for engine in services.engines.values():
        await engine.close()
    services.store.close()
    if services.store_in_use is not None:
        services.store_in_use.close()


def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own HTTPExceptions (unknown route, wrong method, a multipart body it cannot
    parse) in the OpenAI envelope, with the status Starlette chose."""
    status = getattr(exc, "status_code", 500)
    if status == 404:
        message = f"Unknown route: {request.method} {request.url.path}."
    elif status == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    else:
        message = str(getattr(exc, "detail", "") or "The request could not be processed.")
    error = error_for_status(status, message)
    request.state.error_code = error.code  # for the gateway's metrics
    headers = {**(getattr(exc, "headers", None) or {}), **error.headers}  # e.g. 405's Allow
    return Response(error_body(error), status_code=error.status, headers=headers, media_type="application/json")


def create_app(settings: Settings, *, load_pii_engine: Callable[[], Anonymizer] | None = None) -> Starlette:
    """The app; its lifespan builds the Services. `load_pii_engine`: how the PII engine is built
    on first use (default: Anonymizer.build; the tests pass the one engine they share)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Services]]:
        services = await build_services(settings, load_pii_engine)
        app.state.services = services  # for introspection (tests, benchmarks); routes use request state
        try:
            async with anyio.create_task_group() as background:
                if isinstance(services.limits, SharedLimits):
                    background.start_soon(services.limits.renew_leases)
                yield {"services": services}
                background.cancel_scope.cancel()
        finally:
            await close_services(services)

    routes = all_routes()
    middleware = [Middleware(GatewayMiddleware)]
    if settings.ui:  # the web console at /ui/ (and / leads there)
        routes += console_routes()
        middleware.append(Middleware(ConsoleHeaders))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
