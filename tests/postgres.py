"""A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` binaries (installed by
scripts/setup.sh), `initdb` into a temp dir, `pg_ctl start` on a free port, removed after.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
(`runuser`); as anyone else it runs as that user. Durability is off (fsync) because the
cluster is thrown away (`durable=True` keeps it, for benchmarks); nothing else differs from a
production server.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (scripts/setup.sh installs Debian's postgresql)")
    return found[-1]


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int
    as_user: tuple[str, ...]  # runuser -u postgres -- (as root), else nothing
    durable: bool = False  # PostgreSQL's default fsync (benchmarks); off for the tests
    user: str = "kai"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database on the cluster: its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
        if not self.durable:
            options += " -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when a server goes away."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.as_user, _binary("pg_ctl"), "-D", str(self.data), *args], check=True, capture_output=True)


@contextmanager
def throwaway_cluster(durable: bool = False) -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="kai-pg-"))
    as_user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        os.chown(folder, _uid("postgres"), _gid("postgres"))
        as_user = ("runuser", "-u", "postgres", "--")
    cluster = Cluster(folder, free_port(), as_user, durable)
    try:
        subprocess.run(
            [*as_user, _binary("initdb"), "-D", str(cluster.data), "-U", cluster.user, "--auth=trust", "-E", "UTF8"]
            + ([] if durable else ["--no-sync"]),
            check=True,
            capture_output=True,
        )
        cluster.start()
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, _binary("pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"], capture_output=True
            )
        shutil.rmtree(folder, ignore_errors=True)


def _uid(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_uid


def _gid(user: str) -> int:
    import pwd

    return pwd.getpwnam(user).pw_gid
