"""Typed settings. Built once (from the CLI and the environment) and passed in; never read globally."""

from __future__ import annotations

import os
from dataclasses import field, fields, replace
from pathlib import Path

import platformdirs
import pydantic
from pydantic.dataclasses import dataclass

from kai_local.documents.extract.base import ExtractionLimits
from kai_local.documents.pii.ai import AiLimits

# The engines' own defaults, written once there.
_EXTRACTION = ExtractionLimits()
_AI = AiLimits()

PACKAGE_DIR = Path(__file__).resolve().parent
# What the service reads (deploy/kai-local.service's EnvironmentFile); the CLI reads it too.
DEFAULT_CONFIG_FILE = Path("/etc/kai-local/kai-local.env")
DEFAULT_MODELS_FILE = PACKAGE_DIR.parent / "models.toml"


def default_data_dir() -> Path:
    """`KAI_DATA_DIR`, else the per-user data folder (e.g. ~/.local/share/kai-local)."""
    env = os.environ.get("KAI_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("kai-local", appauthor=False))


# Each setting but load_engines is read from KAI_<NAME IN CAPITALS> by Settings.from_env.
_ENV_NAMES = {"models_dir_override": "KAI_MODELS_DIR"}


# Declared once, as a typed dataclass that pydantic validates: the environment's and the config
# file's text is converted by the annotations (lax mode: "2" -> 2, "off" -> False, a path -> Path),
# and a value that does not fit is refused with pydantic's reason, not guessed at.
@dataclass(frozen=True, config=pydantic.ConfigDict(extra="forbid"))
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
    # HTTPS served by uvicorn itself (both, PEM files); or a reverse proxy in front, see the docs.
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
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
    # The web console at /ui/ (KAI_UI=0 turns it off).
    ui: bool = True

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kai-local.sqlite3"

    def tls_options(self) -> dict[str, str]:
        """uvicorn's TLS options, once both files are there and readable (else one clear error)."""
        files = {"ssl_certfile": self.ssl_certfile, "ssl_keyfile": self.ssl_keyfile}
        given = {name: path for name, path in files.items() if path is not None}
        if not given:
            return {}
        if len(given) == 1:
            raise ValueError("HTTPS needs both --ssl-certfile and --ssl-keyfile (KAI_SSL_CERTFILE, KAI_SSL_KEYFILE)")
        for name, path in given.items():
            if not os.access(path, os.R_OK) or not path.is_file():
                raise ValueError(f"--{name.replace('_', '-')} {path}: not a readable file")
        return {name: str(path) for name, path in given.items()}

    @property
    def store_location(self) -> str:
        return self.store_url or f"sqlite:///{self.db_path.resolve()}"

    @property
    def models_dir(self) -> Path:
        """Prepared model weights: `$KAI_MODELS_DIR` if set, else DATA_DIR/models."""
        return self.models_dir_override or self.data_dir / "models"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then the config file, then `KAI_*` environment variables, then explicit
        overrides (CLI flags)."""
        return cls.explain(**overrides)[0]

    @classmethod
    def explain(cls, **overrides: object) -> tuple[Settings, dict[str, str]]:
        """`from_env`'s settings, and where each came from: "default", the config file's path,
        "environment (KAI_...)" or "flag"."""
        config_file, from_file = config_file_values()
        values: dict[str, object] = {}
        sources: dict[str, str] = {}
        for setting in fields(cls):
            if setting.name == "load_engines":
                continue
            name = _ENV_NAMES.get(setting.name, "KAI_" + setting.name.upper())
            raw = os.environ.get(name)
            source = f"environment ({name})"
            if not raw and from_file.get(name):
                raw, source = from_file[name], f"{config_file} ({name})"
            if raw:  # set and not empty
                values[setting.name] = raw
                sources[setting.name] = source
        # The server loads the PII engine at start-up unless told not to (KAI_PII_PRELOAD=0).
        values.setdefault("pii_preload", True)
        try:
            base = cls(**values)  # type: ignore[arg-type]
        except pydantic.ValidationError as exc:
            raise ValueError(_one_line(exc, values, sources)) from None
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in (
            "data_dir",
            "models_file",
            "models_dir_override",
            "easyocr_model_dir",
            "ssl_certfile",
            "ssl_keyfile",
        ):
            if key in clean:
                clean[key] = Path(clean[key])  # type: ignore[arg-type]
        sources.update(dict.fromkeys(clean, "flag"))
        try:
            settings = replace(base, **clean)  # type: ignore[arg-type]
        except pydantic.ValidationError as exc:
            raise ValueError(_one_line(exc, clean, sources)) from None
        return settings, {f.name: sources.get(f.name, "default") for f in fields(cls) if f.name != "load_engines"}


def _one_line(exc: pydantic.ValidationError, values: dict[str, object], sources: dict[str, str]) -> str:
    """The first bad value as one line: which variable or flag, what it was, where it was set and
    what is accepted, e.g. `KAI_CPU_WORKERS='two' (environment): Input should be a valid integer`."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    source = sources.get(name, "")
    if source == "flag":
        return f"--{name.replace('_', '-')} {values.get(name)!r}: {error['msg']}"
    where, _, variable = source.rpartition(" (")
    return f"{variable.rstrip(')') or name}={values.get(name)!r} ({where}): {error['msg']}"


def config_file_values() -> tuple[Path | None, dict[str, str]]:
    """The `KAI_*` lines of the config file the service reads (`KAI_CONFIG_FILE`, default
    /etc/kai-local/kai-local.env, systemd's EnvironmentFile format), so that an administrator's
    CLI finds the service's store. None and {} when there is none."""
    named = os.environ.get("KAI_CONFIG_FILE")
    path = Path(named) if named else DEFAULT_CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if named:
            raise ValueError(f"KAI_CONFIG_FILE names {path}, which does not exist") from None
        return None, {}
    except OSError as exc:  # e.g. not readable by this user: say so, do not guess silently
        raise ValueError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if name.strip().startswith("KAI_"):
            values[name.strip()] = value
    return path, values
