"""Everything a request may use, built once in the lifespan and shared through request state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from kai_local.catalog import ModelCatalog
from kai_local.gateway.admission import Limits
from kai_local.gateway.auth import KeyCache
from kai_local.gateway.store import Store
from kai_local.runtime.gpu import GpuSemaphore
from kai_local.runtime.isolation import IsolatedPool
from kai_local.runtime.metrics import Metrics
from kai_local.runtime.workpool import CpuPool
from kai_local.settings import Settings

if TYPE_CHECKING:
    from kai_local.documents.pii.service import DocumentAnonymizer
    from kai_local.engines.registry import Engine


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    catalog: ModelCatalog
    gpu: GpuSemaphore
    cpu_pool: CpuPool
    # Worker processes for everything that parses an upload (kai_local.runtime.isolation).
    parse_pool: IsolatedPool
    key_cache: KeyCache
    # Per-key rate, concurrency, monthly cap and trial allowance: in this process's memory
    # (SQLite store) or in the database, shared by every gateway (PostgreSQL store).
    limits: Limits
    # Prometheus metrics of this process (GET /metrics).
    metrics: Metrics = field(default_factory=Metrics)
    # Loaded engines by model id (chat engines, transcribers); filled by the lifespan.
    engines: dict[str, Engine] = field(default_factory=dict)
    # /documents/anonymize: extraction + PII detection (spaCy, Presidio) + placeholders.
    anonymizer: DocumentAnonymizer | None = None
    # A SQLite store's in-use lock (kai_local.backup), held while this app runs: restore waits.
    store_in_use: IO[bytes] | None = None
