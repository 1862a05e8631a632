#!/usr/bin/env bash
# Quick start: install everything (idempotent), then serve on the embedded default models.
# Extra arguments go to `kai-local serve` (e.g. --host 0.0.0.0 --port 8000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/kai-local serve "$@"
