#!/usr/bin/env bash
# Install everything (idempotent), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# What only the tests use: independent readers of redacted files (pdftotext; LibreOffice opens
# the redacted DOCX, XLSX and PPTX) and the browser the web console is tested in (Playwright
# drives Debian's chromium). Not part of the server, so not in setup.sh or the bundle.
TEST_APT_PACKAGES=(poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui chromium)
missing=()
for pkg in "${TEST_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "test: installing Debian packages the tests use: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
exec .venv/bin/python -m pytest "$@"
