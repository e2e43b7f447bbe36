"""A throw-away PostgreSQL server for the tests: the real thing, on 127.0.0.1.

``SYNDICATOR_TEST_POSTGRES_URL`` wins when set. Otherwise the server binaries (Debian's
postgresql package, which ``.ci/run`` installs) start a private cluster in a temporary
directory, as the ``postgres`` user when we run as root (PostgreSQL refuses root).
A private cluster can be stopped and started again, to test the store while it is down.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

__all__ = ["Cluster", "create_database", "postgres_cluster", "postgres_server"]

_databases = itertools.count()


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A private cluster in ``root``; ``url`` names its ``postgres`` database."""

    def __init__(self, root: Path, pg_ctl: str, as_user: list[str]) -> None:
        self.root = root
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._pg_ctl = [*as_user, pg_ctl, "-D", str(root / "data")]

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F"
        command = [*self._pg_ctl, "-w", "-l", str(self.root / "log"), "-o", options, "start"]
        subprocess.run(command, check=True, capture_output=True)
        _wait(self.port)

    def stop(self) -> None:
        """Stop at once, as a crash or a lost network would (clients get no goodbye)."""
        subprocess.run([*self._pg_ctl, "-m", "immediate", "stop"], check=False, capture_output=True)


@contextmanager
def postgres_cluster() -> Iterator[Cluster | None]:
    """A started private cluster, or None when the server binaries are missing."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        yield None
        return
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            yield None
            return
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="syndicator-pg-"))
    if as_user:
        shutil.chown(root, "postgres")
    init = [initdb, "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    subprocess.run([*as_user, *init, "--locale=C.UTF-8"], check=True, capture_output=True)
    cluster = Cluster(root, pg_ctl, as_user)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yield a SQLAlchemy URL of an empty database, or None when no server can be had."""
    if url := os.environ.get("SYNDICATOR_TEST_POSTGRES_URL"):
        yield url
        return
    with postgres_cluster() as cluster:
        yield None if cluster is None else cluster.url


def create_database(server_url: str) -> str:
    """A new empty database on the server of ``server_url``; its URL."""
    name = f"syndicator_test_{os.getpid()}_{next(_databases)}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _wait(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start on port {port}")
