"""Work that stops when the client goes away (a chat request whose caller closed the socket).

The watcher is a plain asyncio task, stopped with Task.cancel: it runs on every chat request,
and an anyio task group plus CancelScope.cancel (which formats the task's repr) cost more than
the rest of the gateway's hop. Only a disconnect cancels an anyio scope, around the work alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping
from typing import TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

T = TypeVar("T")


async def unless_disconnected(request: Request, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Await `work`, cancelling it if the client disconnects first: (finished, result).

    Only for the time before a response starts (EventStreamResponse watches a stream). The body
    is already read, so the next ASGI message is the disconnect. Exceptions of `work` pass
    through as they are.
    """
    with anyio.CancelScope() as scope:
        watcher = _watch(request.receive, scope)
        try:
            return True, await work
        finally:
            await _stop(watcher)
    return False, None  # the scope was cancelled: the client went away


class EventStreamResponse(StreamingResponse):
    """Server-sent events that stop, and close their source, as soon as the client goes.

    Starlette's StreamingResponse does the same with a task group per response (for servers
    before ASGI 2.4, such as uvicorn); this one uses the plain watcher task."""

    media_type = "text/event-stream"

    def __init__(
        self, content: AsyncIterator[bytes], headers: Mapping[str, str] | None = None, last_event: bytes | None = None
    ) -> None:
        """`last_event`: the event that ends the stream (OpenAI's `data: [DONE]`), sent in one
        write with the end of the body."""
        super().__init__(content, headers=headers)
        self.last_event = last_event

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            if chunk == self.last_event:
                await send({"type": "http.response.body", "body": chunk, "more_body": False})
                return
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with anyio.CancelScope() as cancel_scope:
            watcher = _watch(receive, cancel_scope)
            try:
                await self.stream_response(send)
            finally:
                await _stop(watcher)
                if isinstance(self.body_iterator, AsyncGenerator):
                    with anyio.CancelScope(shield=True):  # now, not when it is garbage-collected
                        await self.body_iterator.aclose()
        if self.background is not None:
            await self.background()


def _watch(receive: Receive, scope: anyio.CancelScope) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(_cancel_on_disconnect(receive, scope))


async def _stop(watcher: asyncio.Task[None]) -> None:
    watcher.cancel()
    # Gone before the response goes on: it must not read the ASGI channel beside it.
    await asyncio.gather(watcher, return_exceptions=True)


async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()
