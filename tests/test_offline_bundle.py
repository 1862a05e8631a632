"""The offline install, end to end: scripts/bundle.sh builds the archive on this (connected)
machine, then scripts/install-offline.sh installs it in a network namespace with nothing but a
loopback interface (`unshare --net`), into a fresh folder, and the installed `kai-local serve`
answers /health, a chat and a transcription on the bundled models. Nothing can reach a registry
there: the namespace has no route out, which the check inside it proves first."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.support import REPO, TESTDATA

pytestmark = pytest.mark.slow

# Runs inside the namespace, with the installed virtualenv's Python (its httpx).
CHECK = textwrap.dedent(
    """
    import socket, subprocess, sys, time
    import httpx
    kai, data, audio = sys.argv[1], sys.argv[2], sys.argv[3]
    try:
        socket.create_connection(("151.101.0.223", 443), timeout=3)  # pypi.org
        sys.exit("the namespace reaches the internet")
    except OSError:
        pass
    env = {"KAI_DATA_DIR": data, "KAI_PII_PRELOAD": "0", "PATH": "/usr/bin:/bin", "KAI_CONFIG_FILE": "/dev/null"}
    key = subprocess.run([kai, "keys", "create", "--product", "default"], env=env, check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    server = subprocess.Popen([kai, "serve", "--port", "8799"], env=env)
    try:
        base = "http://127.0.0.1:8799"
        for _ in range(600):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        headers = {"Authorization": "Bearer " + key}
        chat = httpx.post(base + "/api/v1/chat/completions", headers=headers, timeout=300, json={
            "model": "smollm2-135m-instruct", "max_tokens": 8,
            "messages": [{"role": "user", "content": "Say hello."}]})
        assert chat.status_code == 200 and chat.json()["choices"][0]["message"]["content"], chat.text
        with open(audio, "rb") as f:
            heard = httpx.post(base + "/api/v1/audio/transcriptions", headers=headers, timeout=300,
                               files={"file": ("jfk.flac", f, "audio/flac")}, data={"model": "whisper-base"})
        assert heard.status_code == 200 and "country" in heard.json()["text"].lower(), heard.text
        print("offline install answers: health, chat, transcription")
    finally:
        server.terminate()
        server.wait(60)
    """
)


NEEDED_GB = 8


def test_the_bundle_installs_and_serves_with_no_network(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed for the offline install test")
    # The archive, its unpacked copy and the new venv at once: say so plainly, not as ENOSPC in pip.
    free_gb = shutil.disk_usage(tmp_path).free / 2**30
    assert free_gb > NEEDED_GB, (
        f"the offline install test needs about {NEEDED_GB} GiB free in {tmp_path}, has {free_gb:.1f}"
    )
    out = tmp_path / "out"
    built = subprocess.run(
        ["bash", str(REPO / "scripts" / "bundle.sh"), str(out)], capture_output=True, text=True, timeout=1800
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [archive] = out.glob("kai-local-bundle-*-cpu.tar")
    # The .debs are a complete repository for a bare system of this release: apt, given only them
    # and an empty package list, can install everything the server needs (simulated).
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(unpacked), "./debs"], check=True)
    (unpacked / "sources.list").write_text(f"deb [trusted=yes] file:{unpacked / 'debs'} ./\n")
    for folder in ("lists/partial", "cache/archives/partial"):
        (unpacked / folder).mkdir(parents=True)
    apt = [
        "apt-get",
        "-o",
        f"Dir::Etc::SourceList={unpacked / 'sources.list'}",
        "-o",
        "Dir::Etc::SourceParts=/dev/null",
    ]
    apt += ["-o", f"Dir::State::Lists={unpacked / 'lists'}", "-o", f"Dir::Cache={unpacked / 'cache'}"]
    wanted = (unpacked / "debs" / "WANTED").read_text().split()
    simulated = subprocess.run(
        [
            "unshare",
            "--net",
            "bash",
            "-c",
            " ".join(apt)
            + " update -qq && "
            + " ".join(apt)
            + " -s -o Dir::State::status=/dev/null install --no-install-recommends "
            + " ".join(wanted),
        ],
        capture_output=True,
        text=True,
    )
    assert simulated.returncode == 0, simulated.stdout[-2000:] + simulated.stderr[-2000:]
    assert {"ffmpeg", "tesseract-ocr-deu", "libimage-exiftool-perl", "postgresql"} <= set(wanted)
    installs = [line.split()[1] for line in simulated.stdout.splitlines() if line.startswith("Inst ")]
    assert set(wanted) <= set(installs) and len(installs) > 100
    shutil.rmtree(unpacked)  # the install below needs the disk more
    check = tmp_path / "check.py"
    check.write_text(CHECK)
    dest, data = tmp_path / "opt-kai-local", tmp_path / "data"
    script = (
        "set -euo pipefail; ip link set lo up; "
        f"KAI_DATA_DIR={data} bash {REPO / 'scripts' / 'install-offline.sh'} {archive} {dest}; "
        f"{dest / '.venv' / 'bin' / 'python'} {check} {dest / '.venv' / 'bin' / 'kai-local'} {data} "
        f"{TESTDATA / 'audio' / 'jfk.flac'}"
    )
    installed = subprocess.run(
        ["unshare", "--net", "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=1800,
        # This machine's PATH (its python3.11), a fresh HOME: no pip cache or config of ours.
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "KAI_CONFIG_FILE": "/dev/null"},
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert "offline install answers: health, chat, transcription" in installed.stdout
