"""Writes the settings table of docs/configuration.md from kai_local/settings.py, so it cannot drift.

    .venv/bin/python scripts/config_doc.py           # rewrite the table between the markers
    .venv/bin/python scripts/config_doc.py --check   # exit 1 if the committed table is out of date

One row per field of `Settings` (except `load_engines`, which no variable sets): the field, its
environment variable (`KAI_` + the name in capitals; `models_dir_override` is `KAI_MODELS_DIR`),
its type, its default, and the `#` comment lines directly above it in settings.py. A field with no
comment of its own shares the comment of the commented field before it when both names start
with the same word (`ssl_certfile`, `ssl_keyfile`) or that comment names it; the few that have
none at all get the short text in FALLBACK. tests/test_docs.py checks the committed table."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import inspect
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SETTINGS_FILE = REPO / "kai_local" / "settings.py"
PAGE = REPO / "docs" / "configuration.md"
START = "<!-- settings:start -->"
END = "<!-- settings:end -->"
SKIPPED = {"load_engines"}
# Fields settings.py leaves without a comment (and without a commented neighbour of their group).
FALLBACK = {
    "data_dir": "The state folder: the SQLite store (`kai-local.sqlite3`) and the prepared models (`models/`).",
    "models_file": "The model catalog: which models exist and which engine serves each.",
    "host": "Address `kai-local serve` listens on.",
    "port": "Port `kai-local serve` listens on.",
    "models_dir_override": "Where the prepared model weights are; unset: `DATA_DIR/models`.",
}


def _settings_module() -> ModuleType:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("kai_local.settings")


def field_comments(source: str) -> dict[str, str]:
    """Each field of `Settings` and its description, from the comment lines above it."""
    lines = source.splitlines()
    tree = ast.parse(source)
    settings = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Settings")
    own: dict[str, str] = {}
    for node in settings.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            block: list[str] = []
            index = node.lineno - 2
            while index >= 0 and lines[index].strip().startswith("#"):
                block.insert(0, lines[index].strip().lstrip("#").strip())
                index -= 1
            own[node.target.id] = " ".join(block)
    descriptions: dict[str, str] = {}
    head: tuple[str, str] | None = None  # the last field with a comment of its own, and that comment
    for name, comment in own.items():
        if comment:
            head = (name, comment)
            descriptions[name] = comment
        elif head and (name.split("_")[0] == head[0].split("_")[0] or re.search(rf"\b{name}\b", head[1])):
            descriptions[name] = head[1]
        else:
            descriptions[name] = FALLBACK.get(name, "")
    return descriptions


@contextmanager
def _bare_environment() -> Iterator[None]:
    """No KAI_* variables and an empty config file: what `Settings.from_env` gives on its own."""
    saved = dict(os.environ)
    try:
        for name in [name for name in os.environ if name.startswith("KAI_")]:
            del os.environ[name]
        os.environ["KAI_CONFIG_FILE"] = os.devnull
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _size(value: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= size and value % size == 0:
            return f" ({value // size} {unit})"
    return ""


def _value(name: str, value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`1`" if value else "`0`"
    if isinstance(value, Path):
        try:
            return f"`{value.relative_to(REPO).as_posix()}` in the project folder"
        except ValueError:
            return f"`{value.as_posix()}`"
    if isinstance(value, float):
        return f"`{int(value)}`" if value.is_integer() else f"`{value!r}`"
    if isinstance(value, int):
        return f"`{value}`" + (_size(value) if name.endswith("_bytes") else "")
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_table() -> str:
    """The Markdown between the markers: a note that it is generated, and the table."""
    module = _settings_module()
    settings_class = module.Settings
    env_names: dict[str, str] = module._ENV_NAMES
    descriptions = field_comments(SETTINGS_FILE.read_text(encoding="utf-8"))
    with _bare_environment():
        served, _ = settings_class.explain()
    rows = [
        "<!-- Generated by scripts/config_doc.py from kai_local/settings.py: edit those, not this table. -->",
        "",
        "| setting | environment variable | type | default | description |",
        "|---|---|---|---|---|",
    ]
    for setting in dataclasses.fields(settings_class):
        if setting.name in SKIPPED:
            continue
        variable = env_names.get(setting.name, "KAI_" + setting.name.upper())
        if setting.default_factory is not dataclasses.MISSING:
            doc = inspect.getdoc(setting.default_factory) or setting.default_factory.__name__
            default = doc.splitlines()[0]
        else:
            default = _value(setting.name, setting.default)
            effective = getattr(served, setting.name)
            if effective != setting.default:  # Settings.from_env (the server, the CLI) sets its own
                default = f"{_value(setting.name, effective)} (an in-process `Settings()`: {default})"
        kind = " or ".join(f"`{part.strip()}`" for part in str(setting.type).split("|"))  # no pipe in a table
        cells = [f"`{setting.name}`", f"`{variable}`", kind, default, descriptions.get(setting.name, "")]
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows)


def updated_page(page: str, table: str) -> str:
    """The page with the text between the markers replaced by the table."""
    before, found_start, rest = page.partition(START)
    _, found_end, after = rest.partition(END)
    if not found_start or not found_end:
        raise ValueError(f"{PAGE.relative_to(REPO)} needs the markers {START} and {END}")
    return f"{before}{START}\n\n{table}\n\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the page is up to date")
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    new = updated_page(page, render_table())
    if args.check:
        if new != page:
            print(f"{PAGE.relative_to(REPO)} is out of date: run scripts/config_doc.py", file=sys.stderr)
            return 1
        return 0
    if new != page:
        PAGE.write_text(new, encoding="utf-8")
        print(f"updated {PAGE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
