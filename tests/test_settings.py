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
    with pytest.raises(ValueError, match="KAI_CPU_WORKERS must be a number"):
        Settings.from_env()
