"""Helpers for the tests and benchmarks: where their data files lie, and a real server process
on loopback (`start_gateway` for `kai-local serve`, `start_server` for any other server command)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

REPO = Path(__file__).resolve().parents[1]
# Files the project did not write (faster-whisper's audio, mat2's metadata files) and the API spec,
# in tests/data/ with their sources and licences (tests/data/README.md).
TESTDATA = REPO / "tests" / "data"
SPEC_FILE = REPO / "tests" / "data" / "spec" / "mconnect-openapi.yaml"
# The installed console script of this virtual environment.
KAI_LOCAL = shutil.which("kai-local", path=str(Path(sys.executable).parent)) or "kai-local"
# `kai-local serve` with the tests' fake engines registered first (test-echo: tests/conftest.py).
_CLI_WITH_TEST_ENGINES = [
    sys.executable,
    "-c",
    "import sys; import tests.conftest; from kai_local.cli import main; sys.exit(main(sys.argv[1:]))",
]


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment without its KAI_* settings (CI sets KAI_DATA_DIR), plus these."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("KAI_")}, **variables}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Poll `url` (a health endpoint) until it answers 200; raise RuntimeError if the process
    exits or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout_s:g} s")


@dataclass
class ServerProcess:
    """A server started by `start_server` or `start_gateway`, answering on 127.0.0.1:`port`."""

    process: subprocess.Popen
    port: int
    log: IO[bytes] | None = field(default=None, repr=False)  # its output, when not sent elsewhere

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """What the server has written so far (empty when its output went elsewhere)."""
        if self.log is None or self.log.closed:
            return ""
        fd = self.log.fileno()  # shared with the server: read without moving its write offset
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 30.0) -> bool:
        """Send `sig` (SIGTERM: a clean shutdown; SIGKILL: a crash) and wait until the process has
        gone: True if it went within `timeout_s`, False if it had to be killed after that. Does
        nothing to a process that has already exited."""
        try:
            if self.process.poll() is not None:
                return True
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout_s)
                return True
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return False
        finally:
            if self.log is not None:
                self.log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    command: Sequence[str],
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | IO[Any] | int | None = None,
    timeout_s: float = 60.0,
    health_path: str = "/health",
) -> ServerProcess:
    """Run `command` (a server that listens on 127.0.0.1:`port`) and wait until `health_path`
    answers. Its output goes to `log` (a file path, an open file such as sys.stderr, or
    subprocess.DEVNULL), else to a temporary file; a server that does not come up is killed,
    and the error carries the end of that output."""
    captured = tempfile.TemporaryFile() if log is None else None
    opened = log.open("wb") if isinstance(log, Path) else None
    output = opened if opened is not None else captured if captured is not None else log
    try:
        process = subprocess.Popen(
            list(command),
            env=None if env is None else dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    finally:
        if opened is not None:
            opened.close()  # the server writes to its own copy
    server = ServerProcess(process, port, captured)
    try:
        wait_until_healthy(f"{server.url}{health_path}", process, timeout_s)
    except RuntimeError as exc:
        process.kill()
        process.wait()
        said = server.output()[-3000:] if captured is not None else f"(its output: {getattr(log, 'name', log)})"
        if captured is not None:
            captured.close()
        raise RuntimeError(f"{exc}\n{said}") from None
    return server


def start_gateway(
    data_dir: Path,
    models_file: Path,
    *,
    models_dir: Path | None = None,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    test_engines: bool = False,
    log: Path | IO[Any] | int | None = None,
    timeout_s: float = 120.0,
) -> ServerProcess:
    """`kai-local serve` in a child process on 127.0.0.1 (`port`, else a free one), with this data
    folder and models.toml, started and answering /health. `models_dir`: $KAI_MODELS_DIR; `env`:
    more variables (KAI_* settings) over this process's environment; `args`: more serve options;
    `test_engines`: the tests' fake engines (test-echo) are registered first. Stop it with
    `.stop()` (SIGTERM, or the signal given) or use it as a context manager."""
    port = port if port is not None else free_port()
    variables = {**os.environ, **(env or {})}
    if models_dir is not None:
        variables["KAI_MODELS_DIR"] = str(models_dir)
    cli = [KAI_LOCAL]
    if test_engines:
        cli = _CLI_WITH_TEST_ENGINES
        variables["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), variables.get("PYTHONPATH")]))
    command = [
        *cli,
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--models-file",
        str(models_file),
        *args,
    ]
    return start_server(command, port, env=variables, cwd=REPO, log=log, timeout_s=timeout_s)
