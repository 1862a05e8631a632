"""Auth, permissions and the error envelope, through the openai SDK and raw httpx."""

from __future__ import annotations

import logging
from datetime import timedelta

import openai
import pytest

from kai_local.engines.registry import register_engine, unregister_engine
from kai_local.gateway.products import ENDPOINTS
from tests.conftest import Gateway
from tests.fakes import EchoChatEngine

pytestmark = pytest.mark.anyio
# Each gateway test runs on both stores: a SQLite file, and PostgreSQL with shared limits.
STORE_KINDS = ("sqlite", "postgresql")

CHAT = {"model": "echo-1", "messages": [{"role": "user", "content": "hi"}]}


def assert_envelope(response, status: int, code: str | None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.mark.parametrize("prefix", ["/api/v1", "/v1"])
async def test_both_prefixes_serve_the_api(gateway: Gateway, prefix: str) -> None:
    key = gateway.create_key()
    response = await gateway.http.get(f"http://kai.test{prefix}/models", headers=gateway.headers(key))
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["data"]] == ["echo-1"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer sk-kai-nope"}],
    ids=["missing", "empty", "wrong-scheme", "unknown"],
)
@pytest.mark.parametrize("method,path", [("GET", "/models"), ("GET", "/usage"), ("POST", "/chat/completions")])
async def test_missing_or_unknown_key_is_401(gateway: Gateway, headers, method, path) -> None:
    response = await gateway.http.request(method, path, headers=headers, json=CHAT)
    error = assert_envelope(response, 401, "invalid_api_key")
    assert error["type"] == "invalid_request_error"


async def test_sdk_raises_authentication_error(gateway: Gateway) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        await gateway.openai("sk-kai-not-a-key").models.list()
    assert info.value.code == "invalid_api_key"


async def test_revoked_key_is_401_with_its_own_code(gateway: Gateway) -> None:
    key = gateway.create_key()
    key_id = gateway.services.store.list_keys()[-1].id
    assert (await gateway.openai(key).models.list()).data
    gateway.services.store.revoke_key(key_id)
    with pytest.raises(openai.AuthenticationError) as info:
        await gateway.openai(key).models.list()
    assert info.value.code == "api_key_revoked"
    assert gateway.services.store.list_keys()[-1].status == "inactive"


async def test_ended_trial_is_403_but_usage_still_answers(gateway: Gateway) -> None:
    key_obj, key = gateway.services.store.create_key("default", trial_days=1)
    # Move the trial end into the past, as time would.
    with gateway.services.store._transaction() as db:
        past = (key_obj.created_at - timedelta(days=2)).isoformat()
        db.execute("UPDATE api_keys SET trial_ends_at = ? WHERE id = ?", (past, key_obj.id))
    with pytest.raises(openai.PermissionDeniedError) as info:
        await gateway.openai(key).chat.completions.create(**CHAT)
    assert info.value.code == "trial_expired"
    usage = (await gateway.http.get("/usage", headers=gateway.headers(key))).json()
    assert usage["status"] == "inactive" and usage["is_trial"] is True


@pytest.mark.parametrize("missing", ENDPOINTS)
async def test_endpoint_not_in_product_is_403_naming_it(gateway: Gateway, missing: str) -> None:
    gateway.create_product("narrow", endpoints=tuple(e for e in ENDPOINTS if e != missing))
    key = gateway.create_key("narrow")
    path = {
        "chat_completions": "/chat/completions",
        "audio_transcriptions": "/audio/transcriptions",
        "documents_anonymize": "/documents/anonymize",
        "documents_strip_metadata": "/documents/strip-metadata",
    }[missing]
    response = await gateway.http.post(path, headers=gateway.headers(key), json=CHAT)
    error = assert_envelope(response, 403, "endpoint_not_enabled")
    assert missing in error["message"]
    assert error["type"] == "permission_error"


async def test_sdk_permission_denied_error(gateway: Gateway) -> None:
    gateway.create_product("docs-only", endpoints=("documents_anonymize",))
    with pytest.raises(openai.PermissionDeniedError) as info:
        await gateway.openai(gateway.create_key("docs-only")).chat.completions.create(**CHAT)
    assert "chat_completions" in info.value.message


@pytest.mark.parametrize(
    "method,path,body,status,code",
    [
        ("GET", "/nope", None, 404, "not_found"),
        ("GET", "/chat/completions", None, 405, "method_not_allowed"),
        ("DELETE", "/models", None, 405, "method_not_allowed"),
        ("POST", "/chat/completions", b"{not json", 400, "invalid_json"),
        ("POST", "/chat/completions", b"", 400, "invalid_json"),
        ("POST", "/chat/completions", b"[1, 2]", 400, "invalid_json"),
        ("POST", "/chat/completions", b'{"messages": []}', 400, "invalid_value"),
        (
            "POST",
            "/chat/completions",
            b'{"messages": [{"role": "user", "content": "x"}], "temperature": "hot"}',
            400,
            "invalid_type",
        ),
        (
            "POST",
            "/chat/completions",
            b'{"messages": [{"role": "user", "content": "x"}], "model": "gpt-9"}',
            404,
            "model_not_found",
        ),
    ],
)
async def test_error_table(gateway: Gateway, method, path, body, status, code) -> None:
    key = gateway.create_key()
    headers = {**gateway.headers(key), "content-type": "application/json"}
    response = await gateway.http.request(method, path, headers=headers, content=body)
    assert_envelope(response, status, code)
    assert response.headers["x-request-id"].startswith("req_")


async def test_oversize_body_is_413_before_buffering(gateway: Gateway) -> None:
    gateway.create_product("tiny", max_file_size=1024)
    key = gateway.create_key("tiny")
    limit = 1024 + gateway.settings.multipart_overhead_bytes
    chunks_sent = 0

    async def body():
        nonlocal chunks_sent
        for _ in range(64):  # 64 x 64 KiB, streamed without Content-Length
            chunks_sent += 1
            yield b"x" * 65536

    response = await gateway.http.post("/chat/completions", headers=gateway.headers(key), content=body())
    assert_envelope(response, 413, "file_too_large")
    assert chunks_sent * 65536 <= limit + 2 * 65536  # stopped reading right after the limit

    declared = await gateway.http.post(
        "/chat/completions",
        headers={**gateway.headers(key), "content-length": str(limit + 1)},
        content=b"x" * (limit + 1),
    )
    assert_envelope(declared, 413, "file_too_large")


class ExplodingEngine(EchoChatEngine):
    async def generate(self, request):
        raise RuntimeError("secret internal detail")
        yield  # pragma: no cover - makes this an async generator


async def test_unexpected_exception_is_500_without_internals(gateway: Gateway, tmp_path, caplog) -> None:
    from tests.conftest import echo_settings, running_gateway

    register_engine("test-exploding", ExplodingEngine)
    try:
        settings = echo_settings(
            tmp_path / "boom",
            '[models."boom"]\nkind = "chat"\nengine = "test-exploding"\nweights = "{models_dir}"\n',
        )
        async with running_gateway(settings) as gw:
            key = gw.create_key()
            with caplog.at_level(logging.INFO):
                response = await gw.http.post(
                    "/chat/completions", headers=gw.headers(key), json={"messages": [{"role": "user", "content": "x"}]}
                )
            error = assert_envelope(response, 500, "internal_error")
            assert "secret" not in response.text
            request_id = response.headers["x-request-id"]
            assert request_id in error["message"]
            assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
            usage = (await gw.http.get("/usage", headers=gw.headers(key))).json()
            assert (usage["total_requests"], usage["total_errors"]) == (1, 1)
    finally:
        unregister_engine("test-exploding")


async def test_one_log_line_per_request_without_the_key(gateway: Gateway, caplog) -> None:
    key = gateway.create_key()
    key_id = gateway.services.store.list_keys()[-1].id
    with caplog.at_level(logging.INFO, logger="kai_local.access"):
        response = await gateway.http.get("/models", headers=gateway.headers(key))
    lines = [r.getMessage() for r in caplog.records if r.name == "kai_local.access"]
    assert len(lines) == 1
    line = lines[0]
    assert response.headers["x-request-id"] in line
    assert f"key={key_id}" in line and "route=/api/v1/models" in line and "status=200" in line
    assert "latency_ms=" in line
    assert key not in caplog.text
