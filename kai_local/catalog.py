"""The model catalog: every model the server knows, read from `models.toml`.

Each `[models."ID"]` table names its engine (a key of the engine registry), its kind
(`chat` or `transcription`), where its weights lie, the device it runs on, aliases, and
`engine_args` passed through to the engine. `{models_dir}` in a path is the settings' models folder.
A model whose weights are absent is known but not available: not listed, not loaded.
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kai_local.errors import NotFound


class ModelAccess(Protocol):
    """What the catalog needs of a product (kai_local.gateway.products.Product): which models
    it may use and its defaults. A Protocol, so that the catalog does not import the gateway."""

    # read-only: products are frozen dataclasses
    @property
    def name(self) -> str: ...
    @property
    def default_chat_model(self) -> str | None: ...
    @property
    def default_transcription_model(self) -> str | None: ...

    def allows_model(self, model_id: str) -> bool: ...


KINDS = ("chat", "transcription")


@dataclass(frozen=True)
class ModelSpec:
    id: str
    kind: str
    engine: str
    weights: Path | None  # None: nothing local to load (e.g. an openai-upstream pool)
    device: str = "cpu"
    aliases: tuple[str, ...] = ()
    engine_args: dict[str, Any] = field(default_factory=dict)
    owned_by: str = "kai"
    # Where `kai-local models prepare` builds the weights from (e.g. a bundled package).
    prepare: dict[str, Any] = field(default_factory=dict)

    @property
    def weights_dir(self) -> Path:
        """The local weights folder of an engine that loads one (the catalog requires it)."""
        if self.weights is None:
            raise ValueError(f"model {self.id!r} has no local weights")
        return self.weights

    @property
    def available(self) -> bool:
        return self.weights is None or self.weights.exists()

    @property
    def created(self) -> int:
        """Unix time the weights were put in place (what OpenAI's `created` means for a model)."""
        if self.weights is None or not self.weights.exists():
            return 0
        return int(self.weights.stat().st_mtime)


class ModelCatalog:
    def __init__(self, models: list[ModelSpec]) -> None:
        self.models = {m.id: m for m in models}
        self._aliases = {alias: m.id for m in models for alias in m.aliases}
        # Which weights are in place, looked at once: engines load at start-up, so a model
        # prepared later is served after a restart. Also keeps file-system calls off requests.
        # A model with nothing local (an upstream pool) counts from when the catalog loaded.
        loaded_at = int(time.time())
        self._created = {m.id: m.created or loaded_at for m in models if m.available}

    def created(self, spec: ModelSpec) -> int:
        return self._created.get(spec.id, 0)

    @classmethod
    def load(cls, path: Path, models_dir: Path) -> ModelCatalog:
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the models file: {exc.strerror or exc}") from None
        models = []
        for model_id, entry in raw.get("models", {}).items():
            kind = entry.get("kind", "chat")
            if kind not in KINDS:
                raise ValueError(f"{path}: model {model_id!r} has unknown kind {kind!r}")
            raw_weights = entry.get("weights")
            if raw_weights is None and entry["engine"] != "openai-upstream":
                raise ValueError(f"{path}: model {model_id!r} needs `weights` (a local folder)")
            weights = (
                None
                if raw_weights is None
                else Path(str(raw_weights).replace("{models_dir}", str(models_dir))).expanduser()
            )
            models.append(
                ModelSpec(
                    id=model_id,
                    kind=kind,
                    engine=entry["engine"],
                    weights=weights,
                    device=entry.get("device", "cpu"),
                    aliases=tuple(entry.get("aliases", ())),
                    engine_args=dict(entry.get("engine_args", {})),
                    owned_by=entry.get("owned_by", "kai"),
                    prepare=dict(entry.get("prepare", {})),
                )
            )
        return cls(models)

    def available(self, product: ModelAccess | None = None, kind: str | None = None) -> list[ModelSpec]:
        return [
            m
            for m in self.models.values()
            if m.id in self._created
            and (kind is None or m.kind == kind)
            and (product is None or product.allows_model(m.id))
        ]

    def default_for(self, product: ModelAccess, kind: str) -> ModelSpec:
        configured = product.default_chat_model if kind == "chat" else product.default_transcription_model
        if configured:
            return self.resolve(configured, kind, product)
        candidates = self.available(product, kind)
        if not candidates:
            raise NotFound(
                f"No {kind} model is available for product '{product.name}'",
                code="model_not_found",
                param="model",
            )
        return candidates[0]

    def resolve(self, requested: str | None, kind: str, product: ModelAccess) -> ModelSpec:
        """A request's `model` value to a servable model; None or "" means the product default."""
        if not requested:
            return self.default_for(product, kind)
        if kind == "transcription" and requested == "whisper-1" and "whisper-1" not in self._aliases:
            return self.default_for(product, kind)
        model_id = requested if requested in self.models else self._aliases.get(requested)
        spec = self.models.get(model_id) if model_id else None
        if spec is None or spec.kind != kind or spec.id not in self._created or not product.allows_model(spec.id):
            raise NotFound(
                f"The model '{requested}' does not exist or you do not have access to it.",
                code="model_not_found",
                param="model",
            )
        return spec
