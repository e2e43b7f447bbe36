"""A taken web port is one clear line on stderr and exit 2, before anything starts."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[service]
database_url = "sqlite:///{tmp}/db.sqlite3"
port = {port}

[[sources]]
name = "vaasa-fi"
kind = "feed"
url = "https://www.vaasa.fi/feed/"
"""


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port some other server listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "syndicator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # it started on a port it does not own
        process.kill()
        out, err = process.communicate()
        return -1, out, err
    return process.returncode, out, err


def test_demo_run_and_serve_name_the_taken_port(taken_port: int, tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text(CONFIG.format(tmp=tmp_path, port=taken_port), encoding="utf-8")
    processes = {
        "demo": _start("demo", "--port", str(taken_port)),
        "run": _start("run", "--config", str(config)),
        "serve": _start("serve", "--config", str(config)),
        "demo on no port": _start("demo", "--port", "70000"),
    }
    results = {name: _finish(process) for name, process in processes.items()}
    taken = f"syndicator: port {taken_port} is in use on 127.0.0.1; "
    assert results["demo"] == (2, "", taken + "pass --port\n")  # no banner claiming the URL
    for name in ("run", "serve"):
        assert results[name] == (2, "", taken + "set service.port in feeds.toml\n")
    assert results["demo on no port"] == (
        2,
        "",
        "syndicator: port 70000 is out of range (0-65535); pass --port\n",
    )
    assert not (tmp_path / "db.sqlite3").exists()  # nothing started
