"""exiftool (Debian's libimage-exiftool-perl), kept running in `-stay_open` mode.

Starting perl costs ~0.2 s per call on these machines, more than the work itself, so a few
long-lived processes take commands over stdin (one per thread at a time). Each command has a
deadline: a process that misses it is killed and replaced, and the caller gets `StripFailed`.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kai_local.documents.metadata.result import StripFailed, ToolMissing

# Reads: every tag (-a keeps duplicates), family 0 and 1 groups ("EXIF:GPS:GPSLatitude"),
# numeric values (-n: Orientation is 6, not "Rotate 90 CW").
READ_ARGS = ("-j", "-a", "-G0:1", "-n", "-api", "largefilesupport=1")


@dataclass(frozen=True)
class Tag:
    family0: str  # EXIF, XMP, IPTC, ICC_Profile, File, PNG, PDF, XML, FlashPix, ...
    family1: str  # IFD0, GPS, XMP-dc, PNG-pHYs, ...
    name: str
    value: object

    @property
    def key(self) -> str:
        return f"{self.family1}:{self.name}"


def parse_tags(pairs: list[tuple[str, object]]) -> list[Tag]:
    """One file's JSON object (as key/value pairs, duplicates kept) as tags."""
    tags = []
    for key, value in pairs:
        parts = key.split(":")
        if len(parts) == 2:
            tags.append(Tag(parts[0], parts[0], parts[1], value))
        elif len(parts) == 3:
            tags.append(Tag(parts[0], parts[1], parts[2], value))
    return tags


# exiftool in -stay_open mode does not exit when its stdin closes (it polls), so a server that
# is killed would leave it running: on Linux the kernel kills it when its parent goes.
_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class _Process:
    """One `exiftool -stay_open True -@ -` process."""

    def __init__(self, executable: str) -> None:
        self.popen = subprocess.Popen(
            [executable, "-config", "", "-stay_open", "True", "-@", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl-C to the server must not reach it mid-command
            preexec_fn=_die_with_parent,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def execute(self, args: Sequence[str], timeout_s: float) -> tuple[str, str]:
        # A fresh random number per command: the end marker `{readyNUMBER}` must be something
        # the file's own tags (echoed back in the output) cannot know in advance and fake.
        number = secrets.randbelow(10**18)
        marker = f"{{ready{number}}}"
        lines = [*args, "-echo4", marker, f"-execute{number}"]
        if any("\n" in arg for arg in lines):
            raise StripFailed("a file name or tag cannot be passed to exiftool")
        assert self.popen.stdin is not None and self.popen.stdout is not None
        assert self.popen.stderr is not None
        self.popen.stdin.write(("\n".join(lines) + "\n").encode("utf-8"))
        self.popen.stdin.flush()
        return _read_until(self.popen, marker.encode(), time.monotonic() + timeout_s)

    def close(self) -> None:
        if self.alive():
            try:
                assert self.popen.stdin is not None
                self.popen.stdin.write(b"-stay_open\nFalse\n")
                self.popen.stdin.flush()
                self.popen.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                self.popen.kill()
                self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()


def _read_until(popen: subprocess.Popen[bytes], marker: bytes, deadline: float) -> tuple[str, str]:
    """Both pipes until each ends with `marker` (stdout gets it from -execute, stderr from -echo4)."""
    buffers = {"stdout": bytearray(), "stderr": bytearray()}
    done = {"stdout": False, "stderr": False}
    with selectors.DefaultSelector() as selector:
        assert popen.stdout is not None and popen.stderr is not None
        selector.register(popen.stdout, selectors.EVENT_READ, "stdout")
        selector.register(popen.stderr, selectors.EVENT_READ, "stderr")
        while not all(done.values()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
                if not chunk:
                    raise EOFError("exiftool exited")
                name = key.data
                buffers[name] += chunk
                if buffers[name].rstrip().endswith(marker):
                    done[name] = True
                    selector.unregister(key.fileobj)
    out, err = (bytes(buffers[n]).rstrip()[: -len(marker)] for n in ("stdout", "stderr"))
    return out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


class ExifTool:
    """A small pool of stay-open exiftool processes; thread-safe, one command per process."""

    def __init__(self, executable: str = "exiftool", timeout_s: float = 30.0, processes: int = 2) -> None:
        self.executable = executable
        self.timeout_s = timeout_s
        self._idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self.processes = processes
        self._closed = False
        # The parent-death signal fires when the *thread* that forked the child ends, and the
        # CPU pool's threads come and go: fork from one thread that lives as long as the pool.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="exiftool-spawn")

    def available(self) -> bool:
        return shutil.which(self.executable) is not None

    def execute(self, args: Sequence[str]) -> tuple[str, str]:
        """Run one exiftool command; returns (stdout, stderr)."""
        process = self._checkout()
        healthy = False
        try:
            result = process.execute(args, self.timeout_s)
            healthy = True
            return result
        except TimeoutError:
            raise StripFailed(f"exiftool took longer than {self.timeout_s:.0f} s") from None
        except (EOFError, OSError) as exc:
            raise StripFailed(f"exiftool failed ({exc})") from None
        finally:
            self._checkin(process, healthy)

    def read(self, paths: Sequence[Path]) -> dict[Path, list[Tag]]:
        """All tags of each file; a file exiftool could not read is missing from the result."""
        if not paths:
            return {}
        stdout, _ = self.execute([*READ_ARGS, *map(str, paths)])
        by_name = {str(p): p for p in paths}
        result: dict[Path, list[Tag]] = {}
        for pairs in _json_objects(stdout):
            source = dict(pairs).get("SourceFile")
            if isinstance(source, str) and source in by_name:
                result[by_name[source]] = parse_tags(pairs)
        return result

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break
        self._spawner.shutdown(wait=False)

    def _checkout(self) -> _Process:
        if self._closed:
            raise StripFailed("the metadata service is shutting down")
        try:
            process = self._idle.get_nowait()
            if process.alive():
                return process
            process.close()
        except queue.Empty:
            pass
        if not self.available():
            raise ToolMissing("exiftool is not installed (Debian package libimage-exiftool-perl)")
        return self._spawner.submit(_Process, self.executable).result()

    def _checkin(self, process: _Process, healthy: bool) -> None:
        # Keep at most `processes` idle; a process that timed out or broke is not reused.
        if healthy and not self._closed and self._idle.qsize() < self.processes and process.alive():
            self._idle.put(process)
            return
        process.popen.kill()
        process.popen.wait()
        process.close()


def _json_objects(stdout: str) -> Iterator[list[tuple[str, object]]]:
    """The objects of exiftool's -j array(s), keeping duplicate keys (-a can repeat a tag)."""
    decoder = json.JSONDecoder(object_pairs_hook=lambda pairs: pairs)
    text = stdout.strip()
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            raise StripFailed("exiftool returned output we could not parse") from None
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, list))
