"""50 releases to 9 destinations of different kinds while the worker is SIGKILLed 10 times.

The releases are stored first (``poll --once --dry-run``: 450 outbox rows, nothing sent);
then ``syndicator run`` delivers them against sinks that answer in ``DELAY_S`` and is killed
at 10 seeded random moments, each a little after deliveries resumed, and started again.
At the end every sink has every release and every row is delivered. A release may reach a
sink twice only when its first copy was in flight at a kill (it arrived while a worker
that was then killed was running, and that worker died before recording the answer; the
last worker, stopped gracefully, never causes one), at most one per kind per kill; the
Matrix room never shows one twice (the txnId makes the homeserver drop a repeat), nor the
WordPress site (a retry looks the post up by our slug before creating one).

Adding a kind is one line in ``KINDS``: its sink, its ``[[destinations]]`` body (``{url}``
is the sink's base URL), and how to read what the sink received when that is not the
bodies of its HTTP requests. Figures: printed (``-s``) and in ``build/crash-figures.txt``.
"""

from __future__ import annotations

import asyncio
import random
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from syndicator.demo.pages import PER_PAGE
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.locales import HELSINKI
from syndicator.store import open_store
from tests.deliver.discord_sink import WEBHOOK_PATH as DISCORD_PATH
from tests.deliver.discord_sink import DiscordSink
from tests.deliver.matrix_sink import ROOM, MatrixSink
from tests.deliver.matrix_sink import TOKEN as MATRIX_TOKEN
from tests.deliver.telegram_sink import TOKEN as TELEGRAM_TOKEN
from tests.deliver.telegram_sink import TelegramSink
from tests.deliver.test_mattermost import HOOK_PATH as MATTERMOST_PATH
from tests.deliver.test_mattermost import MattermostSink
from tests.deliver.test_teams import HOOK_PATH as TEAMS_PATH
from tests.deliver.test_teams import QUERY as TEAMS_QUERY
from tests.deliver.test_teams import TeamsSink
from tests.deliver.wordpress_sink import PASSWORD as WP_PASSWORD
from tests.deliver.wordpress_sink import USERNAME as WP_USER
from tests.deliver.wordpress_sink import WordPressSink
from tests.e2e.conftest import ROOT, SECRET, sources_toml, syndicator, text, write_config
from tests.hostile.harness import free_port, start_worker
from tests.sinks import HttpSink, SlackSink, SmtpSink, WebhookSink

RELEASES, KILLS, SEED = 50, 10, 20261203
DELAY_S = 0.25  # every sink answers this late: sends are in flight when the kill comes
LEASE = "3s"
FIGURES = ROOT / "build" / "crash-figures.txt"
_MARK = re.compile(r"Kaatotesti (\d{2})")

Arrivals = list[tuple[str, float]]  # (release number, when the sink received it)


class SlowSmtpSink(SmtpSink):
    """An SMTP server that takes ``DELAY_S`` to accept a message and notes when it came."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: Arrivals = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.time()
        await asyncio.sleep(DELAY_S)
        reply = await super().handle_DATA(server, session, envelope)
        match = _MARK.search(str(self.messages[-1]["Subject"]))
        self.arrived.append((match.group(1) if match else "?", at))
        return reply


class SlowMatrixSink(MatrixSink):
    """A homeserver that stores the event at once and answers ``DELAY_S`` later."""

    def __init__(self) -> None:
        super().__init__(ROOM, MATRIX_TOKEN)
        self.lose_answers, self.late = 10**9, DELAY_S


def _requests(sink: Any) -> Arrivals:
    """Each request whose body names a release, with its arrival time."""
    found = ((_MARK.search(r.body.decode("utf-8", "replace")), r.at) for r in sink.requests)
    return [(match.group(1), at) for match, at in found if match]


def _timeline(sink: Any) -> Arrivals:
    """Matrix: what the room shows (a repeated txnId adds nothing), not what was sent."""
    found = (_MARK.search(str(content.get("body"))) for _event, content in sink.events)
    return [(match.group(1), 0.0) for match in found if match]


def _posts(sink: Any) -> Arrivals:
    """WordPress: the posts the site holds (a retry finds ours by its slug and updates it)."""
    found = [_MARK.search(str(post.get("title"))) for post in list(sink.posts.values())]
    return [(match.group(1), 0.0) for match in found if match]


def _emails(sink: Any) -> Arrivals:
    return list(sink.arrived)


@dataclass(frozen=True)
class Kind:
    name: str
    sink: Callable[[], Any]
    destination: str  # the [[destinations]] table's body; {url} is the sink's base URL
    received: Callable[[Any], Arrivals] = _requests
    dedupes: bool = False  # the receiver drops a repeat: never a duplicate

    def start(self) -> Any:
        sink = self.sink()
        if isinstance(sink, HttpSink) and not isinstance(sink, MatrixSink):
            sink.delay = DELAY_S
        return sink

    def toml(self, sink: Any) -> str:
        url = getattr(sink, "url", "")
        body = self.destination.format(url=url, port=getattr(sink, "port", 0))
        return f'[[destinations]]\nname = "crash-{self.name}"\nkind = "{self.name}"\n{body}\n'


KINDS = (
    Kind("webhook", lambda: WebhookSink(SECRET), f'url = "{{url}}/hook"\nsecret = "{SECRET}"'),
    Kind("slack", SlackSink, 'webhook_url = "{url}/services/T0000/B0000/XXXXXXXX"'),
    Kind("discord", DiscordSink, f'webhook_url = "{{url}}{DISCORD_PATH}"'),
    Kind("teams", TeamsSink, f'webhook_url = "{{url}}{TEAMS_PATH}{TEAMS_QUERY}"'),
    Kind("mattermost", MattermostSink, f'webhook_url = "{{url}}{MATTERMOST_PATH}"'),
    Kind("matrix", SlowMatrixSink,
         f'homeserver = "{{url}}"\naccess_token = "{MATRIX_TOKEN}"\nroom_id = "{ROOM}"',
         received=_timeline, dedupes=True),
    Kind("telegram", TelegramSink,
         f'bot_token = "{TELEGRAM_TOKEN}"\nchat_id = "@kaatotesti"\napi_base = "{{url}}"'),
    Kind("wordpress", WordPressSink,
         f'url = "{{url}}"\nusername = "{WP_USER}"\napplication_password = "{WP_PASSWORD}"\n'
         "allow_private_networks = true", received=_posts, dedupes=True),
    Kind("email", SlowSmtpSink,
         'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
         'sender = "tiedotteet@vaasa.example"\nrecipients = ["toimitus@lehti.example"]',
         received=_emails),
)  # fmt: skip


@pytest.fixture
def site() -> Iterator[SiteHandle]:
    sample = SampleSite(with_releases=False)
    base = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=3)
    for n in range(RELEASES):
        release = text(
            f"kaatotesti-{n:02d}",
            f"Kaatotesti {n:02d}: kaupunki tiedottaa uudesta palvelusta",
            f"Vaasan kaupunki avaa uuden palvelun numero {n} kaupunkilaisille ensi viikolla.",
            "Palvelu on avoinna arkisin kello kahdeksasta kuuteentoista kaupungintalolla.",
            "Lisätietoja antaa palvelupäällikkö, joka vastaa kysymyksiin puhelimitse.",
        )
        sample.add_release(f"k{n}", {"fi": release}, published=base + timedelta(minutes=n))
    handle = sample.serve()
    yield handle
    handle.stop()


def _config(tmp_path: Path, site: SiteHandle, sinks: list[Any]) -> Path:
    destinations = "".join(kind.toml(sink) for kind, sink in zip(KINDS, sinks, strict=True))
    sources = sources_toml(site.url, catch_up=False, langs=("fi",))
    pages = RELEASES // PER_PAGE + 1
    path = write_config(tmp_path, sources.replace("max_pages = 2", f"max_pages = {pages}"),
                        destinations)  # fmt: skip
    port = free_port()
    service = (f'base_url = "http://127.0.0.1:{port}/"\nport = {port}\n'
               f'outbox_interval = "0.2s"\ndelivery_lease = "{LEASE}"')  # fmt: skip
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('base_url = "http://127.0.0.1:8080/"', service), "utf-8")
    return path


def _received(sinks: list[Any]) -> dict[str, Arrivals]:
    return {kind.name: kind.received(sink) for kind, sink in zip(KINDS, sinks, strict=True)}


def _count(sinks: list[Any]) -> int:
    return sum(len(arrivals) for arrivals in _received(sinks).values())


def _wait(condition: Callable[[], bool], within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _crash_and_restart(config: Path, log: Path, sinks: list[Any]) -> list[tuple[float, float]]:
    """Start the worker, SIGKILL it a random moment after deliveries resumed; KILLS times.
    Then one last start that runs until every sink has every release. Returns each killed
    worker's life: (started, killed)."""
    rng = random.Random(SEED)
    kills: list[tuple[float, float]] = []
    for _kill in range(KILLS):
        before = _count(sinks)
        started = time.time()
        process = start_worker(config, log)
        resumed = _wait(lambda before=before: _count(sinks) > before, within_s=30.0)
        if not resumed:
            process.kill()
            raise AssertionError(f"no delivery within 30 s of restart {len(kills) + 1}")
        time.sleep(rng.uniform(0.0, 1.2))
        process.send_signal(signal.SIGKILL)
        kills.append((started, time.time()))
        process.wait(timeout=10)
    process = start_worker(config, log)
    try:
        everything = RELEASES * len(KINDS)
        complete = _wait(lambda: len(_distinct(_received(sinks))) >= everything, within_s=60.0)
        assert complete, "not every sink got every release"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    return kills


def _repeats(arrivals: Arrivals) -> int:
    numbers = [number for number, _at in arrivals]
    return len(numbers) - len(set(numbers))


def _distinct(received: dict[str, Arrivals]) -> set[tuple[str, str]]:
    return {(kind, number) for kind, arrivals in received.items() for number, _at in arrivals}


@pytest.mark.timeout(240)
def test_every_release_reaches_every_kind_through_ten_kills(
    site: SiteHandle, tmp_path: Path
) -> None:
    started = time.monotonic()
    with ExitStack() as stack:
        sinks = [stack.enter_context(kind.start()) for kind in KINDS]
        config = _config(tmp_path, site, sinks)
        syndicator("poll", "--once", "--dry-run", "--config", str(config))
        assert _count(sinks) == 0  # stored, nothing sent
        kills = _crash_and_restart(config, tmp_path / "worker.log", sinks)
        received = _received(sinks)
        repeated_txn = _repeats(_requests(sinks[[k.name for k in KINDS].index("matrix")]))
    store = open_store(f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
    try:
        assert store.count_deliveries() == {"delivered": RELEASES * len(KINDS)}
    finally:
        store.close()
    duplicates: dict[str, int] = {}
    for kind in KINDS:
        arrivals = sorted(received[kind.name], key=lambda arrival: arrival[1])
        numbers = [number for number, _at in arrivals]
        assert sorted(set(numbers)) == [f"{n:02d}" for n in range(RELEASES)], kind.name
        duplicates[kind.name] = _repeats(arrivals)
        assert duplicates[kind.name] <= len(kills), kind.name  # one send in flight per lane
        if kind.dedupes:
            assert duplicates[kind.name] == 0, kind.name
        cut_off = [0] * len(kills)  # repeated copies sent by each killed worker
        for number in set(numbers):
            times = [at for n, at in arrivals if n == number]
            for earlier in times[:-1]:  # every copy but the last was cut off by a kill
                # sent by a worker that was then killed before it recorded the answer (the
                # last worker, stopped gracefully, must never have caused a repeat)
                lives = [i for i, (start, kill) in enumerate(kills) if start <= earlier <= kill]
                assert lives, f"{kind.name}: release {number} came again without a kill"
                cut_off[lives[-1]] += 1
        assert max(cut_off, default=0) <= 1, (kind.name, cut_off)  # one send in flight a lane
    total = sum(duplicates.values())
    figures = (
        f"crash test: {RELEASES} releases × {len(KINDS)} kinds, {len(kills)} SIGKILLs, "
        f"{time.monotonic() - started:.0f} s; duplicates (each in flight at a kill): "
        + ", ".join(f"{name} {count}" for name, count in duplicates.items())
        + f"; total {total}; Matrix PUTs repeated with their txnId (no new event): "
        + f"{repeated_txn}"
    )
    print("\n" + figures)
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(figures + "\n", encoding="utf-8")
