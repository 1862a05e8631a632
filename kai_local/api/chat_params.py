"""The body of POST /chat/completions, checked and turned into the engine's ChatRequest parts.

Everything a client can get wrong is a 400 naming the field; OpenAI fields this server cannot
honour are refused, not silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kai_local.api.validation import (
    optional_bool,
    optional_int,
    optional_number,
    optional_str,
)
from kai_local.engines.chat.base import ChatMessage, SamplingOptions
from kai_local.errors import InvalidRequest

# OpenAI's newer "developer" role is what "system" was; both reach the template as "system".
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
MAX_STOP_SEQUENCES = 4
MAX_TOKENS = 32768  # the spec's range; an engine clamps it further to the room in the context
# OpenAI request fields this server cannot honour: refused rather than silently ignored, when
# set to anything but their "off" value.
UNSUPPORTED: dict[str, tuple[Any, ...]] = {
    "tools": (None, []),
    "functions": (None, []),
    "tool_choice": (None, "none"),
    "function_call": (None, "none"),
    "logprobs": (None, False),
    "top_logprobs": (None,),
    "audio": (None,),
    "prediction": (None,),
}


@dataclass(frozen=True)
class ChatParams:
    model: str | None
    messages: tuple[ChatMessage, ...]
    sampling: SamplingOptions
    stream: bool
    include_usage: bool


def _message_content(content: Any, index: int) -> str:
    param = f"messages[{index}].content"
    if isinstance(content, list):  # OpenAI's content parts: text only
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise InvalidRequest(
                    "Only text content parts ({'type': 'text', 'text': '...'}) are supported.",
                    param=param,
                    code="invalid_type",
                )
            texts.append(part["text"])
        content = "".join(texts)
    if not isinstance(content, str):
        raise InvalidRequest(f"'{param}' must be a string.", param=param, code="invalid_type")
    if not content:
        raise InvalidRequest(f"'{param}' must be at least 1 character.", param=param, code="invalid_value")
    return content


def _messages(body: dict[str, Any]) -> tuple[ChatMessage, ...]:
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise InvalidRequest(
            "'messages' must be an array with at least 1 item.", param="messages", code="invalid_value"
        )
    messages = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InvalidRequest(
                f"'messages[{index}]' must be an object.", param=f"messages[{index}]", code="invalid_type"
            )
        role = item.get("role")
        if not isinstance(role, str) or role not in ROLES:
            raise InvalidRequest(
                f"'messages[{index}].role' must be one of {', '.join(ROLES)}; got {role!r}.",
                param=f"messages[{index}].role",
                code="invalid_value",
            )
        messages.append(ChatMessage(role=ROLES[role], content=_message_content(item.get("content"), index)))
    return tuple(messages)


def _stop(body: dict[str, Any]) -> tuple[str, ...]:
    stop = body.get("stop")
    if stop is None:
        return ()
    items = [stop] if isinstance(stop, str) else stop
    if (
        not isinstance(items, list)
        or not all(isinstance(s, str) and s for s in items)
        or len(items) > MAX_STOP_SEQUENCES
    ):
        raise InvalidRequest(
            f"'stop' must be a non-empty string or an array of up to {MAX_STOP_SEQUENCES} of them.",
            param="stop",
            code="invalid_value",
        )
    return tuple(items)


def _max_tokens(body: dict[str, Any]) -> int | None:
    """`max_completion_tokens` (what current OpenAI SDKs send) or the older `max_tokens`."""
    newer = optional_int(body, "max_completion_tokens", 1, MAX_TOKENS)
    older = optional_int(body, "max_tokens", 1, MAX_TOKENS)
    if newer is not None and older is not None and newer != older:
        raise InvalidRequest(
            "Set 'max_completion_tokens' or 'max_tokens', not both with different values.",
            param="max_tokens",
            code="invalid_value",
        )
    return newer if newer is not None else older


def _refuse_unsupported(body: dict[str, Any]) -> None:
    for name, off in UNSUPPORTED.items():
        if name in body and body[name] not in off:
            raise InvalidRequest(f"'{name}' is not supported by this server.", param=name, code="unsupported_parameter")
    response_format = body.get("response_format")
    if response_format is not None and response_format != {"type": "text"}:
        raise InvalidRequest(
            "Only 'response_format': {'type': 'text'} is supported.",
            param="response_format",
            code="unsupported_parameter",
        )


def parse_chat_params(body: dict[str, Any]) -> ChatParams:
    _refuse_unsupported(body)
    stream_options = body.get("stream_options")
    if stream_options is not None and not isinstance(stream_options, dict):
        raise InvalidRequest("'stream_options' must be an object.", param="stream_options", code="invalid_type")
    sampling = SamplingOptions(
        temperature=optional_number(body, "temperature", 0, 2),
        top_p=optional_number(body, "top_p", 0, 1),
        max_tokens=_max_tokens(body),
        n=optional_int(body, "n", 1, 10) or 1,
        stop=_stop(body),
        presence_penalty=optional_number(body, "presence_penalty", -2, 2) or 0.0,
        frequency_penalty=optional_number(body, "frequency_penalty", -2, 2) or 0.0,
        seed=optional_int(body, "seed", -(2**63), 2**63 - 1),
        # vLLM's extension: generate exactly max_tokens (benchmarks).
        ignore_eos=bool(optional_bool(body, "ignore_eos")),
    )
    return ChatParams(
        model=optional_str(body, "model") or None,
        messages=_messages(body),
        sampling=sampling,
        stream=bool(optional_bool(body, "stream")),
        include_usage=bool(optional_bool(stream_options or {}, "include_usage")),
    )
