"""``make bench-poll``: what a poll round of 1,000 unchanged sources on 100 hosts costs.

The sources are ``bench/pollsite.py`` in a subprocess on 127.0.1.1–127.0.1.100; rounds run
in this process through ``syndicator.scheduler.run_once(config, store)``. Printed beside
today's behaviour (``service.poll_concurrency = 1``) and curl's conditional-GET floor.
Figures, never assertions: each target is marked PASS or MISS. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

from bench.child import run_figures
from bench.pollsite import SiteProcess
from bench.polltools import copy_store, curl_floor, seed_items
from syndicator.config import Config, parse_config
from syndicator.demo.languages import demo_source
from syndicator.scheduler import run_once
from syndicator.store import open_store
from tests.sinks import WebhookSink

HOSTS, SOURCES, CURL_REQUESTS = 100, 1000, 300
ROUND_CAP_S = 75.0  # a round still running then is stopped, its CPU projected (≤ 5 min)
ROUND_INTERVAL_S = 900.0  # the CPU target: under 10 % of one core at a 15-minute interval
SHIPPED_HOST_DELAY = "2s"
SECRET = "whsec_YmVuY2gtcG9sbC1zZWNyZXQtMDEyMzQ1Njc4OWFi"


@dataclass
class Round:
    wall_s: float
    cpu_s: float
    hits: dict[str, int]
    rss_mb: float
    cut_off: bool = False  # stopped at ROUND_CAP_S; see projected()

    def projected(self) -> Round:
        """A cut-off round's CPU scaled to all sources by the listings it reached (CPU grows
        with sources; wall does not: it stays "more than the cap")."""
        if not self.cut_off:
            return self
        scale = SOURCES / max(1, self.hits.get("listing", 0))
        return Round(self.wall_s, self.cpu_s * scale, self.hits, self.rss_mb, True)

    def wall(self) -> str:
        return f"> {self.wall_s:.0f}" if self.cut_off else f"{self.wall_s:.1f}"


def _config(
    urls: list[str], db: Path, *, concurrency: int, host_delay: str, hook: str = ""
) -> Config:
    sources = "".join(
        demo_source(f"s{n}", url, "fi", interval="15m", catch_up=True) for n, url in enumerate(urls)
    )
    destination = (
        (
            f'[[destinations]]\nname = "hook"\nkind = "webhook"\nurl = "{hook}"\n'
            f'secret = "{SECRET}"\n'
        )
        if hook
        else ""
    )
    text = f"""
[service]
database_url = "sqlite:///{db}"
poll_concurrency = {concurrency}
[http]
allow_private_networks = true
min_host_delay = "{host_delay}"
{sources}
{destination}"""
    return parse_config(text, "bench-poll.toml", os.environ)


def _vm(name: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _round(config: Config, site: SiteProcess, cap_s: float | None = None) -> Round:
    store = open_store(config.service.database_url)
    cut_off = False
    try:
        before = site.ask("hits")
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            await asyncio.wait_for(run_once(config, store), cap_s)
        except TimeoutError:
            cut_off = True
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        after = site.ask("hits")
    finally:
        store.close()
    hits = {key: after.get(key, 0) - before.get(key, 0) for key in after}
    return Round(wall, cpu, hits, _vm("VmRSS"), cut_off)


async def _publish_latency(
    site: SiteProcess, urls: list[str], first: int, tmp: Path, concurrency: int
) -> list[float]:
    """Seconds from publish to webhook receipt for one new release on each source."""
    names = range(first, first + len(urls))
    db = tmp / f"latency-{concurrency}.sqlite3"
    with WebhookSink(SECRET) as sink:
        fill = _config(urls, db, concurrency=16, host_delay="0s", hook=sink.url + "/hook")
        store = open_store(fill.service.database_url)
        await run_once(fill, store)  # catch-up: stored, nothing sent
        config = _config(
            urls,
            db,
            concurrency=concurrency,
            host_delay=SHIPPED_HOST_DELAY,
            hook=sink.url + "/hook",
        )
        published = {}
        for n in names:
            site.ask(f"publish {n}")
            published[f"Tiedote {n}-1: kaupunki tiedottaa"] = time.time()
        deadline = time.monotonic() + 150
        while len(sink.requests) < len(urls) and time.monotonic() < deadline:
            await run_once(config, store)
        store.close()
        arrived = {r.json()["data"]["title"]: r.at for r in sink.requests}
    return sorted(arrived[t] - at for t, at in published.items() if t in arrived)


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] if values else float("inf")


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


class _Lines(list[str]):
    """Printed as they come (a 5-minute run should not be silent), kept for the file."""

    def say(self, *parts: str) -> None:
        line = "".join(parts)
        print(line, flush=True)
        self.append(line)


async def measure(tmp: Path) -> list[str]:
    lines = _Lines()
    started = time.perf_counter()
    with SiteProcess(HOSTS, SOURCES) as site:
        urls, db = site.urls, tmp / "bench.sqlite3"
        first = await _round(_config(urls, db, concurrency=16, host_delay="0s"), site)
        lines.say(
            f"first poll (fills the store; min_host_delay 0 s): {first.wall_s:.1f} s wall, ",
            f"{first.cpu_s:.1f} s CPU, {first.hits.get('total', 0)} requests",
        )
        rounds = {}
        for concurrency in (16, 1):  # each on a copy: a cut-off round leaves no trace
            copy = copy_store(db, tmp / f"round-{concurrency}.sqlite3")
            config = _config(urls, copy, concurrency=concurrency, host_delay=SHIPPED_HOST_DELAY)
            rounds[concurrency] = await _round(config, site, ROUND_CAP_S)
        _round_lines(lines, rounds)
        _floor_line(lines, urls, rounds[16])
        await _items_line(lines, site, urls, db, tmp)
        for concurrency, first_n in ((16, HOSTS), (1, HOSTS + 10)):
            chosen = urls[first_n : first_n + 10]
            lags = await _publish_latency(site, chosen, first_n, tmp, concurrency)
            p50 = lags[len(lags) // 2] if lags else float("inf")
            lines.say(
                "publish → delivered, 10 sources on 10 hosts, min_host_delay ",
                f"{SHIPPED_HOST_DELAY}, concurrency {concurrency:>2}: p50 {p50:.1f} s, ",
                f"p95 {_p95(lags):.1f} s from publish, the poll starting at once ",
                f"({len(lags)}/10 delivered)   target p95 ≤ interval + 5 s: ",
                _mark(len(lags) == 10 and _p95(lags) <= 5),
            )
    lines.say(
        "peak memory (VmHWM of this process, the 100k-item store included): ",
        f"{_vm('VmHWM'):.0f} MB; bench-poll took {time.perf_counter() - started:.0f} s",
    )
    return lines


def _floor_line(lines: _Lines, urls: list[str], ours: Round) -> None:
    floor = curl_floor(urls[:CURL_REQUESTS])
    if floor is None:
        lines.say("curl floor: curl not found; no floor measured")
        return
    ours_ms = ours.cpu_s * 1000 / max(1, ours.hits.get("listing", 0))
    lines.say(
        f"curl floor: {floor[0]:.2f} ms CPU, {floor[1]:.2f} ms wall per conditional GET ",
        f"({floor[2]}/{CURL_REQUESTS} answered 304); ours {ours_ms:.2f} ms CPU per unchanged ",
        f"source = {ours_ms / max(floor[0], 1e-6):.0f}× curl",
    )


async def _items_line(
    lines: _Lines, site: SiteProcess, urls: list[str], db: Path, tmp: Path
) -> None:
    """CPU per unchanged source, one source per host, with ~1k and ~100k stored items."""
    big = tmp / "bench-100k.sqlite3"
    seed_items(db, big, 99_000, SOURCES)
    per = {}
    for label, path in (("1k", db), ("100k", big)):
        config = _config(urls[:HOSTS], path, concurrency=16, host_delay="0s")
        await _round(config, site)  # warm
        per[label] = (await _round(config, site)).cpu_s * 1000 / HOSTS
    flat = per["100k"] / max(per["1k"], 1e-6)
    lines.say(
        f"CPU per unchanged source: {per['1k']:.2f} ms at ~1k items, {per['100k']:.2f} ms ",
        f"at ~100k items ({flat:.1f}×)   target flat (≤ 1.5×): {_mark(flat <= 1.5)}",
    )


def _round_lines(lines: _Lines, rounds: dict[int, Round]) -> None:
    lines.say(f"round of {SOURCES:,} unchanged sources on {HOSTS} hosts, min_host_delay 2 s:")
    lines.say(
        f"  {'poll_concurrency':<18}{'wall s':>8}{'CPU s':>8}{'listings':>10}{'304':>6}",
        f"{'robots':>8}{'other':>7}{'RSS MB':>8}",
    )
    for concurrency, measured in rounds.items():
        r, hits = measured.projected(), measured.hits
        label = f"{concurrency}" + (" (today)" if concurrency == 1 else "")
        label += " *" if measured.cut_off else ""
        lines.say(
            f"  {label:<18}{r.wall():>8}{r.cpu_s:>8.1f}{hits.get('listing', 0):>10}",
            f"{hits.get('listing_304', 0):>6}{hits.get('robots', 0):>8}",
            f"{hits.get('page', 0):>7}{r.rss_mb:>8.0f}",
        )
    if any(r.cut_off for r in rounds.values()):
        lines.say(
            f"  * stopped after {ROUND_CAP_S:.0f} s; CPU projected to 1,000 sources from the ",
            "listings reached; requests as counted",
        )
    new, old = rounds[16].projected(), rounds[1].projected()
    if new.cut_off:
        wall = "unknown (the new round was cut off too)"
    else:
        wall = f"{'≥ ' if old.cut_off else ''}{old.wall_s / max(new.wall_s, 1e-6):.1f}×"
    lines.say(f"  ratio today/new: wall {wall}, CPU {old.cpu_s / max(new.cpu_s, 1e-6):.1f}×")
    share = new.cpu_s / ROUND_INTERVAL_S * 100
    one_each = new.hits.get("listing_conditional", 0) == SOURCES == new.hits.get("total", 0)
    fast = new.wall_s < 30 and not new.cut_off
    lines.say(
        f"  targets: wall < 30 s: {_mark(fast)} ({new.wall()} s); ",
        f"CPU < 10 % of a core at 15 min: {_mark(share < 10)} ({share:.2f} %); ",
        f"one conditional request per listing and nothing else: {_mark(one_each)}",
    )


def main() -> int:
    return run_figures(measure, "bench-poll")


if __name__ == "__main__":
    raise SystemExit(main())
