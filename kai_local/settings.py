"""Typed settings. Built once (from the CLI and the environment) and passed in; never read globally."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import platformdirs

from kai_local.documents.extract.base import ExtractionLimits
from kai_local.documents.pii.ai import AiLimits

# The engines' own defaults, written once there.
_EXTRACTION = ExtractionLimits()
_AI = AiLimits()

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODELS_FILE = PACKAGE_DIR.parent / "models.toml"


def default_data_dir() -> Path:
    """`KAI_DATA_DIR`, else the per-user data folder (e.g. ~/.local/share/kai-local)."""
    env = os.environ.get("KAI_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("kai-local", appauthor=False))


# Each setting but these is read from KAI_<NAME IN CAPITALS> by Settings.from_env.
_ENV_NAMES = {"models_dir_override": "KAI_MODELS_DIR"}
_NOT_FROM_ENV = ("data_dir", "load_engines")  # data_dir's default reads KAI_DATA_DIR itself


def _parse(name: str, raw: str, kind: str) -> object:
    """An environment variable's text as the setting's type (the annotation's text)."""
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number ({kind}), not {raw!r}") from None
    if kind == "bool":
        return raw.strip().lower() not in ("0", "false", "no", "off")
    if kind.startswith("Path"):
        return Path(raw)
    return raw


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    # The store (products, keys, usage; shared limits): sqlite:///PATH or postgresql://...;
    # unset: the SQLite file DATA_DIR/kai-local.sqlite3.
    store_url: str | None = None
    # PostgreSQL store: how long a concurrency slot outlives a process that died holding it
    # (renewed every third of it while its request runs).
    limit_lease_s: float = 60.0
    models_file: Path = DEFAULT_MODELS_FILE
    host: str = "127.0.0.1"
    port: int = 8000
    # GPU semaphore: concurrent engine calls per accelerator, and how long a request may wait.
    gpu_slots_per_device: int = 1
    gpu_wait_timeout_s: float = 30.0
    # Blocking CPU work (transcription, OCR, parsing) runs in a bounded pool; past the queue: 503.
    cpu_workers: int = 2
    cpu_queue_limit: int = 16
    # Parsing untrusted uploads (extraction, OCR, metadata stripping, media decoding) runs in
    # `cpu_workers` worker processes (kai_local.runtime.isolation), each capped at this address
    # space and this much CPU per job; a worker is recycled after `isolation_tasks_per_worker` jobs.
    isolation_memory_bytes: int = 3 * 2**30
    isolation_cpu_seconds: float = 300.0
    isolation_tasks_per_worker: int = 50
    # Wall-clock deadline of one media decoding job (probing + decoding, before recognition).
    media_decode_timeout_s: float = 300.0
    # SIGTERM: parse workers are killed at once; requests still running after this get cut.
    shutdown_timeout_s: float = 10.0
    # Slack on top of a product's max_file_size for the multipart envelope and form fields.
    multipart_overhead_bytes: int = 1 << 20
    # A JSON body (chat) is parsed whole into Python objects: its own small limit, whatever
    # the product allows for file uploads.
    max_json_bytes: int = 4 * 2**20
    # Start engines (vLLM, whisper) at start-up. Tests of the gateway alone turn this off.
    load_engines: bool = True
    models_dir_override: Path | None = None
    # Document text extraction (kai_local.documents.extraction): bounds per uploaded document.
    extract_max_pages: int = _EXTRACTION.max_pages
    extract_max_pixels: int = _EXTRACTION.max_pixels
    extract_max_unzipped_bytes: int = _EXTRACTION.max_unzipped_bytes
    extract_max_zip_members: int = _EXTRACTION.max_zip_members
    extract_ocr_timeout_s: float = _EXTRACTION.ocr_timeout_s
    extract_parse_timeout_s: float = _EXTRACTION.parse_timeout_s
    extract_ocr_dpi: int = _EXTRACTION.ocr_dpi
    # OCR: "tesseract" (default) or "easyocr" (needs its weights in easyocr_model_dir).
    ocr_engine: str = "tesseract"
    ocr_languages: str = _EXTRACTION.ocr_languages
    easyocr_model_dir: Path | None = None
    # Transcription: longest audio decoded per upload (decoded samples take 64 KB a second).
    max_audio_seconds: float = 10_800.0
    # Metadata stripping: longest one exiftool command may run before it is killed (then 400).
    metadata_timeout_s: float = 60.0
    # Anonymization: load spaCy + Presidio (seconds) at start-up; off, on the first request
    # (the server turns it on via KAI_PII_PRELOAD, default 1; in-process test apps leave it off).
    pii_preload: bool = False
    # strategy=ai: text per model call, answer bound, calls at once, and total time after which
    # the rules' findings stand alone.
    anonymize_ai_chunk_chars: int = _AI.chunk_chars
    anonymize_ai_max_tokens: int = _AI.max_tokens
    anonymize_ai_concurrency: int = _AI.concurrency
    anonymize_ai_timeout_s: float = _AI.timeout_s
    # PII detection: the longest extracted text it takes (413 text_too_long past it; ~700 pages)
    # and its own deadline (413 detection_timeout), checked between chunks of the text.
    anonymize_max_chars: int = 2_000_000
    anonymize_detect_timeout_s: float = 120.0
    # GET /metrics (Prometheus): on by default; with a token it asks for it as a bearer token.
    metrics: bool = True
    metrics_token: str | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kai-local.sqlite3"

    @property
    def store_location(self) -> str:
        return self.store_url or f"sqlite:///{self.db_path.resolve()}"

    @property
    def models_dir(self) -> Path:
        """Prepared model weights: `$KAI_MODELS_DIR` if set, else DATA_DIR/models."""
        return self.models_dir_override or self.data_dir / "models"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then `KAI_*` environment variables, then explicit overrides (CLI flags)."""
        values: dict[str, object] = {}
        for setting in fields(cls):
            if setting.name in _NOT_FROM_ENV:
                continue
            name = _ENV_NAMES.get(setting.name, "KAI_" + setting.name.upper())
            raw = os.environ.get(name)
            if raw:  # set and not empty
                values[setting.name] = _parse(name, raw, str(setting.type))
        # The server loads the PII engine at start-up unless told not to (KAI_PII_PRELOAD=0).
        values.setdefault("pii_preload", True)
        base = cls(**values)  # type: ignore[arg-type]
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("data_dir", "models_file", "models_dir_override", "easyocr_model_dir"):
            if key in clean:
                clean[key] = Path(clean[key])  # type: ignore[arg-type]
        return replace(base, **clean)  # type: ignore[arg-type]
