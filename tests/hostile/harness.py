"""The real worker as ops run it, watched from outside: a ``syndicator run`` process, a
``/healthz`` prober, a ``/proc`` sampler of its memory (and its children's), its JSON logs.

Shared by the hostile-source and the replica suites.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "ROOT",
    "HealthProbe",
    "RssSampler",
    "free_port",
    "json_lines",
    "raw_lines",
    "start_worker",
    "stop_worker",
    "worker",
]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_worker(
    config: Path, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``python -m syndicator run --config …`` with stderr (the JSON log) into ``log``."""
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "syndicator", "run", "--config", str(config)],
            stdout=sink,
            stderr=sink,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
        )


def stop_worker(process: subprocess.Popen[bytes], within_s: float = 10.0) -> int | None:
    """SIGTERM; the exit code, or None when it had to be killed."""
    if process.poll() is not None:
        return process.returncode
    process.terminate()
    try:
        return process.wait(timeout=within_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        return None


@contextmanager
def worker(
    config: Path, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(config, log, env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def json_lines(log: Path) -> list[dict[str, Any]]:
    """The JSON log lines, each with ``at`` (epoch seconds) added."""
    out = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            record["at"] = datetime.fromisoformat(record["time"]).timestamp()
            out.append(record)
    return out


def events(log: Path, name: str) -> list[dict[str, Any]]:
    """The JSON log lines of the event ``name``, with ``at``."""
    return [line for line in json_lines(log) if line.get("event") == name]


def wait_until(condition: Callable[[], bool], within_s: float = 60.0) -> None:
    """Until ``condition()`` holds; a server not answering yet counts as not yet."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {within_s:g} s")


def raw_lines(log: Path) -> list[str]:
    """Lines that are not JSON: tracebacks or prints that escaped the logger."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("{")]


@dataclass(eq=False)
class HealthProbe(threading.Thread):
    """GET ``url`` every ``every_s``; ``latencies`` in seconds (a failure counts as timeout)."""

    url: str
    every_s: float = 0.2
    timeout_s: float = 2.0
    latencies: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # epoch of each probe
    failures: list[str] = field(default_factory=list)
    _stop_event: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        with httpx.Client(timeout=self.timeout_s) as client:
            while not self._stop_event.wait(self.every_s):
                started = time.perf_counter()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError as exc:
                    ok = False
                    self.failures.append(repr(exc))
                elapsed = time.perf_counter() - started
                self.latencies.append(elapsed if ok else max(elapsed, self.timeout_s))
                self.times.append(time.time())

    def halt(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def worst(self, start: float, end: float) -> float:
        """Slowest probe between two epoch times (0 when none)."""
        pairs = zip(self.times, self.latencies, strict=False)
        return max((latency for at, latency in pairs if start <= at <= end), default=0.0)


@dataclass(eq=False)
class RssSampler(threading.Thread):
    """Samples VmHWM/VmRSS of ``pid`` and its descendants from /proc every ``every_s``."""

    pid: int
    every_s: float = 0.2
    hwm_kb: dict[int, int] = field(default_factory=dict)  # pid → peak VmHWM seen
    timeline: list[tuple[float, int]] = field(default_factory=list)  # (epoch, tree VmRSS kB)
    _stop_event: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        while not self._stop_event.wait(self.every_s):
            total = 0
            for pid in (self.pid, *_descendants(self.pid)):
                status = _status(pid)
                if status:
                    self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status.get("VmHWM", 0))
                    total += status.get("VmRSS", 0)
            self.timeline.append((time.time(), total))

    def halt(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def peak_tree_mb(self, start: float, end: float) -> float:
        """Largest summed RSS of the process tree between two epoch times."""
        return max((kb for at, kb in self.timeline if start <= at <= end), default=0) / 1024


def _descendants(root: int) -> list[int]:
    """Children, grandchildren …: from /proc/PID/task/TID/children (cheap), else a scan."""
    found, frontier = [], [root]
    while frontier:
        children = _children(frontier.pop())
        found += children
        frontier += children
    return found


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(child) for child in (task / "children").read_text().split()]
    except FileNotFoundError:
        return _scan_children(pid)
    except OSError:
        pass  # the process is gone
    return out


def _scan_children(parent: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                out.append(int(entry))
    return out


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            out[name] = int(value.split()[0])
    return out
