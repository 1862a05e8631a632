"""The operator's CLI through its real entry point (the `kai-local` console script)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest

from kai_local.gateway.keys import KEY_PREFIX, key_digest
from kai_local.gateway.store import Store
from tests.conftest import echo_settings, running_gateway

KAI_LOCAL = shutil.which("kai-local", path=str(Path(sys.executable).parent)) or "kai-local"


def cli(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([KAI_LOCAL, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=60)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_first_start_creates_the_default_product(tmp_path: Path) -> None:
    out = cli(tmp_path, "products", "list").stdout
    assert "default" in out
    assert "chat_completions,audio_transcriptions,documents_anonymize,documents_strip_metadata" in out


def test_products_create_update_list(tmp_path: Path) -> None:
    cli(
        tmp_path,
        "products",
        "create",
        "aegis-pro",
        "--label",
        "Aegis PRO",
        "--usage-label",
        "API Requests",
        "--rate-limit-per-minute",
        "10",
        "--max-concurrent",
        "1",
        "--monthly-cap",
        "100",
        "--max-file-size",
        "1048576",
        "--endpoints",
        "chat_completions,documents_anonymize",
        "--models",
        "echo-1",
        "--default-chat-model",
        "echo-1",
    )
    store = Store.at(tmp_path / "kai-local.sqlite3")
    product = store.get_product("aegis-pro")
    assert (
        product.label,
        product.rate_limit_per_minute,
        product.max_concurrent,
        product.monthly_cap,
        product.max_file_size,
    ) == ("Aegis PRO", 10, 1, 100, 1048576)
    assert product.endpoints == ("chat_completions", "documents_anonymize")
    assert product.models == ("echo-1",) and product.default_chat_model == "echo-1"

    cli(tmp_path, "products", "update", "aegis-pro", "--monthly-cap", "none", "--max-concurrent", "4")
    product = store.get_product("aegis-pro")
    assert product.monthly_cap is None and product.max_concurrent == 4 and product.label == "Aegis PRO"
    store.close()
    listing = cli(tmp_path, "products", "list").stdout
    assert "aegis-pro" in listing and "Aegis PRO" in listing


@pytest.mark.parametrize(
    "args,message",
    [
        (["products", "create", "default"], "already exists"),
        (["products", "create", "x", "--endpoints", "chat_completions,teleport"], "teleport"),
        (["products", "update", "ghost", "--label", "x"], "ghost"),
        (["keys", "create", "--product", "ghost"], "ghost"),
        (["keys", "revoke", "key_nope"], "key_nope"),
    ],
)
def test_cli_errors_are_clear(tmp_path: Path, args: list[str], message: str) -> None:
    result = cli(tmp_path, *args, ok=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("error:") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_says_which_store_it_uses_and_refuses_a_bad_url(tmp_path: Path) -> None:
    listed = cli(tmp_path, "keys", "list")
    assert listed.stderr.splitlines()[0] == f"store: {(tmp_path / 'kai-local.sqlite3').resolve()}"
    bad = cli(tmp_path, "keys", "list", "--store-url", "mysql://root:hunter2@db/kai", ok=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: The store URL must start with")
    assert "hunter2" not in bad.stderr and "Traceback" not in bad.stderr


def test_products_and_keys_work_unchanged_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    # The password is not needed by the test cluster (trust) and must never be printed.
    url = postgres_url.replace("kai@", "kai:hunter2@")
    cli(tmp_path, "products", "create", "clinic", "--max-concurrent", "3", "--store-url", url)
    created = cli(tmp_path, "keys", "create", "--product", "clinic", "--store-url", url)
    key = created.stdout.strip().splitlines()[-1]
    listed = cli(tmp_path, "keys", "list", "--store-url", url)
    assert "store: postgresql://kai:***@127.0.0.1:" in listed.stderr and "hunter2" not in listed.stderr
    assert "clinic" in listed.stdout
    store = Store.at(postgres_url)
    try:
        record = store.find_key(key, "2026-12")
        assert record is not None and record.product.max_concurrent == 3
    finally:
        store.close()
    assert not (tmp_path / "kai-local.sqlite3").exists()  # nothing went to the SQLite default


def test_a_bad_setting_or_models_file_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "KAI_CPU_WORKERS": "two"}
    result = subprocess.run(
        [KAI_LOCAL, "keys", "list", "--data-dir", str(tmp_path)], capture_output=True, text=True, env=env, timeout=60
    )
    assert (
        result.returncode == 1
        and "KAI_CPU_WORKERS='two' (environment): Input should be a valid integer" in result.stderr
    )
    assert "Traceback" not in result.stderr
    broken = tmp_path / "models.toml"
    broken.write_text('[models."x"\nkind = "chat"\n')
    for command in (["serve", "--models-file", str(broken)], ["models", "list", "--models-file", str(broken)]):
        result = cli(tmp_path, *command, ok=False)
        assert result.returncode == 1 and "not valid TOML" in result.stderr and str(broken) in result.stderr
        assert "Traceback" not in result.stderr
    missing = cli(tmp_path, "models", "list", "--models-file", str(tmp_path / "nope.toml"), ok=False)
    assert missing.returncode == 1 and "cannot read the models file" in missing.stderr


def test_preparing_an_unknown_model_says_so(tmp_path: Path) -> None:
    result = cli(tmp_path, "models", "prepare", "whisper-bsae", ok=False)
    assert (
        result.returncode == 2
        and "unknown model id(s) whisper-bsae" in result.stderr
        and "whisper-base" in result.stderr
    )


def test_bad_option_values_are_refused(tmp_path: Path) -> None:
    result = cli(tmp_path, "products", "create", "x", "--max-concurrent", "0", ok=False)
    assert result.returncode == 2 and "at least 1" in result.stderr


@pytest.mark.anyio
async def test_keys_create_list_revoke(tmp_path: Path) -> None:
    settings = echo_settings(tmp_path)
    data = settings.data_dir
    created = cli(data, "keys", "create", "--product", "default", "--trial-days", "7", "--trial-usage-limit", "50")
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith(KEY_PREFIX) and len(created.stdout.strip().splitlines()) == 1

    listing = cli(data, "keys", "list").stdout
    key_id = listing.splitlines()[1].split()[0]
    assert key_id.startswith("key_") and "default" in listing and "active" in listing
    assert key not in listing

    # Only the digest is stored.
    raw = (data / "kai-local.sqlite3").read_bytes()
    assert key.encode() not in raw and key_digest(key).encode() in raw

    async with running_gateway(settings) as gw:
        usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
        assert usage["is_trial"] is True and usage["trial_usage_limit"] == "50"
        cli(data, "keys", "revoke", key_id)
        assert "inactive" in cli(data, "keys", "list").stdout
        # The CLI is another process: the server notices within KeyCache's recheck interval.
        began = time.monotonic()
        while (revoked := await gw.http.get("/usage", headers=gw.headers(key))).status_code == 200:
            assert time.monotonic() - began < 2.0, "revocation not seen within 2 s"
            await anyio.sleep(0.05)
        assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "api_key_revoked"


def test_free_key(tmp_path: Path) -> None:
    key = cli(tmp_path, "keys", "create", "--product", "default", "--free").stdout.strip()
    store = Store.at(tmp_path / "kai-local.sqlite3")
    record = store.find_key(key, "2026-01")
    store.close()
    assert record is not None and record.key.is_free and not record.key.is_trial
