"""Peak RSS of fetching 10 GiB compression bombs, measured in a fresh process.

The child's address space is capped at 2 GiB, so a fetcher that inflates everything fails
here with a MemoryError instead of taking the machine down. It is started through ``sh``:
Linux carries the RSS a process had before ``exec`` into its ``ru_maxrss``, so a child
forked straight from pytest would report pytest's size. The fetch's own peak is read from
``VmHWM`` after resetting it (``/proc/self/clear_refs``) once imports are done.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http.scripted import Reply, ScriptServer, gzip_bomb, stacked_gzip_bomb

_GIB = 1 << 30
_ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import asyncio, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

def status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))

from syndicator.errors import FetchError
from syndicator.http import Fetcher
from tests.http.scripted import settings

async def main(base: str, path: str) -> None:
    async with Fetcher(settings(max_body_bytes=5_000_000)) as fetcher:
        await fetcher.get(base + "warm")  # imports and first-connection costs
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # Linux: reset the high-water mark (ru_maxrss) to the current RSS
        before = status_kib("VmRSS:")
        try:
            page = await fetcher.get(base + path)
            outcome = {"bytes": len(page.content), "truncated": page.truncated}
        except FetchError as exc:
            outcome = {"error": exc.code}
        peak = status_kib("VmHWM:")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # imports included
    print(json.dumps({"before_kib": before, "peak_kib": peak, "growth_kib": peak - before,
                      "ru_maxrss_kib": maxrss, **outcome}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _fetch_in_child(base: str, path: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    done = subprocess.run(
        ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, "-c", _CHILD, base, path],
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
        cwd=_ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    print(path, result)  # the figures for the record (pytest -s)
    return result


@pytest.mark.parametrize(
    ("encoding", "body", "outcome"),
    [
        ("gzip", gzip_bomb(10 * _GIB), {"bytes": 5_000_000, "truncated": True}),
        ("gzip, gzip", stacked_gzip_bomb(10 * _GIB), {"error": "fetch.unsupported_encoding"}),
    ],
)
def test_ten_gib_bomb_keeps_peak_rss_bounded(
    server: ScriptServer, encoding: str, body: object, outcome: dict[str, object]
) -> None:
    server.script("/warm", Reply(200, {"content-type": "text/plain"}, b"ok"))
    server.script("/bomb", Reply(200, {"content-encoding": encoding}, body))  # type: ignore[arg-type]
    result = _fetch_in_child(server.url, "bomb")
    assert {key: result[key] for key in outcome} == outcome
    growth_kib, maxrss_kib = result["growth_kib"], result["ru_maxrss_kib"]
    assert isinstance(growth_kib, int) and growth_kib < 64 * 1024  # httpx's inflating: 129 MB
    assert isinstance(maxrss_kib, int) and maxrss_kib < 300 * 1024  # the bar
