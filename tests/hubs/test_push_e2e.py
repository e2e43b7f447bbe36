"""End to end with a REAL hub: instance A (``syndicator run`` polling the sample site) has
its built-in hub and names it in its feeds; instance B (``syndicator run`` whose only
source is A's Finnish Atom feed, polled once an HOUR) discovers the hub, subscribes, is
verified, and when A finds a new release and distributes it, B stores it at once: only the
push can explain the arrival."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import httpx

from syndicator.demo.site import SampleSite
from syndicator.locales import HELSINKI
from syndicator.store import open_store
from tests.e2e.conftest import ARENA, LIBRARY, sources_toml, write_config
from tests.hostile.harness import events, free_port, json_lines, stop_worker, wait_until, worker

PUSH_TO_STORED_S = 2.0


def _hub_config(tmp_path: Path, site_url: str, port: int) -> Path:
    (tmp_path / "a").mkdir()
    path = write_config(tmp_path / "a", sources_toml(site_url, catch_up=True, langs=("fi",)), "")
    text = path.read_text(encoding="utf-8").replace(
        'base_url = "http://127.0.0.1:8080/"',
        f'base_url = "http://127.0.0.1:{port}/"\nport = {port}\noutbox_interval = "0.2s"',
    )
    path.write_text(text.replace('interval = "10s"', 'interval = "1s"'), encoding="utf-8")
    return path


def _subscriber_config(tmp_path: Path, topic: str, port: int) -> Path:
    path = tmp_path / "b" / "feeds.toml"
    path.parent.mkdir()
    path.write_text(f"""
[service]
database_url = "sqlite:///{tmp_path / "b" / "b.sqlite3"}"
base_url = "http://127.0.0.1:{port}/"
port = {port}

[http]
allow_private_networks = true
min_host_delay = "0s"

[[sources]]
name = "vaasa-hub"
kind = "feed"
url = "{topic}"
language = "fi"
interval = "1h"
fetch_article = false
""", encoding="utf-8")  # fmt: skip
    return path


def test_a_push_from_a_real_hub_is_stored_at_once(tmp_path: Path) -> None:
    sample = SampleSite(with_releases=False)
    start = datetime.now(HELSINKI).replace(microsecond=0) - timedelta(days=1)
    sample.add_release("kirjasto", {"fi": LIBRARY["fi"]}, published=start, post_id=5001)
    handle = sample.serve()
    hub_port, our_port = free_port(), free_port()
    topic = f"http://127.0.0.1:{hub_port}/feeds/fi/atom.xml"
    hub_log, our_log = tmp_path / "a.log", tmp_path / "b.log"
    try:
        with worker(_hub_config(tmp_path, handle.url, hub_port), hub_log) as hub:
            wait_until(lambda: LIBRARY["fi"].title in httpx.get(topic).text)
            with worker(_subscriber_config(tmp_path, topic, our_port), our_log) as ours:
                wait_until(lambda: bool(events(hub_log, "websub.subscribed")))
                assert [e["source"] for e in events(our_log, "websub.subscribed")] == ["vaasa-hub"]
                later = start + timedelta(hours=1)
                sample.add_release("jaahalli", {"fi": ARENA["fi"]}, published=later)
                wait_until(lambda: any(e["message"] == ARENA["fi"].title
                                   for e in events(our_log, "item.created")))  # fmt: skip
                stop_worker(ours)  # its clean exit is tests/e2e's business
            stop_worker(hub)
    finally:
        handle.stop()
    pushes = events(our_log, "websub.push")
    push = pushes[0]  # a later change of A's feed may have pushed again meanwhile
    (stored,) = [e for e in events(our_log, "item.created") if e["message"] == ARENA["fi"].title]
    latency = stored["at"] - push["at"]
    print(f"websub subscriber: stored {latency:.3f} s after the push arrived")
    assert 0 <= latency < PUSH_TO_STORED_S, f"stored {latency:.3f} s after the push"
    polls = events(our_log, "poll.done")  # the first, then only pushed ones (and rechecks)
    assert 2 <= len(polls) <= 1 + 2 * len(pushes)
    assert all(poll["at"] >= push["at"] for poll in polls[1:])
    store = open_store(f"sqlite:///{tmp_path / 'b' / 'b.sqlite3'}")
    try:
        titles = [entry.article.title for entry in store.latest_entries("fi", 10)]
        (sub,) = store.source_subscriptions()
    finally:
        store.close()
    assert ARENA["fi"].title in titles and LIBRARY["fi"].title in titles
    assert (sub.state, sub.hub, sub.topic) == (
        "active",
        f"http://127.0.0.1:{hub_port}/websub",
        topic,
    )
    errors = [line for line in json_lines(our_log) if line["level"] == "ERROR"]
    assert errors == []
