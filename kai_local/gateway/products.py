"""Products: what a key may do (endpoints, models) and its limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from kai_local.endpoints import PERMISSIONS
from kai_local.errors import InvalidRequest

# The permissions a product can grant; each names one POST endpoint (kai_local.endpoints).
ENDPOINTS: tuple[str, ...] = PERMISSIONS

DEFAULT_PRODUCT = "default"
DEFAULT_MAX_FILE_SIZE = 25600 * 1024  # the spec's 25600 kilobytes


@dataclass(frozen=True)
class Product:
    name: str
    label: str
    usage_label: str = "API Requests"
    rate_limit_per_minute: int = 600
    max_concurrent: int = 8
    monthly_cap: int | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    endpoints: tuple[str, ...] = ENDPOINTS
    # Model ids this product may use; empty means every model the server knows.
    models: tuple[str, ...] = ()
    default_chat_model: str | None = None
    default_transcription_model: str | None = None
    addons: tuple[str, ...] = field(default=())
    features: tuple[str, ...] = field(default=())

    def allows_model(self, model_id: str) -> bool:
        return not self.models or model_id in self.models


def parse_endpoints(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [n for n in names if n not in ENDPOINTS]
    if unknown:
        raise InvalidRequest(
            f"Unknown endpoint(s) {', '.join(unknown)}; valid: {', '.join(ENDPOINTS)}",
            param="endpoints",
        )
    return names


def parse_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
