"""A client for OpenAI-compatible servers made for forwarding: one pooled httpx connection pool per
server, request bodies serialized once from plain dicts, server-sent events parsed line by line
into plain dicts. No SDK models are built: the openai SDK's request transformation and pydantic
construction of every chunk cost more than the rest of a request's path through the gateway.

Used by the chat upstream engine (kai_local.engines.chat.upstream); the JSON and multipart calls
are what a transcription upstream needs too.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import httpx
import orjson


class UpstreamError(Exception):
    """The server could not be used for this request."""


class UpstreamConnectionError(UpstreamError):
    """No answer: connection refused or reset, a timeout, a stream cut off or not understood."""


class UpstreamStatusError(UpstreamError):
    """The server answered with an HTTP error status; `body` is its JSON, if it sent any."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        super().__init__(f"HTTP {status}: {self.message}")

    @property
    def error(self) -> dict[str, Any]:
        """The OpenAI error object ({"error": {...}}; vLLM also sends the fields at the top)."""
        if not isinstance(self.body, dict):
            return {}
        error = self.body.get("error", self.body)
        return error if isinstance(error, dict) else {}

    @property
    def message(self) -> str:
        return str(self.error.get("message") or "no error message")


class UpstreamClient:
    def __init__(self, base_url: str, api_key: str = "", connect_timeout_s: float = 3.0, read_timeout_s: float = 600.0):
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # The gateway's own concurrency limits bound how many requests run; keep every
        # connection they open for the next request instead of a handshake each time.
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=256, keepalive_expiry=30.0)
        # An upstream on the LAN is never reached through a proxy setting (trust_env off).
        self._transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
        timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=timeout,
            transport=self._transport,
            follow_redirects=False,
            trust_env=False,
        )
        # What every forwarded call sends, built once.
        self._stream_headers = {
            **headers,
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        }
        self._timeouts = timeout.as_dict()
        self._urls: dict[str, httpx.URL] = {}

    async def close(self) -> None:
        await self._http.aclose()

    async def get_json(self, path: str, timeout_s: float | None = None) -> Any:
        try:
            response = await self._http.get(
                path, timeout=timeout_s if timeout_s is not None else httpx.USE_CLIENT_DEFAULT
            )
        except httpx.HTTPError as exc:
            raise UpstreamConnectionError(_describe(exc)) from None
        return _json_of(response)

    async def post_multipart(
        self,
        path: str,
        files: Mapping[str, tuple[str, bytes, str]],
        data: Mapping[str, str | list[str]],
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """A form upload (e.g. /audio/transcriptions); the answer as it came, status checked."""
        try:
            response = await self._http.post(path, files=dict(files), data=dict(data), headers=headers)
        except httpx.HTTPError as exc:
            raise UpstreamConnectionError(_describe(exc)) from None
        return _checked(response)

    async def stream_events(
        self, path: str, body: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> AsyncGenerator[list[dict[str, Any]], None]:
        """POST `body` as JSON and yield the server-sent events' JSON until `[DONE]`: the events
        of one network read together, as a list (never empty), so that a caller may pass on
        what arrived at once in one piece.

        An error status raises UpstreamStatusError before anything is yielded. Closing the
        generator early closes the connection, which is how an OpenAI-compatible server learns
        that its client went away (vLLM aborts the request)."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = self._http.base_url.join(path)
        request = httpx.Request(
            "POST",
            url,
            content=orjson.dumps(body),
            headers={**self._stream_headers, **headers} if headers else self._stream_headers,
            extensions={"timeout": self._timeouts},
        )
        try:
            # Straight to the connection pool: the client's layers (auth, redirects, cookie jar,
            # a log line per request) do nothing for a forwarded call and cost a tenth of the hop.
            response = await self._transport.handle_async_request(request)
        except httpx.HTTPError as exc:
            raise UpstreamConnectionError(_describe(exc)) from None
        response.request = request
        try:
            if response.status_code >= 400:
                raise UpstreamStatusError(response.status_code, _json_or_none(await response.aread()))
            events = _EventParser()
            done = False
            async for chunk in response.aiter_bytes():
                if done:  # read on to the end of the body: only a finished response
                    continue  # leaves its connection open in the pool for the next request
                batch = []
                try:
                    for event in events.feed(chunk):
                        if event == b"[DONE]":
                            done = True
                            break
                        batch.append(_event_json(event))
                except UpstreamError:
                    if batch:  # what came before the bad event still goes on
                        yield batch
                    raise
                if batch:
                    yield batch
            last = events.end()
            if not done and last is not None and last != b"[DONE]":  # no blank line after it
                yield [_event_json(last)]
        except httpx.HTTPError as exc:
            raise UpstreamConnectionError(_describe(exc)) from None
        finally:
            await response.aclose()


class _EventParser:
    """Server-sent events from a byte stream, as the spec reads them: `data:` lines (one space
    after the colon dropped) joined by newlines, dispatched at a blank line; comments, other
    fields and CR/LF/CRLF line ends handled. Works on bytes: no text decoding layer."""

    def __init__(self) -> None:
        self._pending = b""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        text = self._pending + chunk
        if b"\r" in text:
            # A lone CR at the end may be the first half of a CRLF: keep it for the next chunk.
            keep_cr = text.endswith(b"\r")
            text = (text[:-1] if keep_cr else text).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            if keep_cr:
                text += b"\r"
        lines = text.split(b"\n")
        self._pending = lines.pop()
        events = []
        for line in lines:
            if line.startswith(b"data:"):
                self._add_data(line)
            elif not line and self._data:
                events.append(b"\n".join(self._data))
                self._data = []
        return events

    def end(self) -> bytes | None:
        """The event left when the stream ends without its blank line, if any."""
        line = self._pending.rstrip(b"\r")
        if line.startswith(b"data:"):
            self._add_data(line)
        return b"\n".join(self._data) if self._data else None

    def _add_data(self, line: bytes) -> None:
        self._data.append(line[6:] if line[5:6] == b" " else line[5:])  # one space after the colon dropped


def _event_json(event: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(event)
    except orjson.JSONDecodeError:
        raise UpstreamConnectionError(f"not a JSON event: {event[:200]!r}") from None
    if not isinstance(value, dict):
        raise UpstreamConnectionError(f"not a JSON object: {event[:200]!r}")
    if "error" in value:  # an error reported inside the stream, after a 200 status line
        error = value["error"] if isinstance(value["error"], dict) else {}
        code = error.get("code")  # vLLM puts the status it would have sent here
        raise UpstreamStatusError(code if isinstance(code, int) and 400 <= code < 600 else 502, value)
    return value


def _checked(response: httpx.Response) -> httpx.Response:
    """A read response, or its error status as UpstreamStatusError (with its JSON, if any)."""
    if response.status_code >= 400:
        raise UpstreamStatusError(response.status_code, _json_or_none(response.content))
    return response


def _json_of(response: httpx.Response) -> Any:
    try:
        return orjson.loads(_checked(response).content)
    except orjson.JSONDecodeError:
        raise UpstreamConnectionError(f"HTTP {response.status_code} without JSON") from None


def _json_or_none(content: bytes) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return None


def _describe(exc: httpx.HTTPError) -> str:
    # httpx's messages can be empty (e.g. a bare ReadTimeout): name the kind at least.
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
