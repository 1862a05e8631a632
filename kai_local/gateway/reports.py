"""What `GET /usage` answers for a key, and `kai-local usage` prints for any key: one report,
built from the store in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kai_local.gateway.keys import ApiKey
from kai_local.gateway.products import Product
from kai_local.gateway.store import Store


def usage_report(store: Store, key: ApiKey, product: Product, period: str, now: datetime) -> dict[str, Any]:
    """The key's status, product, limits and the counts of `period` (YYYY-MM), as the API's
    /usage schema has them. Blocking (store reads): async callers run it in a thread."""
    totals = store.usage_totals(key.id, period)
    trial_remaining: str | None = None
    if key.trial_usage_limit is not None:
        trial_remaining = str(max(0, key.trial_usage_limit - store.lifetime_ok(key.id)))
    cap = product.monthly_cap
    active = key.status == "active" and not key.trial_over(now)
    return {
        "status": "active" if active else "inactive",
        "is_free": key.is_free,
        "is_trial": key.is_trial,
        "trial_ends_at": key.trial_ends_at.isoformat() if key.trial_ends_at else None,
        "period": period,
        "product": product.name,
        "product_label": product.label,
        "usage_label": product.usage_label,
        "total_requests": totals.requests,
        "total_ok": totals.ok,
        "total_errors": totals.errors,
        "total_tokens_in": totals.tokens_in,
        "total_tokens_out": totals.tokens_out,
        "total_audio_seconds": round(totals.audio_seconds, 3),
        "rate_limit_per_minute": product.rate_limit_per_minute,
        "max_concurrent_requests": product.max_concurrent,
        "monthly_usage_cap": cap,
        "usage_remaining": None if cap is None else max(0, cap - totals.ok),
        # The spec types both trial fields as strings.
        "trial_usage_limit": None if key.trial_usage_limit is None else str(key.trial_usage_limit),
        "trial_usage_remaining": trial_remaining,
        "max_file_size": product.max_file_size,
        "addons": list(product.addons),
        "enabled_features": list(product.features),
        "enabled_endpoints": list(product.endpoints),
        # Beyond the spec (clients of the original ignore it): the period's counts per endpoint.
        "usage_by_endpoint": {
            endpoint: {
                "requests": t.requests,
                "ok": t.ok,
                "errors": t.errors,
                "tokens_in": t.tokens_in,
                "tokens_out": t.tokens_out,
                "audio_seconds": round(t.audio_seconds, 3),
            }
            for endpoint, t in store.usage_by_endpoint(key.id, period).items()
        },
    }
