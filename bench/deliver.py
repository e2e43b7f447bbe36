"""``make bench-deliver``: one release to 500 webhook destinations, beside Apprise.

The receivers are ``bench/sinkfarm.py`` in a subprocess: 500 ports on 127.0.0.1, each
answering ``200`` after 50 ms (then again with no wait). Ours: the real ``Outbox`` as the
worker runs it (lanes started and idle, then a poll stores the release and wakes them) on a
SQLite store in a temporary directory, with the worker's HTTP client; the figure is the
time from the stored event (its transaction committed) to the 500th arrival. Apprise:
``Apprise.notify()`` to ``json://127.0.0.1:PORT/`` for the same 500 ports, from the call to
the 500th arrival. Both in the same run, best of ``RUNS``. Figures, never assertions: the
targets are marked PASS or MISS. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import apprise

from bench.child import run_figures
from bench.sinkfarm import SinkFarm
from syndicator.config import Config, parse_config
from syndicator.decide import decide
from syndicator.deliver.outbox import Outbox
from syndicator.demo.languages import demo_source
from syndicator.model import Article
from syndicator.scheduler import delivery_client
from syndicator.store import open_store

__all__ = ["main", "measure"]

DESTINATIONS = 500
LATENCY_S = 0.05
RUNS = 3
WITHIN_S = 60.0  # a run still missing arrivals then is reported as such
TARGET_S, TARGET_RATIO, AIM_RATIO = 3.0, 2.0, 5.0
SECRET = "whsec_YmVuY2gtZGVsaXZlci1zZWNyZXQtMDEyMzQ1Njc4OWFi"


def _config(ports: list[int], db: Path) -> Config:
    hooks = "".join(
        f'[[destinations]]\nname = "hook{n}"\nkind = "webhook"\n'
        f'url = "http://127.0.0.1:{port}/hook"\nsecret = "{SECRET}"\n'
        for n, port in enumerate(ports)
    )
    text = f"""
[service]
database_url = "sqlite:///{db}"
outbox_interval = "5s"
[http]
allow_private_networks = true
{demo_source("bench", "http://127.0.0.1:9/", "fi", interval="15m", catch_up=True)}
{hooks}"""
    return parse_config(text, "bench-deliver.toml", os.environ)


def _article(n: int) -> Article:
    return Article(
        url=f"https://www.vaasa.fi/uutiset/bench-tiedote-{n}/",
        title=f"Kaupunki avaa uuden uimahallin Hietalahteen ({n})",
        lang="fi",
        published=datetime.now(UTC),
        updated=None,
        lead="Vaasan uusi uimahalli avataan yleisölle maaliskuussa. Hallissa on 50 metrin allas.",
        body_html="<p>Vaasan uusi uimahalli avataan <strong>yleisölle</strong>.</p>" * 20,
        text="Vaasan uusi uimahalli avataan yleisölle maaliskuussa.\n\n" * 20,
        images=(),
        read_more=(),
        alternates=(),
    )


async def _ours(farm: SinkFarm, tmp: Path, run: int) -> tuple[float, int]:
    """Seconds from the committed event to the last arrival, and how many arrived."""
    config = _config(farm.ports, tmp / f"ours-{run}.sqlite3")
    store = open_store(config.service.database_url)
    names = [(d.name, 0.0) for d in config.destinations]
    try:
        async with delivery_client(config) as client:
            outbox = Outbox(store, config.destinations, client, interval=5.0)
            outbox.start()
            await asyncio.sleep(1.0)  # every lane found nothing and sleeps, as in a worker
            article = _article(run)
            waiting = asyncio.create_task(asyncio.to_thread(farm.wait_for, DESTINATIONS, WITHIN_S))
            store.save_article("bench", article, decide(None, article), None,
                               destinations=names, now=datetime.now(UTC))  # fmt: skip
            stored = time.time()
            outbox.wake()
            arrivals = await waiting
            await outbox.stop(1.0)
    finally:
        store.close()
    return _span(stored, arrivals)


def _apprise(farm: SinkFarm) -> tuple[float, int]:
    notifier = apprise.Apprise()
    for port in farm.ports:
        notifier.add(f"json://127.0.0.1:{port}/")
    started = time.time()
    notifier.notify(title="Kaupunki avaa uuden uimahallin", body="Vaasan uusi uimahalli " * 40)
    return _span(started, farm.wait_for(DESTINATIONS, WITHIN_S))


def _span(start: float, arrivals: list[float]) -> tuple[float, int]:
    if len(arrivals) < DESTINATIONS:
        return float("inf"), len(arrivals)
    return arrivals[DESTINATIONS - 1] - start, len(arrivals)


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


async def measure(tmp: Path) -> list[str]:
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    started = time.perf_counter()
    with SinkFarm(DESTINATIONS) as farm:
        run = 0
        for latency in (LATENCY_S, 0.0):
            farm.ask(f"delay {latency}")
            ours, theirs = [], []
            for _ in range(RUNS):
                run += 1
                ours.append(await _ours(farm, tmp, run))
                theirs.append(await asyncio.to_thread(_apprise, farm))
            say(_line(latency, min(ours), min(theirs)))
    say(f"bench-deliver took {time.perf_counter() - started:.0f} s")
    return lines


def _line(latency: float, ours: tuple[float, int], theirs: tuple[float, int]) -> str:
    ratio = theirs[0] / max(ours[0], 1e-9)
    head = (
        f"1 release → {DESTINATIONS} webhooks, {latency * 1000:.0f} ms latency (best of {RUNS}): "
        f"ours {ours[0]:.2f} s ({ours[1]} requests), Apprise notify() {theirs[0]:.2f} s "
        f"({theirs[1]} requests), Apprise/ours {ratio:.1f}×"
    )
    if latency == 0:
        return head
    passed = ours[0] <= TARGET_S and ratio >= TARGET_RATIO
    return (
        f"{head}   target ≤ {TARGET_S:g} s and ≥ {TARGET_RATIO:g}× (aim {AIM_RATIO:g}×): "
        f"{_mark(passed)}"
    )


def main() -> int:
    return run_figures(measure, "bench-deliver")


if __name__ == "__main__":
    raise SystemExit(main())
