"""Settings.from_env: each setting from KAI_<NAME>, typed; the defaults are the dataclass's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from kai_local.settings import Settings


def test_environment_variables_reach_their_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAI_CPU_WORKERS", "3")
    monkeypatch.setenv("KAI_GPU_WAIT_TIMEOUT_S", "2.5")
    monkeypatch.setenv("KAI_OCR_ENGINE", "easyocr")
    monkeypatch.setenv("KAI_MODELS_DIR", "/srv/models")
    monkeypatch.setenv("KAI_EASYOCR_MODEL_DIR", "/srv/easyocr")
    monkeypatch.setenv("KAI_PII_PRELOAD", "0")
    monkeypatch.setenv("KAI_PORT", "")  # empty: as if unset
    settings = Settings.from_env(port=None, host="0.0.0.0")  # None: the flag was not given
    assert (settings.cpu_workers, settings.gpu_wait_timeout_s, settings.ocr_engine) == (3, 2.5, "easyocr")
    assert settings.models_dir == Path("/srv/models") and settings.easyocr_model_dir == Path("/srv/easyocr")
    assert settings.pii_preload is False
    assert (settings.port, settings.host) == (8000, "0.0.0.0")


def test_the_server_preloads_the_pii_engine_unless_told_not_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAI_PII_PRELOAD", raising=False)
    assert Settings.from_env().pii_preload is True
    assert Settings().pii_preload is False  # in-process apps (tests) load it on first use


def test_a_value_that_is_not_a_number_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAI_CPU_WORKERS", "two")
    with pytest.raises(ValueError, match=r"KAI_CPU_WORKERS='two' \(environment\): Input should be a valid integer"):
        Settings.from_env()


def test_a_switch_takes_yes_or_no_words_and_refuses_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, expected in (("off", False), ("0", False), ("no", False), ("true", True), ("1", True)):
        monkeypatch.setenv("KAI_METRICS", word)
        assert Settings.from_env().metrics is expected
    monkeypatch.setenv("KAI_METRICS", "maybe")  # once read as "on": a typo must not flip a switch
    with pytest.raises(ValueError, match=r"KAI_METRICS='maybe' \(environment\): Input should be a valid boolean"):
        Settings.from_env()


def test_a_bad_value_in_the_config_file_or_a_flag_says_where_it_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "kai-local.env"
    config.write_text("KAI_GPU_WAIT_TIMEOUT_S=soon\n")
    monkeypatch.setenv("KAI_CONFIG_FILE", str(config))
    with pytest.raises(
        ValueError, match=rf"KAI_GPU_WAIT_TIMEOUT_S='soon' \({config}\): Input should be a valid number"
    ):
        Settings.from_env()
    config.write_text("")
    with pytest.raises(ValueError, match=r"--port 'eighty': Input should be a valid integer"):
        Settings.from_env(port="eighty")
