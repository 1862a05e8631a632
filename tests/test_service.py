"""The systemd service as scripts/install-service.sh writes it (into a temporary root: the
test machine's own /etc is not touched), checked by systemd's own verifier and by what it says."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

from kai_local.settings import Settings
from tests.support import KAI_LOCAL, REPO, clean_env


def install(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "install-service.sh"), "--root", str(root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )


def unit_of(root: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    parser.read(root / "etc" / "systemd" / "system" / "kai-local.service")
    return parser


def test_the_unit_passes_systemds_verifier_and_says_what_the_service_needs(tmp_path: Path) -> None:
    install(tmp_path)
    unit_file = tmp_path / "etc" / "systemd" / "system" / "kai-local.service"
    if shutil.which("systemd-analyze"):
        verified = subprocess.run(["systemd-analyze", "verify", str(unit_file)], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stderr
    service = unit_of(tmp_path)["Service"]
    venv_cli = REPO / ".venv" / "bin" / "kai-local"
    assert service["ExecStart"] == f"{venv_cli} serve --models-file /etc/kai-local/models.toml"
    assert Path(KAI_LOCAL).resolve() == venv_cli.resolve()
    assert service["User"] == "kai-local" and service["Group"] == "kai-local"
    assert service["EnvironmentFile"] == "/etc/kai-local/kai-local.env"
    text = unit_file.read_text()
    assert "Environment=KAI_DATA_DIR=/var/lib/kai-local" in text
    assert "Environment=KAI_CONFIG_FILE=/etc/kai-local/kai-local.env" in text
    for hardening in ("NoNewPrivileges=true", "ProtectSystem=strict", "PrivateTmp=true", "ProtectHome=true"):
        assert hardening in text
    assert service["ReadWritePaths"] == "/var/lib/kai-local" and service["Restart"] == "on-failure"
    # systemd waits longer than the server's own shutdown limit before it kills.
    assert int(service["TimeoutStopSec"]) > Settings().shutdown_timeout_s


def test_the_cli_finds_the_services_store_and_an_upgrade_keeps_the_operators_settings(tmp_path: Path) -> None:
    install(tmp_path)
    env_file = tmp_path / "etc" / "kai-local" / "kai-local.env"
    assert env_file.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "var" / "lib" / "kai-local").stat().st_mode & 0o777 == 0o700
    env_file.write_text(env_file.read_text() + "KAI_PORT=8443\n")
    install(tmp_path)  # again: an upgrade
    assert env_file.read_text().endswith("KAI_PORT=8443\n")
    shown = subprocess.run(
        [KAI_LOCAL, "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(KAI_CONFIG_FILE=str(env_file)),
    )
    assert shown.returncode == 0, shown.stderr
    store_row = next(line for line in shown.stdout.splitlines() if line.startswith("(store)"))
    assert (
        "sqlite:////var/lib/kai-local/kai-local.sqlite3" in store_row
        or "/var/lib/kai-local/kai-local.sqlite3" in store_row
    )
    port_row = next(line for line in shown.stdout.splitlines() if line.startswith("port "))
    assert port_row.split()[1] == "8443"
