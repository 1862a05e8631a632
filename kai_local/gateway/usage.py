"""Usage accounting: what one request adds to its key's monthly aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def period_of(moment: datetime) -> str:
    """Billing period, `YYYY-MM` in UTC."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"  # strftime costs more, on every request


@dataclass
class UsageRecord:
    """Filled in by the route handler on `request.state.usage`, stored by the gateway."""

    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    audio_seconds: float = 0.0
    # Set by a route whose response failed after its 200 status went out (a broken stream).
    failed: bool = False


@dataclass(frozen=True)
class UsageTotals:
    requests: int = 0
    ok: int = 0
    errors: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    audio_seconds: float = 0.0
