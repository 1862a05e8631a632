"""Helpers for the tests and benchmarks: where their data files lie, and a real server process
on loopback."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
# Files the project did not write (faster-whisper's audio, mat2's metadata files) and the API spec,
# in tests/data/ with their sources and licences (tests/data/README.md).
TESTDATA = REPO / "tests" / "data"
SPEC_FILE = REPO / "tests" / "data" / "spec" / "mconnect-openapi.yaml"


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


def start_server(command: list[str], port: int, timeout_s: float = 60.0) -> subprocess.Popen:
    """Run `command` (a server that listens on `port`, output discarded) and wait until its
    /health answers; the process is killed if it does not come up."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", process, timeout_s)
    except RuntimeError:
        process.kill()
        process.wait()
        raise
    return process
