"""Typed settings. Built once (from the CLI and the environment) and passed in; never read globally."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import platformdirs

from kai_local.documents.ocr import DEFAULT_LANGUAGES

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODELS_FILE = PACKAGE_DIR.parent / "models.toml"


def default_data_dir() -> Path:
    """`KAI_DATA_DIR`, else the per-user data folder (e.g. ~/.local/share/kai-local)."""
    env = os.environ.get("KAI_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("kai-local", appauthor=False))


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
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
    extract_max_pages: int = 500
    extract_max_pixels: int = 60_000_000
    extract_max_unzipped_bytes: int = 200 * 2**20
    extract_max_zip_members: int = 10_000
    extract_ocr_timeout_s: float = 120.0
    extract_parse_timeout_s: float = 120.0
    extract_ocr_dpi: int = 300
    # OCR: "tesseract" (default) or "easyocr" (needs its weights in easyocr_model_dir).
    ocr_engine: str = "tesseract"
    ocr_languages: str = DEFAULT_LANGUAGES
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
    anonymize_ai_chunk_chars: int = 1500
    anonymize_ai_max_tokens: int = 200
    anonymize_ai_concurrency: int = 4
    anonymize_ai_timeout_s: float = 60.0
    # PII detection: the longest extracted text it takes (413 text_too_long past it; ~700 pages)
    # and its own deadline (413 detection_timeout), checked between chunks of the text.
    anonymize_max_chars: int = 2_000_000
    anonymize_detect_timeout_s: float = 120.0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kai-local.sqlite3"

    @property
    def models_dir(self) -> Path:
        """Prepared model weights: `$KAI_MODELS_DIR` if set, else DATA_DIR/models."""
        return self.models_dir_override or self.data_dir / "models"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then `KAI_*` environment variables, then explicit overrides (CLI flags)."""
        base = cls(
            models_file=Path(os.environ.get("KAI_MODELS_FILE", str(DEFAULT_MODELS_FILE))),
            host=os.environ.get("KAI_HOST", "127.0.0.1"),
            port=_env_int("KAI_PORT", 8000),
            gpu_slots_per_device=_env_int("KAI_GPU_SLOTS_PER_DEVICE", 1),
            gpu_wait_timeout_s=_env_float("KAI_GPU_WAIT_TIMEOUT_S", 30.0),
            cpu_workers=_env_int("KAI_CPU_WORKERS", 2),
            cpu_queue_limit=_env_int("KAI_CPU_QUEUE_LIMIT", 16),
            max_json_bytes=_env_int("KAI_MAX_JSON_BYTES", 4 * 2**20),
            isolation_memory_bytes=_env_int("KAI_ISOLATION_MEMORY_BYTES", 3 * 2**30),
            isolation_cpu_seconds=_env_float("KAI_ISOLATION_CPU_SECONDS", 300.0),
            isolation_tasks_per_worker=_env_int("KAI_ISOLATION_TASKS_PER_WORKER", 50),
            media_decode_timeout_s=_env_float("KAI_MEDIA_DECODE_TIMEOUT_S", 300.0),
            shutdown_timeout_s=_env_float("KAI_SHUTDOWN_TIMEOUT_S", 10.0),
            models_dir_override=Path(os.environ["KAI_MODELS_DIR"]) if os.environ.get("KAI_MODELS_DIR") else None,
            extract_max_pages=_env_int("KAI_EXTRACT_MAX_PAGES", 500),
            extract_max_pixels=_env_int("KAI_EXTRACT_MAX_PIXELS", 60_000_000),
            extract_max_unzipped_bytes=_env_int("KAI_EXTRACT_MAX_UNZIPPED_BYTES", 200 * 2**20),
            extract_max_zip_members=_env_int("KAI_EXTRACT_MAX_ZIP_MEMBERS", 10_000),
            extract_ocr_timeout_s=_env_float("KAI_EXTRACT_OCR_TIMEOUT_S", 120.0),
            extract_parse_timeout_s=_env_float("KAI_EXTRACT_PARSE_TIMEOUT_S", 120.0),
            extract_ocr_dpi=_env_int("KAI_EXTRACT_OCR_DPI", 300),
            ocr_engine=os.environ.get("KAI_OCR_ENGINE", "tesseract"),
            ocr_languages=os.environ.get("KAI_OCR_LANGUAGES", DEFAULT_LANGUAGES),
            easyocr_model_dir=Path(os.environ["KAI_EASYOCR_MODEL_DIR"])
            if os.environ.get("KAI_EASYOCR_MODEL_DIR")
            else None,
            max_audio_seconds=_env_float("KAI_MAX_AUDIO_SECONDS", 10_800.0),
            metadata_timeout_s=_env_float("KAI_METADATA_TIMEOUT_S", 60.0),
            pii_preload=os.environ.get("KAI_PII_PRELOAD", "1") not in ("0", "false", "no"),
            anonymize_ai_chunk_chars=_env_int("KAI_ANONYMIZE_AI_CHUNK_CHARS", 1500),
            anonymize_ai_max_tokens=_env_int("KAI_ANONYMIZE_AI_MAX_TOKENS", 200),
            anonymize_ai_concurrency=_env_int("KAI_ANONYMIZE_AI_CONCURRENCY", 4),
            anonymize_ai_timeout_s=_env_float("KAI_ANONYMIZE_AI_TIMEOUT_S", 60.0),
            anonymize_max_chars=_env_int("KAI_ANONYMIZE_MAX_CHARS", 2_000_000),
            anonymize_detect_timeout_s=_env_float("KAI_ANONYMIZE_DETECT_TIMEOUT_S", 120.0),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("data_dir", "models_file", "models_dir_override", "easyocr_model_dir"):
            if key in clean:
                clean[key] = Path(clean[key])  # type: ignore[arg-type]
        return replace(base, **clean)  # type: ignore[arg-type]
