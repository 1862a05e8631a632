"""The operator's commands added for running kai-local in a clinic: --version, products delete,
key labels, usage for any key, config, TLS, backup and restore. Through the real console script."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import anyio
import httpx
import pytest

from kai_local.cli import package_version
from tests.conftest import echo_settings, running_gateway
from tests.support import KAI_LOCAL, clean_env, start_gateway
from tests.test_cli import cli

pytestmark = pytest.mark.anyio


def one_error_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and all(w in last for w in words), result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = subprocess.run([KAI_LOCAL, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == f"kai-local {package_version()}"
    assert package_version()[0].isdigit()


def test_a_product_is_deleted_only_without_active_keys(tmp_path: Path) -> None:
    cli(tmp_path, "products", "create", "trial")
    created = cli(tmp_path, "keys", "create", "--product", "trial", "--label", "Dr. Example, ward 3").stderr
    key_id = created.split("created key ")[1].split()[0]
    one_error_line(cli(tmp_path, "products", "delete", "trial", ok=False), 2, "1 active key", "revoke")
    assert "Dr. Example, ward 3" in cli(tmp_path, "keys", "list").stdout
    cli(tmp_path, "keys", "revoke", key_id)
    assert cli(tmp_path, "products", "delete", "trial").stdout.strip() == "deleted product trial"
    assert "trial" not in cli(tmp_path, "products", "list").stdout
    one_error_line(cli(tmp_path, "products", "create", "trial", ok=False), 2, "was deleted", "another name")
    # The revoked key and its history stay; a product without keys goes entirely.
    assert key_id in cli(tmp_path, "keys", "list").stdout
    cli(tmp_path, "products", "create", "empty")
    cli(tmp_path, "products", "delete", "empty")
    cli(tmp_path, "products", "create", "empty")
    one_error_line(cli(tmp_path, "products", "delete", "ghost", ok=False), 2, "ghost")


async def test_usage_shows_what_the_api_shows_for_any_key(tmp_path: Path) -> None:
    async with running_gateway(echo_settings(tmp_path)) as gw:
        gw.create_product("ward", monthly_cap=10)
        key = gw.create_key("ward", label="ward 3")
        other = gw.create_key("default")
        for text in ("eins zwei", "drei"):
            response = await gw.http.post(
                "/chat/completions",
                headers=gw.headers(key),
                json={"model": "echo-1", "messages": [{"role": "user", "content": text}]},
            )
            assert response.status_code == 200
        api = (await gw.http.get("/usage", headers=gw.headers(key))).json()
        data = gw.settings.data_dir
        ward = await anyio.to_thread.run_sync(lambda: cli(data, "usage", "--product", "ward", "--json"))
        everyone = await anyio.to_thread.run_sync(lambda: cli(data, "usage", "--json"))
        table = await anyio.to_thread.run_sync(lambda: cli(data, "usage", "--month", "2020-01"))
    [report] = json.loads(ward.stdout)
    assert report.pop("label") == "ward 3" and report.pop("key_id").startswith("key_")
    assert report == api and api["total_ok"] == 2 and api["usage_remaining"] == 8
    assert len(json.loads(everyone.stdout)) == 2 and other not in everyone.stdout
    assert "usage in 2020-01" in table.stderr and " 0 " in table.stdout.splitlines()[1]
    one_error_line(cli(data, "usage", "--key", "key_nope", ok=False), 2, "key_nope")
    bad_month = cli(data, "usage", "--month", "2026-13", ok=False)
    assert bad_month.returncode == 2 and "01 to 12" in bad_month.stderr


def test_config_says_where_each_setting_came_from_and_the_cli_reads_the_service_file(tmp_path: Path) -> None:
    service_data = tmp_path / "var-lib-kai-local"
    config_file = tmp_path / "kai-local.env"
    config_file.write_text(f'# as /etc/kai-local/kai-local.env\nKAI_DATA_DIR="{service_data}"\nKAI_CPU_WORKERS=3\n')
    env = {"KAI_CONFIG_FILE": str(config_file), "KAI_PORT": "9123"}
    shown = subprocess.run(
        [KAI_LOCAL, "config", "--store-url", f"sqlite:///{tmp_path}/other.sqlite3"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(**env),
    )
    assert shown.returncode == 0, shown.stderr
    rows = {line.split()[0]: line for line in shown.stdout.splitlines()}
    assert rows["port"].split()[1:] == ["9123", "environment", "(KAI_PORT)"]
    assert rows["cpu_workers"].split()[1] == "3" and f"{config_file} (KAI_CPU_WORKERS)" in rows["cpu_workers"]
    assert str(service_data) in rows["data_dir"] and str(config_file) in rows["data_dir"]
    assert rows["store_url"].split()[-1] == "flag" and rows["host"].split()[1:] == ["127.0.0.1", "default"]
    # Without a flag the CLI uses the service's store, and says so.
    listed = subprocess.run(
        [KAI_LOCAL, "keys", "list"], capture_output=True, text=True, timeout=60, env=clean_env(**env)
    )
    assert listed.returncode == 0 and f"store: {service_data / 'kai-local.sqlite3'}" in listed.stderr
    missing = subprocess.run(
        [KAI_LOCAL, "keys", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(KAI_CONFIG_FILE=str(tmp_path / "nope.env")),
    )
    one_error_line(missing, 1, "KAI_CONFIG_FILE", "does not exist")


def test_the_deprecated_models_flag_still_works_with_a_warning(tmp_path: Path) -> None:
    models = tmp_path / "models.toml"
    models.write_text("")
    result = cli(tmp_path, "models", "list", "--models", str(models))
    assert "--models is now --models-file" in result.stderr and result.stdout.startswith("ID")


@pytest.mark.slow
def test_serve_over_https(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    one_error_line(cli(tmp_path, "serve", "--ssl-certfile", str(cert), ok=False), 1, "--ssl-keyfile")
    one_error_line(
        cli(tmp_path, "serve", "--ssl-certfile", str(cert), "--ssl-keyfile", str(tmp_path / "no.pem"), ok=False),
        1,
        "not a readable file",
    )
    models = tmp_path / "models.toml"
    models.write_text("")
    args = ["--ssl-certfile", str(cert), "--ssl-keyfile", str(key)]
    # start_gateway polls http://, which a TLS server refuses: start it, then ask over https.
    with pytest.raises(RuntimeError):
        start_gateway(tmp_path / "probe", models, env={"KAI_PII_PRELOAD": "0"}, args=args, timeout_s=5)
    process = subprocess.Popen(
        [KAI_LOCAL, "serve", "--data-dir", str(tmp_path / "data"), "--models-file", str(models), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "KAI_PII_PRELOAD": "0"},
    )
    try:
        port = None
        assert process.stdout is not None
        for line in process.stdout:
            if "Uvicorn running on https://" in line:
                port = int(line.split("https://127.0.0.1:")[1].split()[0])
                break
        assert port is not None
        assert httpx.get(f"https://127.0.0.1:{port}/health", verify=str(cert)).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


async def test_backup_while_writing_and_restore_into_a_fresh_data_dir(tmp_path: Path) -> None:
    async with running_gateway(echo_settings(tmp_path / "live")) as gw:
        gw.create_product("busy", max_concurrent=50)
        key = gw.create_key("busy")
        data = gw.settings.data_dir
        during = tmp_path / "during.sqlite3"

        async def chat(i: int) -> None:
            response = await gw.http.post(
                "/chat/completions",
                headers=gw.headers(key),
                json={"model": "echo-1", "messages": [{"role": "user", "content": f"request {i}"}]},
            )
            assert response.status_code == 200

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(chat, i)
            taken = await anyio.to_thread.run_sync(lambda: cli(data, "backup", str(during)))
        assert taken.stdout.startswith(f"backed up the store to {during}")
        # Restore is refused while this server uses the store.
        refused = await anyio.to_thread.run_sync(lambda: cli(data, "restore", str(during), ok=False))
        one_error_line(refused, 2, "A server is using the store")
        after = tmp_path / "after.sqlite3"
        await anyio.to_thread.run_sync(lambda: cli(data, "backup", str(after)))
        live_rows = list(gw.services.store.usage_rows(gw.services.store.list_keys()[-1].id))
    assert sum(row[3] for row in live_rows) == 20  # requests
    with sqlite3.connect(during) as db:  # consistent mid-flight: whole rows, no more than there were
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert 0 <= (db.execute("SELECT COALESCE(SUM(requests), 0) FROM usage_monthly").fetchone()[0]) <= 20
    fresh = tmp_path / "fresh"
    restored = cli(fresh, "restore", str(after))
    assert restored.stdout.strip() == f"restored the store from {after}"
    assert (fresh / "kai-local.sqlite3").stat().st_mode & 0o777 == 0o600
    async with running_gateway(echo_settings(tmp_path / "fresh-app", data_dir=fresh)) as gw:
        store = gw.services.store
        assert list(store.usage_rows(store.list_keys()[-1].id)) == live_rows
        usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
    assert usage["total_requests"] == 20 and usage["total_ok"] == 20
    # Restoring over a store keeps the replaced one; a file that is no store is refused.
    again = cli(fresh, "restore", str(during))
    assert "the one it replaced is kept at" in again.stdout
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    one_error_line(cli(fresh, "restore", str(junk), ok=False), 2, "is not a kai-local store")
    one_error_line(cli(fresh, "backup", str(after), ok=False), 2, "exists")


def test_a_postgresql_store_is_backed_up_with_postgresqls_tools(tmp_path: Path, postgres_url: str) -> None:
    result = cli(tmp_path, "backup", str(tmp_path / "b.dump"), "--store-url", postgres_url, ok=False)
    one_error_line(result, 2, "pg_dump --format=custom")
    result = cli(tmp_path, "restore", str(tmp_path / "b.dump"), "--store-url", postgres_url, ok=False)
    one_error_line(result, 2, "pg_restore")


def test_root_hands_the_files_it_makes_in_a_service_data_dir_to_the_service_user(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail("this test needs root, as CI and `sudo kai-local ...` run")
    service_uid = service_gid = 65534  # nobody: stands for the kai-local system user
    data = tmp_path / "var-lib-kai-local"
    data.mkdir(mode=0o700)
    os.chown(data, service_uid, service_gid)
    cli(data, "keys", "create", "--product", "default")
    made = [p for p in data.iterdir() if p.name.startswith("kai-local.sqlite3")]
    assert any(p.name == "kai-local.sqlite3" for p in made)
    assert {(p.stat().st_uid, p.stat().st_gid) for p in made} == {(service_uid, service_gid)}
