"""The demo's configuration drives the real pipeline against the sample site."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicator.demo.command import demo_config
from syndicator.demo.site import SampleSite
from syndicator.scheduler import run_once
from syndicator.store import open_store


async def test_demo_config_syndicates_the_sample_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SampleSite() as site:
        config = demo_config(site.url, 8099, tmp_path)
        store = open_store(config.service.database_url)
        await run_once(config, store)  # first poll: catch-up, nothing printed
        assert "Uusi tiedote" not in capsys.readouterr().out
        site.publish_demo_news()
        await run_once(config, store)
        printed = capsys.readouterr().out
    releases = site.releases
    languages = sum(len(release.texts) for release in releases)
    assert len(store.latest_entries(None, 100)) == languages
    assert "Päivitetty tiedote" in printed and "Uusi tiedote" in printed
    assert (tmp_path / "public" / "feeds" / "atom.xml").is_file()
    store.close()
