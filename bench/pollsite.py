"""The benchmark's sources, in their own process so their CPU is not counted as ours.

``python -m bench.pollsite HOSTS SOURCES`` serves ``tests.replicas.site.ListingSite`` on
127.0.1.1 … 127.0.1.HOSTS (one release per source), prints the listing URLs as one JSON
line, then answers commands on stdin, one JSON line each: ``hits`` (request counts so far),
``publish N`` (a new release on source N). ``SiteProcess`` is the parent's side.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Self

from tests.replicas.site import ListingSite

__all__ = ["SiteProcess", "hosts"]

ROOT = Path(__file__).resolve().parents[1]


def hosts(count: int) -> list[str]:
    return [f"127.0.1.{n}" for n in range(1, count + 1)]


def _counts(site: ListingSite) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for hit in list(site.hits):
        if hit.path == "/robots.txt":
            counts["robots"] += 1
        elif hit.path.count("/") == 2:
            counts["listing"] += 1
            counts["listing_conditional"] += hit.conditional
            counts["listing_304"] += hit.status == 304
        else:
            counts["page"] += 1
    counts["total"] = len(site.hits)
    return dict(counts)


def serve(host_count: int, sources: int) -> None:
    with ListingSite(hosts(host_count), sources, releases=1) as site:
        print(json.dumps([site.source_url(n) for n in range(sources)]), flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "hits":
                print(json.dumps(_counts(site)), flush=True)
            elif command == "publish":
                print(json.dumps(site.publish(int(args[0]))), flush=True)
            else:
                print(json.dumps({"error": command}), flush=True)


class SiteProcess:
    """Starts ``serve`` in a subprocess; ``urls`` are the listings, ``ask`` sends a command."""

    def __init__(self, host_count: int, sources: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.pollsite", str(host_count), str(sources)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.urls: list[str] = self._read()

    def ask(self, command: str) -> Any:
        assert self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's site process died")
        return json.loads(line)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
