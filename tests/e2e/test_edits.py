"""Edits and withdrawals through the real CLI against the sample site and a webhook sink: an
edit at the source is one ``release.updated`` saying what changed; a release taken down is,
after two re-checks a ``withdraw_after`` apart, one ``release.withdrawn`` and gone from the
feeds."""

from __future__ import annotations

import time
from pathlib import Path

import feedparser

from syndicator.demo.languages import demo_sources
from syndicator.demo.site import SampleSite, SiteHandle
from tests.e2e.conftest import (
    ARENA,
    LIBRARY,
    Sinks,
    syndicator,
    webhook_destination,
    write_config,
)

WITHDRAW_AFTER = 1.0  # seconds (the floor with allow_fast_polling)


def _poll(config: Path) -> None:
    syndicator("poll", "--once", "--config", str(config))


def _fi_titles(tmp_path: Path) -> list[str]:
    parsed = feedparser.parse((tmp_path / "public" / "feeds" / "fi" / "atom.xml").read_bytes())
    assert parsed.bozo == 0
    return [entry.title for entry in parsed.entries]


def test_an_edit_is_one_update_and_a_removal_one_withdrawal(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    sources = demo_sources(handle.url, languages=("fi",), catch_up=False, prefix="site",
                           withdraw_after=f"{WITHDRAW_AFTER:g}s")  # fmt: skip
    config = write_config(tmp_path, sources, webhook_destination(sinks))
    hook = sinks.webhook

    _poll(config)
    created = {r.json()["data"]["url"]: r.headers["webhook-id"] for r in hook.requests}
    assert len(created) == 2 and all(hook.verified)
    arena_url = next(url for url in created if ARENA["fi"].slug in url)

    new_title = "Vaasan jäähalli peruskorjataan jo keväällä"
    sample.edit_release("jaahalli", "fi", title=new_title)
    _poll(config)
    [update] = hook.requests[2:]
    body = update.json()
    assert body["type"] == "release.updated" and update.verified
    data = body["data"]
    assert data["url"] == arena_url and data["version"] == 2 and data["title"] == new_title
    assert data["previous_id"] == created[arena_url]
    assert data["changes"] == [f"Otsikko muuttui: “{ARENA['fi'].title}” → “{new_title}”"]
    assert ARENA["fi"].title != new_title  # the fixture's text was copied, not edited
    assert data["contacts"] == [] and isinstance(data["attachments"], list)

    sample.remove_release("jaahalli")
    _poll(config)  # the first 404: a strike, nothing sent
    assert len(hook.requests) == 3
    assert new_title in _fi_titles(tmp_path)
    time.sleep(WITHDRAW_AFTER + 0.2)  # a re-check apart
    _poll(config)  # the second 404: withdrawn
    [withdrawal] = hook.requests[3:]
    body = withdrawal.json()
    assert body["type"] == "release.withdrawn" and withdrawal.verified
    assert body["data"]["url"] == arena_url and body["data"]["event"] == "withdrawn"
    assert body["data"]["previous_id"] == created[arena_url]
    assert _fi_titles(tmp_path) == [LIBRARY["fi"].title]

    time.sleep(WITHDRAW_AFTER + 0.2)
    _poll(config)  # withdrawn once: nothing more
    assert len(hook.requests) == 4
    listing = syndicator("deliveries", "list", "--config", str(config)).stdout
    assert "withdrawn" in listing
