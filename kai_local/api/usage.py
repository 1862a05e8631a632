"""GET /usage: the key's status, product, limits and this month's counts, from the store."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse

from kai_local.api.context import services_of
from kai_local.gateway.auth import principal_of
from kai_local.gateway.usage import period_of, utc_now


async def get_usage(request: Request) -> JSONResponse:
    services = services_of(request)
    key, product = principal_of(request).key, principal_of(request).product
    now = utc_now()
    period = period_of(now)
    totals = await anyio.to_thread.run_sync(services.store.usage_totals, key.id, period)
    trial_remaining: str | None = None
    if key.trial_usage_limit is not None:
        lifetime_ok = await anyio.to_thread.run_sync(services.store.lifetime_ok, key.id)
        trial_remaining = str(max(0, key.trial_usage_limit - lifetime_ok))
    cap = product.monthly_cap
    active = key.status == "active" and not key.trial_over(now)
    body: dict[str, Any] = {
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
    }
    return JSONResponse(body)
