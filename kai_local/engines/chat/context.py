"""What both chat engines decide the same way: the prompt must fit the context, and how many
tokens the completion may take.

Policy (documented in docs/chat.md): a prompt that leaves no room for even one new token is a 400
`context_length_exceeded`; a `max_tokens` larger than the room left is clamped to it (the
choice then ends with `finish_reason: "length"`), as vLLM's own server does, so a client that
always asks for e.g. 4096 tokens still works on a model with a short context.
"""

from __future__ import annotations

from kai_local.errors import InvalidRequest


def completion_budget(requested: int | None, prompt_tokens: int, max_model_len: int) -> int:
    """The `max_tokens` to give the engine, or InvalidRequest when the prompt alone is too long."""
    room = max_model_len - prompt_tokens
    if room < 1:
        raise InvalidRequest(
            f"This model's maximum context length is {max_model_len} tokens. However, your "
            f"messages resulted in {prompt_tokens} tokens. Please reduce the length of the "
            "messages.",
            code="context_length_exceeded",
            param="messages",
        )
    return room if requested is None else min(requested, room)
