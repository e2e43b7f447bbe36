"""One real poll of some pages, served by the sample site on 127.0.0.1 behind a listing, as
one ``html`` source: for tests that hold what a poll stores against something else."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from syndicator.config import load_config
from syndicator.demo.site import SampleSite
from syndicator.model import Article
from syndicator.pipeline import PollResult
from syndicator.scheduler import run_once
from syndicator.store import open_store

__all__ = ["SOURCE_NAME", "Polled", "poll_pages"]

SOURCE_NAME = "tiedotteet"
_CONFIG = """
[service]
database_url = "sqlite:///{db}"
allow_fast_polling = true
[http]
allow_private_networks = true
min_host_delay = "0s"
max_retries = 0
[[sources]]
name = "{name}"
kind = "html"
urls = ["{listing}"]
catch_up = false
organisation = {{ fi = "Vaasan satama", sv = "Vasa hamn" }}
[sources.selectors]
item = "li.t"
link = "a[href]"
"""


@dataclass(frozen=True, slots=True)
class Polled:
    config: Path  # the feeds.toml the poll ran with
    base_url: str  # where the site was served (stopped by now)
    result: PollResult
    articles: list[Article]  # what the store holds afterwards


def poll_pages(tmp_path: Path, pages: dict[str, bytes]) -> Polled:
    """Serve ``pages`` (path → HTML) under a listing and poll them once."""
    sample = SampleSite()
    handle = sample.serve()
    try:
        links = "".join(f"<li class='t'><a href='{path}'>{path}</a></li>" for path in pages)
        sample.override("/tiedotteet/", f"<html><body><ul>{links}</ul></body></html>".encode())
        for path, body in pages.items():
            sample.override(path, body)
        config = tmp_path / "feeds.toml"
        db = tmp_path / "poll.sqlite3"
        listing = f"{handle.url}tiedotteet/"
        config.write_text(_CONFIG.format(db=db, name=SOURCE_NAME, listing=listing), "utf-8")
        store = open_store(f"sqlite:///{db}")
        try:
            [result] = asyncio.run(run_once(load_config(config), store))
            articles = [entry.article for entry in store.source_entries(SOURCE_NAME, 100)]
        finally:
            store.close()
    finally:
        handle.stop()
    return Polled(config, handle.url, result, articles)
