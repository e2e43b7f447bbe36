"""``make bench-serve``'s tools: the load generator (Debian's ``wrk``) and the yardstick
(Debian's nginx serving the same bytes from a temporary directory on 127.0.0.1)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

__all__ = ["Load", "Nginx", "missing_tools", "wrk"]

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True, slots=True)
class Load:
    """One ``wrk`` run: requests per second and latency percentiles (ms, client-observed)."""

    rate: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int


def missing_tools() -> list[str]:
    """The Debian packages this benchmark needs and this machine lacks."""
    needed = {"wrk": "wrk", "nginx": "nginx-light"}
    return [package for tool, package in needed.items() if _nginx_or(tool) is None]


def _nginx_or(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin")


def wrk(url: str, connections: int, seconds: int, headers: dict[str, str] | None = None) -> Load:
    """``wrk`` with one thread (the server gets the other core) against ``url``."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(_find(r"Requests/sec:\s+([\d.]+)", out))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    failed = int(errors[1]) if errors else 0
    return Load(rate, _percentile(out, "50"), _percentile(out, "99"), failed)


def _percentile(out: str, which: str) -> float:
    found = re.search(rf"^\s+{which}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if found is None:
        raise RuntimeError(f"wrk printed no {which}th percentile:\n{out}")
    return float(found[1]) * _UNITS[found[2]]


def _find(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{text}")
    return found[1]


class Nginx:
    """nginx (one worker, as we run one process) serving ``root`` on 127.0.0.1."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = tmp / "nginx.conf"
        conf.write_text(_CONFIG.format(tmp=tmp, root=root, port=self.port), encoding="utf-8")
        nginx = _nginx_or("nginx")
        assert nginx is not None
        self._process = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)])
        _wait(self.port)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


_CONFIG = """daemon off;
master_process on;
worker_processes 1;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  default_type application/atom+xml;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    add_header Cache-Control "public, max-age=60";
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not start on port {port}")
