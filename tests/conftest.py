"""Shared fixtures: a real app (real store, real middleware) driven through httpx and the
official openai SDK over ASGI. Heavy engines are started once per session by the fixtures of
the tests that need them (see `running_gateway`); the PII engine (spaCy + Presidio) is built
once per run and shared by every app and test that uses it (see `shared_pii_engine`)."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import openai
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from kai_local.app import create_app
from kai_local.engines.registry import register_engine
from kai_local.gateway.products import Product
from kai_local.runtime.services import Services
from kai_local.settings import Settings
from tests.fakes import EchoChatEngine, HoldingChatEngine
from tests.postgres import Cluster, throwaway_cluster

if TYPE_CHECKING:  # importing it loads Presidio (and torch): only where a test needs it
    from kai_local.documents.pii.anonymizer import Anonymizer

BASE_URL = "http://kai.test/api/v1"
# The tests never read the host's service configuration (/etc/kai-local/kai-local.env): its
# store is not theirs. Servers and CLIs the tests start inherit this.
os.environ["KAI_CONFIG_FILE"] = os.devnull

register_engine("test-echo", EchoChatEngine)
register_engine("test-hold", HoldingChatEngine)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def prepared_models_dir() -> Path:
    """Where `kai-local models prepare` (run by scripts/setup.sh) put the bundled weights."""
    return Settings.from_env().models_dir


_pii_engine: list[Anonymizer] = []
_pii_engine_lock = threading.Lock()


def shared_pii_engine() -> Anonymizer:
    """The run's one PII engine (`Anonymizer.build()`: spaCy, Presidio, our recognizers and word
    lists; seconds to load), built on first use. It is stateless once built (thread-safe
    `detect`/`anonymize`), so every test may share it."""
    with _pii_engine_lock:
        if not _pii_engine:
            from kai_local.documents.pii.anonymizer import Anonymizer

            _pii_engine.append(Anonymizer.build())
        return _pii_engine[0]


@pytest.fixture(scope="session")
def anonymizer() -> Anonymizer:
    """For the tests of detection itself: the run's shared PII engine."""
    return shared_pii_engine()


@dataclass
class Gateway:
    app: Starlette
    settings: Settings
    http: httpx.AsyncClient

    @property
    def services(self) -> Services:
        return self.app.state.services

    def create_product(self, name: str, **fields: Any) -> Product:
        product = Product(name=name, label=fields.pop("label", name.title()), **fields)
        return self.services.store.create_product(product)

    def create_key(self, product: str = "default", **options: Any) -> str:
        return self.services.store.create_key(product, **options)[1]

    def openai(self, key: str, **options: Any) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(api_key=key, base_url=BASE_URL, http_client=self.http, max_retries=0, **options)

    def headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


@asynccontextmanager
async def running_gateway(settings: Settings) -> AsyncIterator[Gateway]:
    """The real app with its lifespan, reachable in-process at BASE_URL."""
    # The app builds its PII engine at startup (`pii_preload`) or on first use: here it takes the
    # run's shared one instead of loading spaCy and Presidio again.
    app = create_app(settings, load_pii_engine=shared_pii_engine)
    async with LifespanManager(app, startup_timeout=600, shutdown_timeout=120) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, timeout=600) as http:
            yield Gateway(app=app, settings=settings, http=http)


@asynccontextmanager
async def on_loopback(gateway: Gateway) -> AsyncIterator[str]:
    """`gateway`'s app, already started by running_gateway, also on a real uvicorn server on
    127.0.0.1 (for what only a socket shows: streaming, a client that disconnects): its API base URL."""

    async def with_lifespan_state(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":  # as LifespanManager serves it; this uvicorn's lifespan is off
            scope["state"] = {"services": gateway.services}
        await gateway.app(scope, receive, send)

    async with serve_on_loopback(with_lifespan_state) as base:
        yield base + "/api/v1"


@asynccontextmanager
async def serve_on_loopback(app: Any) -> AsyncIterator[str]:
    """An ASGI app (lifespan off) on a real uvicorn server on 127.0.0.1, in this event loop:
    its base URL, e.g. http://127.0.0.1:PORT."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
    while not server.started:
        await anyio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


ECHO_MODELS_TOML = """
[models."echo-1"]
kind = "chat"
engine = "test-echo"
weights = "{models_dir}"
"""


def echo_settings(tmp_path: Path, models_toml: str = ECHO_MODELS_TOML, **overrides: Any) -> Settings:
    tmp_path.mkdir(parents=True, exist_ok=True)
    models_file = tmp_path / "models.toml"
    models_file.write_text(models_toml)
    overrides.setdefault("data_dir", tmp_path / "data")
    return replace(Settings(), models_file=models_file, models_dir_override=tmp_path, **overrides)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test module's `STORE_KINDS` (default: SQLite only) runs its gateway tests on each store."""
    if "store_kind" in metafunc.fixturenames:
        metafunc.parametrize("store_kind", getattr(metafunc.module, "STORE_KINDS", ("sqlite",)))


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throwaway PostgreSQL server for the run (tests/postgres.py)."""
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """A new empty database on the run's PostgreSQL server, for one test."""
    return postgres_cluster.create_database("test_" + secrets.token_hex(6))


@pytest.fixture
def store_url(store_kind: str, request: pytest.FixtureRequest) -> str | None:
    """The test's store: None (the SQLite file in the data dir) or a fresh PostgreSQL database."""
    if store_kind == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return None


@pytest.fixture
async def gateway(tmp_path: Path, store_url: str | None) -> AsyncIterator[Gateway]:
    """The gateway with one fake chat model (echo-1): for tests about the gateway itself."""
    EchoChatEngine.reset()
    async with running_gateway(echo_settings(tmp_path, store_url=store_url)) as gw:
        yield gw
    EchoChatEngine.reset()
