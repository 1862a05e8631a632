"""Work that stops when the client goes away (a chat request whose caller closed the socket)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import anyio
from starlette.requests import Request

T = TypeVar("T")


async def unless_disconnected(request: Request, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Await `work`, cancelling it if the client disconnects first: (finished, result).

    Only for the time before a response starts; a started stream is watched by Starlette's
    StreamingResponse. The body is already read, so the next ASGI message is the disconnect.
    Exceptions of `work` pass through as they are.

    The watcher is a plain asyncio task, stopped with Task.cancel: it runs on every chat request,
    and a task group plus CancelScope.cancel (which formats the task's repr) cost more than the
    rest of this hop. Only a disconnect cancels an anyio scope, around the work alone.
    """
    with anyio.CancelScope() as scope:
        watcher = asyncio.get_running_loop().create_task(_cancel_on_disconnect(request, scope))
        try:
            return True, await work
        finally:
            watcher.cancel()
            # Done before the response starts: it must not read the ASGI channel beside it.
            await asyncio.gather(watcher, return_exceptions=True)
    return False, None  # the scope was cancelled: the client went away


async def _cancel_on_disconnect(request: Request, scope: anyio.CancelScope) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
    scope.cancel()
