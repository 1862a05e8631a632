"""Nothing in this process reaches the network on its own: the libraries' switches for that.

Applied by assignment when the process starts (`kai_local.cli.main`), before anything imports
huggingface_hub, transformers or vLLM: they read these once, at import, and a value inherited
from the shell (`HF_HUB_OFFLINE=0`) must not turn look-ups or usage reports back on. Worker and
engine processes inherit them.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",  # huggingface_hub: no downloads, no metadata look-ups
    "TRANSFORMERS_OFFLINE": "1",
    "VLLM_NO_USAGE_STATS": "1",  # vLLM's usage report
    "DO_NOT_TRACK": "1",  # the cross-tool opt-out (vLLM, gradio, ...)
}


def enforce_offline(environ: MutableMapping[str, str] = os.environ) -> None:
    environ.update(OFFLINE_ENV)
