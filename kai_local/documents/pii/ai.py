"""The `ai` strategy: the rules first, then the product's chat model is asked what they missed.

The model sees the text in chunks with the rules' findings already masked, so it only looks at
what is left; it answers one `type: exact text` per line. A reply is accepted only when its
type was asked for and its text occurs literally in the original chunk outside every rule
finding, so the model can add findings but never remove or move one. Bounded for a small CPU
model: max_tokens per chunk, a few chunks at a time, and an overall time budget after which
the rules' result stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass

import anyio

from kai_local.documents.pii.chunks import text_chunks
from kai_local.documents.pii.findings import Finding, coverage
from kai_local.documents.pii.types import entity_of
from kai_local.engines.chat.base import (
    ChatDelta,
    ChatEngine,
    ChatMessage,
    ChatRequest,
    ChatUsage,
    SamplingOptions,
)
from kai_local.errors import InvalidRequest, ServiceUnavailable

SYSTEM = (
    "You are a privacy auditor. A scanner already replaced personal data with tags like [[NAME]]. "
    "List personal data it missed. Answer only lines of the form `type: exact text`, copying the "
    "text exactly as it appears. Answer `none` if nothing is missing."
)
# One worked example: small models follow a shown format far better than a described one.
EXAMPLE_TEXT = "Herr [[NAME]] (Tel. [[PHONE]]) kommt mit seiner Tochter Lisa Berger aus Hallein."
EXAMPLE_ANSWER = "name: Lisa Berger\naddress: Hallein"
LINE = re.compile(r"^\s*[-*\d.)]*\s*\**\s*(?P<type>[A-Za-z_ ]{2,30}?)\s*\**\s*[:=–-]\s*(?P<value>.+?)\s*$")
QUOTES = "\"'`´‘’“”„«»[]()<>*"
MIN_VALUE = 3


@dataclass(frozen=True)
class AiLimits:
    chunk_chars: int = 1500
    max_tokens: int = 200
    timeout_s: float = 60.0
    concurrency: int = 4


@dataclass
class AiResult:
    findings: list[Finding]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    chunks_done: int = 0
    chunks_total: int = 0


async def ai_findings(
    engine: ChatEngine,
    text: str,
    rules: list[Finding],
    pii_types: Sequence[str],
    request_id: str,
    limits: AiLimits,
) -> AiResult:
    """Findings the model adds to `rules` (never overlapping them)."""
    chunks = list(text_chunks(text, limits.chunk_chars))
    result = AiResult(findings=[], chunks_total=len(chunks))
    mask = coverage(len(text), ((f.start, f.end) for f in rules))
    gate = anyio.Semaphore(limits.concurrency)

    async def one(index: int, offset: int, chunk: str) -> None:
        async with gate:
            masked = _masked(chunk, offset, rules)
            reply = await _ask(engine, masked, pii_types, f"{request_id}-pii-{index}", limits, result)
        for pii_type, value in _parse(reply, pii_types):
            for start in _occurrences(chunk, value):
                s, e = offset + start, offset + start + len(value)
                if not any(mask[s:e]):
                    result.findings.append(Finding(pii_type, s, e, 0.6, "ai"))
        result.chunks_done += 1

    with anyio.move_on_after(limits.timeout_s):
        async with anyio.create_task_group() as group:
            for index, (offset, chunk) in enumerate(chunks):
                group.start_soon(one, index, offset, chunk)
    return result


async def _ask(
    engine: ChatEngine, masked: str, pii_types: Sequence[str], request_id: str, limits: AiLimits, result: AiResult
) -> str:
    types = ", ".join(pii_types)
    request = ChatRequest(
        request_id=request_id,
        messages=(
            ChatMessage("system", SYSTEM),
            ChatMessage("user", _prompt(types, EXAMPLE_TEXT)),
            ChatMessage("assistant", EXAMPLE_ANSWER),
            ChatMessage("user", _prompt(types, masked)),
        ),
        sampling=SamplingOptions(temperature=0.0, max_tokens=limits.max_tokens),
    )
    parts: list[str] = []
    try:
        # aclosing: a timeout or cancel closes the stream, which aborts the engine's request.
        async with aclosing(engine.generate(request)) as events:
            async for event in events:
                if isinstance(event, ChatDelta):
                    parts.append(event.text)
                elif isinstance(event, ChatUsage):
                    result.prompt_tokens += event.prompt_tokens
                    result.completion_tokens += event.completion_tokens
    except (InvalidRequest, ServiceUnavailable):
        return ""  # this chunk does not fit the model's context, or the engine is busy: rules stand
    return "".join(parts)


def _prompt(types: str, text: str) -> str:
    return f"Types: {types}\n\nText:\n{text}\n\nMissed personal data:"


def _parse(reply: str, pii_types: Sequence[str]) -> list[tuple[str, str]]:
    allowed = set(pii_types)
    found = []
    for line in reply.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pii_type = m.group("type").strip().lower().replace(" ", "_")
        value = m.group("value").strip().strip(QUOTES).strip()
        if pii_type in allowed and len(value) >= MIN_VALUE and "[[" not in value and value.lower() != "none":
            found.append((pii_type, value))
    return found


def _occurrences(chunk: str, value: str) -> list[int]:
    """Whole-word occurrences of `value` in the chunk."""
    starts = []
    start = chunk.find(value)
    while start != -1:
        end = start + len(value)
        before = chunk[start - 1] if start else " "
        after = chunk[end] if end < len(chunk) else " "
        if not (before.isalnum() and value[0].isalnum()) and not (after.isalnum() and value[-1].isalnum()):
            starts.append(start)
        start = chunk.find(value, start + 1)
    return starts


def _masked(chunk: str, offset: int, rules: list[Finding]) -> str:
    """The chunk with each rule finding replaced by its bare tag ([[NAME]])."""
    out, pos = [], 0
    for f in rules:
        s, e = f.start - offset, f.end - offset
        if e <= 0 or s >= len(chunk):
            continue
        s, e = max(s, 0), min(e, len(chunk))
        if s < pos:
            continue
        out.append(chunk[pos:s])
        out.append(f"[[{entity_of(f.pii_type)}]]")
        pos = e
    out.append(chunk[pos:])
    return "".join(out)
