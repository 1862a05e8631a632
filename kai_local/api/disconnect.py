"""Work that stops when the client goes away (a chat request whose caller closed the socket)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import anyio
from starlette.requests import Request

T = TypeVar("T")


async def unless_disconnected(request: Request, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Await `work`, cancelling it if the client disconnects first: (finished, result).

    Only for the time before a response starts; a started stream is watched by Starlette's
    StreamingResponse. The body is already read, so the next ASGI message is the disconnect.
    """
    results: list[T] = []
    failures: list[Exception] = []
    async with anyio.create_task_group() as group:
        group.start_soon(_cancel_on_disconnect, request, group.cancel_scope)
        try:
            results.append(await work)
        except Exception as exc:  # re-raised below as it is: the task group would wrap it
            failures.append(exc)
        group.cancel_scope.cancel()
    if failures:
        raise failures[0]
    return (True, results[0]) if results else (False, None)


async def _cancel_on_disconnect(request: Request, scope: anyio.CancelScope) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
    scope.cancel()
