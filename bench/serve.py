"""``make bench-serve``: what serving a feed costs, beside nginx serving the same bytes.

Our app (``bench/servechild.py``: uvicorn on 127.0.0.1:0, one process, as ``syndicator
run`` serves) over a real SQLite store of 1k and of 100k items (written in bulk), with
``feeds.max_entries`` 50 and 1,000; Debian's nginx (one worker) serves the identity bytes
of the same two feeds from a temporary directory. ``wrk`` (one thread) loads each. Printed:
requests/s of a cached feed with 8 and 32 connections, conditional (304) latency, the
render time of a 1,000-entry Atom, and /healthz p99 under 32 concurrent feed clients.
Figures, never assertions: each target is marked PASS or MISS. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.child import JsonChild, run_figures
from bench.servetools import Load, Nginx, missing_tools, wrk
from syndicator.publish import Feed, render_feed
from syndicator.store import open_store
from syndicator.web.cache import encode
from tests.publish.samples import make_config
from tests.web.bulkstore import fill_items

__all__ = ["main", "measure"]

STORES = {"1k": 1_000, "100k": 100_000}
SIZES = (50, 1_000)
CONNECTIONS = (8, 32)
SECONDS = 2
PATH = "/feeds/atom.xml"


class _Lines(list[str]):
    def say(self, *parts: str) -> None:
        line = "".join(parts)
        print(line, flush=True)
        self.append(line)


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


async def measure(tmp: Path) -> list[str]:
    return await asyncio.to_thread(_measure, tmp)  # blocking throughout: subprocesses, wrk


def _measure(tmp: Path) -> list[str]:
    lines = _Lines()
    missing = missing_tools()
    if missing:
        lines.say(f"bench-serve skipped: apt-get install {' '.join(missing)} (.ci/run does)")
        return lines
    started = time.perf_counter()
    dbs = {label: _build(tmp, label, count, lines) for label, count in STORES.items()}
    ours: dict[tuple[str, int, int], Load] = {}
    conditional: dict[str, Load] = {}
    root = tmp / "www" / "feeds"
    root.mkdir(parents=True)
    health: dict[str, list[float]] = {}
    for label, db in dbs.items():
        for size in SIZES:
            with JsonChild("bench.servechild", str(db), str(size)) as child:
                url = child.first["url"] + PATH
                first = httpx.get(url, headers={"Accept-Encoding": "identity"})
                for connections in CONNECTIONS:
                    ours[label, size, connections] = wrk(url, connections, SECONDS)
                if label == "100k":
                    (root / f"atom-{size}.xml").write_bytes(first.content)
                    etag = {"If-None-Match": first.headers["etag"]}
                    conditional[f"ours {size}"] = wrk(url, 1, SECONDS, etag)
                    if size == max(SIZES):
                        for coding in ("identity", "gzip, br"):
                            health[coding] = _healthz_under_load(child.first["url"], url, coding)
    theirs = _nginx(tmp, root, conditional)
    _rate_lines(lines, ours, theirs)
    _conditional_lines(lines, conditional)
    _render_line(lines, dbs["100k"])
    _health_lines(lines, health)
    lines.say(f"bench-serve took {time.perf_counter() - started:.0f} s")
    return lines


def _build(tmp: Path, label: str, count: int, lines: _Lines) -> Path:
    db = tmp / f"serve-{label}.sqlite3"
    store = open_store(f"sqlite:///{db}")
    began = time.perf_counter()
    fill_items(store.engine, count)
    store.close()
    took = time.perf_counter() - began
    lines.say(f"store of {count:,} items (fi/sv/en) written in bulk in {took:.1f} s")
    return db


def _nginx(tmp: Path, root: Path, conditional: dict[str, Load]) -> dict[tuple[int, int], Load]:
    theirs: dict[tuple[int, int], Load] = {}
    with Nginx(root.parent, tmp) as nginx:
        for size in SIZES:
            url = f"{nginx.url}/feeds/atom-{size}.xml"
            etag = httpx.get(url).headers["etag"]
            for connections in CONNECTIONS:
                theirs[size, connections] = wrk(url, connections, SECONDS)
            conditional[f"nginx {size}"] = wrk(url, 1, SECONDS, {"If-None-Match": etag})
    return theirs


def _healthz_under_load(base: str, feed: str, coding: str) -> list[float]:
    """/healthz timed one request after another while 32 clients fetch the feed."""
    headers = {"Accept-Encoding": coding}
    load = threading.Thread(target=wrk, args=(feed, 32, SECONDS + 1, headers))
    load.start()
    time.sleep(0.3)
    timings = []
    with httpx.Client(base_url=base) as client:
        while load.is_alive() and len(timings) < 400:
            began = time.perf_counter()
            client.get("/healthz").raise_for_status()
            timings.append((time.perf_counter() - began) * 1000)
    load.join()
    return timings


def _rate_lines(
    lines: _Lines, ours: dict[tuple[str, int, int], Load], theirs: dict[tuple[int, int], Load]
) -> None:
    lines.say(f"cached {PATH}, requests/s (wrk, {SECONDS} s each; nginx: 1 worker, same bytes):")
    lines.say(
        f"  {'entries':<9}{'conns':>6}{'ours 1k':>10}{'ours 100k':>11}{'nginx':>10}",
        f"{'ours/nginx':>12}{'100k/1k':>9}",
    )
    for size in SIZES:
        for connections in CONNECTIONS:
            small, big = ours["1k", size, connections], ours["100k", size, connections]
            nginx = theirs[size, connections]
            share, flat = big.rate / nginx.rate, big.rate / small.rate
            errors = small.non_2xx_3xx + big.non_2xx_3xx
            lines.say(
                f"  {size:<9}{connections:>6}{small.rate:>10,.0f}{big.rate:>11,.0f}",
                f"{nginx.rate:>10,.0f}{share:>11.0%} {flat:>8.2f}×",
                f"   ≥ 30 %: {_mark(share >= 0.3)}, flat (≥ 0.8×): {_mark(flat >= 0.8)}",
                f"  ({errors} errors)" if errors else "",
            )  # fmt: skip


def _conditional_lines(lines: _Lines, conditional: dict[str, Load]) -> None:
    lines.say("conditional GET (If-None-Match → 304), 1 connection, client-observed on loopback:")
    for name, load in conditional.items():
        mark = f"   304 p50 ≤ 1 ms: {_mark(load.p50_ms <= 1)}" if name.startswith("ours") else ""
        lines.say(
            f"  {name:<12} p50 {load.p50_ms:.3f} ms, p99 {load.p99_ms:.3f} ms, ",
            f"{load.rate:,.0f} req/s{mark}",
        )


def _render_line(lines: _Lines, db: Path) -> None:
    """One 1,000-entry document of each format from the 100k store: query, render (cold: no
    cache of any kind), compress — best of 3."""
    store = open_store(f"sqlite:///{db}")
    config = make_config(max_entries=1000)
    query, compress = [], []
    render: dict[str, list[float]] = {fmt: [] for fmt in ("atom", "rss", "json")}
    for _ in range(3):
        began = time.perf_counter()
        entries = store.latest_entries(None, 1000)
        query.append(time.perf_counter() - began)
        for fmt, timings in render.items():
            feed = Feed(None, fmt)  # type: ignore[arg-type]  # the three formats
            began = time.perf_counter()
            body = render_feed(feed, entries, config)
            timings.append(time.perf_counter() - began)
            if fmt == "atom":
                size, began = len(body), time.perf_counter()
                encode(body, feed.content_type, None)
                compress.append(time.perf_counter() - began)
    store.close()
    best = {fmt: min(timings) * 1000 for fmt, timings in render.items()}
    lines.say(
        f"1,000-entry feed, 100k store, best of 3: query {min(query) * 1000:.0f} ms; render ",
        f"Atom ({size / 1e6:.1f} MB) {best['atom']:.0f} ms, RSS {best['rss']:.0f} ms, ",
        f"JSON Feed {best['json']:.0f} ms; gzip+brotli of the Atom {min(compress) * 1000:.0f} ms",
        f"   Atom render ≤ 50 ms: {_mark(best['atom'] <= 50)}",
    )  # fmt: skip


def _health_lines(lines: _Lines, health: dict[str, list[float]]) -> None:
    lines.say("/healthz under 32 concurrent clients of the 1,000-entry feed (100k store):")
    for coding, timings in health.items():
        ordered = sorted(timings)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        lines.say(
            f"  clients accepting {coding!r:<11} p50 {statistics.median(ordered):.1f} ms, ",
            f"p99 {p99:.1f} ms ({len(ordered)} requests)   p99 ≤ 50 ms: {_mark(p99 <= 50)}",
        )


def main() -> int:
    return run_figures(measure, "bench-serve")


if __name__ == "__main__":
    raise SystemExit(main())
