"""API keys: generated once, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

KEY_PREFIX = "sk-kai-"


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    id: str
    product: str
    status: str  # "active" | "inactive"
    is_free: bool
    created_at: datetime
    trial_ends_at: datetime | None
    trial_usage_limit: int | None
    label: str | None = None  # the operator's note: whose key this is

    @property
    def is_trial(self) -> bool:
        return self.trial_ends_at is not None or self.trial_usage_limit is not None

    def trial_over(self, now: datetime) -> bool:
        return self.trial_ends_at is not None and now >= self.trial_ends_at
