#!/usr/bin/env bash
# Install everything (idempotent), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# What only the tests use: independent readers of redacted files (pdftotext; LibreOffice opens
# the redacted DOCX, XLSX and PPTX) and the browser the web console is tested in (Playwright
# drives Debian's chromium). Not part of the server, so not in setup.sh or the bundle.
TEST_APT_PACKAGES=(poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui chromium)
scripts/apt-install-missing.sh "${TEST_APT_PACKAGES[@]}"
exec .venv/bin/python -m pytest "$@"
