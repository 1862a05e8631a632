"""The service behind POST /documents/anonymize: extraction, detection, placeholders.

One instance lives on the Services (built in the lifespan). Its Anonymizer (spaCy + Presidio,
a few seconds to load) is loaded there when `settings.pii_preload` is on (the server's
default), else on the first request, once, under a lock. `run` is the whole pipeline of one
request; the other methods are its blocking steps (CPU work, for `services.cpu_pool.run`).

Nothing of a document's text or its mapping is logged: an unexpected error inside detection is
logged by type and source line only, and the client gets a 500 naming no content.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from kai_local.documents import jobs
from kai_local.documents.extraction import (
    ExtractedDocument,
    ExtractionLimits,
    OcrEngine,
    build_ocr_engine,
    extract_document,
    extraction_limits,
)
from kai_local.documents.pii.ai import AiLimits, AiResult, ai_findings
from kai_local.documents.pii.findings import Finding
from kai_local.errors import InternalError, KaiError, PayloadTooLarge
from kai_local.runtime.isolation import IsolatedPool
from kai_local.runtime.workpool import CpuPool
from kai_local.settings import Settings

if TYPE_CHECKING:  # spaCy and Presidio are imported when the Anonymizer is built
    from kai_local.documents.pii.anonymizer import Anonymized, Anonymizer
    from kai_local.engines.chat.base import ChatEngine

log = logging.getLogger("kai_local.pii")
T = TypeVar("T")


# The worker enforces the parse and OCR budgets itself; the process deadline is the backstop
# for a parser stuck where no budget is checked (inside pdfminer, lxml, a C library).
PARSE_DEADLINE_SLACK_S = 10.0


@dataclass(frozen=True)
class Outcome:
    """One anonymized upload: what extraction found, the result, and what the model cost."""

    document: ExtractedDocument
    result: Anonymized
    ai: AiResult | None


@dataclass(frozen=True)
class AnonymizeSettings:
    limits: ExtractionLimits
    ai: AiLimits
    max_chars: int = 2_000_000
    detect_timeout_s: float = 120.0


class DocumentAnonymizer:
    def __init__(
        self, ocr: OcrEngine, config: AnonymizeSettings, load_engine: Callable[[], Anonymizer] | None = None
    ) -> None:
        """`load_engine` builds the PII engine when first needed (default: Anonymizer.build, a
        few seconds); a caller that has one already (the tests share one) passes its own."""
        self.ocr = ocr
        self.config = config
        self._load_engine = load_engine or _build_engine
        self._engine: Anonymizer | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, load_engine: Callable[[], Anonymizer] | None = None
    ) -> DocumentAnonymizer:
        ai = AiLimits(
            chunk_chars=settings.anonymize_ai_chunk_chars,
            max_tokens=settings.anonymize_ai_max_tokens,
            timeout_s=settings.anonymize_ai_timeout_s,
            concurrency=settings.anonymize_ai_concurrency,
        )
        config = AnonymizeSettings(
            extraction_limits(settings), ai, settings.anonymize_max_chars, settings.anonymize_detect_timeout_s
        )
        return cls(build_ocr_engine(settings), config, load_engine)

    @property
    def engine(self) -> Anonymizer:
        """Loaded once; later calls return at once."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._load_engine()
        return self._engine

    def load(self) -> None:
        _ = self.engine

    async def run(
        self,
        data: bytes,
        filename: str,
        pii_types: Sequence[str],
        *,
        owner: str,
        parse_pool: IsolatedPool,
        cpu_pool: CpuPool,
        engine: ChatEngine | None = None,
        request_id: str = "",
    ) -> Outcome:
        """The whole pipeline: extraction in a parse worker (owned by the key `owner`),
        detection and placeholders in the CPU pool, and with an `engine` (strategy `ai`) what
        the model adds to the rules' findings."""
        limits = self.config.limits
        document = await parse_pool.run(
            jobs.extract,
            data,
            filename,
            limits,
            self.ocr,
            deadline_s=limits.parse_timeout_s + limits.ocr_timeout_s + PARSE_DEADLINE_SLACK_S,
            owner=owner,
        )
        text = document.text
        findings = await cpu_pool.run(self.detect, text, pii_types)
        added = None
        if engine is not None:
            added = await ai_findings(engine, text, findings, pii_types, request_id, self.config.ai)
            if added.findings:
                findings = await cpu_pool.run(self.merge, text, findings, added.findings)
        result = await cpu_pool.run(self.finish, text, filename, findings, pii_types)
        return Outcome(document, result, added)

    def extract(self, data: bytes, filename: str) -> ExtractedDocument:
        return extract_document(data, filename, self.config.limits, self.ocr)

    def check_length(self, text: str) -> None:
        """413 before detection for a text past `max_chars` (a small upload can extract to a lot)."""
        if len(text) > self.config.max_chars:
            raise PayloadTooLarge(
                f"The document's text has {len(text):,} characters; at most {self.config.max_chars:,} can be "
                "anonymized in one request. Split the document.",
                code="text_too_long",
                param="files",
            )

    def detect(self, text: str, pii_types: Sequence[str]) -> list[Finding]:
        self.check_length(text)
        deadline = time.monotonic() + self.config.detect_timeout_s
        return _without_content_in_logs(lambda: self.engine.detect(text, pii_types, deadline=deadline))

    def merge(self, text: str, rules: list[Finding], extra: list[Finding]) -> list[Finding]:
        return _without_content_in_logs(lambda: self.engine.merge(text, rules, extra))

    def finish(self, text: str, filename: str, findings: list[Finding], pii_types: Sequence[str]) -> Anonymized:
        return _without_content_in_logs(lambda: self.engine.anonymize(text, filename, findings, pii_types))


def _without_content_in_logs(work: Callable[[], T]) -> T:
    """Run `work`; an unexpected error is logged without its message (which could quote the
    document, e.g. a KeyError naming a value) and becomes a bare 500."""
    try:
        return work()
    except KaiError:
        raise
    except Exception as exc:
        where = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
        log.error("PII processing failed: %s at %s", type(exc).__name__, " <- ".join(reversed(where)))
        raise InternalError("The document could not be anonymized because of a server error.") from None


def _build_engine() -> Anonymizer:
    from kai_local.documents.pii.anonymizer import Anonymizer  # spaCy and Presidio load here

    return Anonymizer.build()
