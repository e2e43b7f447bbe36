"""``syndicator demo``: the sample site on 127.0.0.1, syndicated by the real pipeline.

Everything runs offline: the site, the worker, a console destination and the feed server.
The first poll is a catch-up (nothing sent); a minute later the site publishes a new
release and edits another, and the console shows exactly those two deliveries.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from syndicator.config import Config, parse_config
from syndicator.demo.site import SampleSite, demo_sources
from syndicator.scheduler import Worker
from syndicator.store import open_store

__all__ = ["demo_config", "run_demo"]

_NEWS_AFTER_S = 20.0


def demo_config(site_url: str, port: int, workdir: Path) -> Config:
    text = f"""
[service]
database_url = "sqlite:///{workdir / "demo.sqlite3"}"
base_url = "http://127.0.0.1:{port}/"
port = {port}
outbox_interval = "2s"
retry_base = "2s"
allow_fast_polling = true   # the sample site is polled every few seconds

[http]
allow_private_networks = true   # the demo site runs on 127.0.0.1
min_host_delay = "0.1s"

[feeds]
title = "Vaasan kaupunki (demo)"
out_dir = "{workdir / "public"}"
[feeds.titles]
fi = "Vaasan kaupunki – tiedotteet (demo)"
sv = "Vasa stad – pressmeddelanden (demo)"
en = "City of Vaasa – press releases (demo)"

{demo_sources(site_url)}

[[destinations]]
name = "console"
kind = "console"
"""
    return parse_config(text, "demo feeds.toml", os.environ)


async def run_demo(port: int = 8080) -> None:
    site = SampleSite()
    handle = site.serve()
    workdir = Path(tempfile.mkdtemp(prefix="syndicator-demo-"))
    try:
        config = demo_config(handle.url, port, workdir)
        worker = Worker(config, open_store(config.service.database_url))
        base = config.service.base_url
        print(
            f"\nsample site:  {handle.url}\n"
            f"index page:   {base}\n"
            f"feeds:        {base}feeds/atom.xml  {base}feeds/fi/rss.xml  "
            f"{base}feeds/sv/feed.json\n"
            f"data:         {workdir}\n"
            f"In {_NEWS_AFTER_S:.0f} s the site publishes a new release and edits one; "
            "watch the console destination. Ctrl-C stops.\n",
            flush=True,
        )
        news = asyncio.get_running_loop().call_later(_NEWS_AFTER_S, site.publish_demo_news)
        try:
            await worker.run()
        finally:
            news.cancel()
    finally:
        handle.stop()
