"""The operator's manual (docs/, mkdocs.yml): its settings table is the one scripts/config_doc.py
generates from kai_local/settings.py now (a new setting without a doc update fails here), and it
builds with `mkdocs build --strict` (broken links, missing anchors and pages left out of the nav
fail the build)."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from kai_local.settings import Settings
from tests.support import REPO


def _config_doc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("config_doc", REPO / "scripts" / "config_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_settings_table_is_what_the_script_generates() -> None:
    config_doc = _config_doc()
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert config_doc.updated_page(page, config_doc.render_table()) == page, (
        "docs/configuration.md is out of date: run .venv/bin/python scripts/config_doc.py"
    )


def test_the_table_has_one_row_per_setting_with_its_variable() -> None:
    table = _config_doc().render_table()
    for setting in dataclasses.fields(Settings):
        if setting.name == "load_engines":
            assert f"`{setting.name}`" not in table
            continue
        variable = "KAI_MODELS_DIR" if setting.name == "models_dir_override" else "KAI_" + setting.name.upper()
        assert f"| `{setting.name}` | `{variable}` |" in table


def test_descriptions_come_from_the_comments_above_each_field() -> None:
    descriptions = _config_doc().field_comments(
        "class Settings:\n"
        "    plain: int = 1\n"
        "    # Two lines of comment\n"
        "    # about this one.\n"
        "    ssl_certfile: str = ''\n"
        "    ssl_keyfile: str = ''\n"
        "    host: str = ''\n"
    )
    assert descriptions["ssl_certfile"] == "Two lines of comment about this one."
    assert descriptions["ssl_keyfile"] == descriptions["ssl_certfile"]  # same group: ssl_
    assert descriptions["plain"] == ""
    assert descriptions["host"] == "Address `kai-local serve` listens on."  # no comment: the script's own text


def test_the_manual_builds_with_mkdocs_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "configuration" / "index.html").is_file()
