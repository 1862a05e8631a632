"""Who is calling: the authenticated key and its product."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from kai_local.gateway.keys import ApiKey
from kai_local.gateway.products import Product


@dataclass(frozen=True)
class Principal:
    key: ApiKey
    product: Product


def principal_of(request: Request) -> Principal:
    """The principal the gateway middleware attached to this request."""
    return request.state.principal
