"""Live reload's diff: what changed between two configs, and what waits for a restart."""

from __future__ import annotations

from syndicator.config import Config, parse_config
from syndicator.reload import diff_configs, effective_config

ENV = {"HOOK_SECRET": "whsec_abc"}


def source(name: str, interval: str = "15m", extra: str = "") -> str:
    return f"""
[[sources]]
name = "{name}"
kind = "html"
language = "fi"
urls = ["https://www.vaasa.fi/{name}/"]
interval = "{interval}"
{extra}
"""


def hook(name: str, url: str = "https://partner.example/hook") -> str:
    return f"""
[[destinations]]
name = "{name}"
kind = "webhook"
url = "{url}"
secret = "${{HOOK_SECRET}}"
"""


def config(*blocks: str, service: str = "") -> Config:
    return parse_config(f"[service]\n{service}\n" + "".join(blocks), "feeds.toml", ENV)


def test_an_unchanged_file_changes_nothing() -> None:
    old = config(source("a"), hook("x"))
    diff = diff_configs(old, config(source("a"), hook("x")))
    assert diff.summary() == "nothing changed"
    assert not diff.sources and not diff.destinations


def test_sources_and_destinations_added_removed_and_changed_are_named() -> None:
    old = config(source("a"), source("b"), source("c"), hook("x"), hook("y"))
    new = config(
        source("a"),
        source("c", interval="5m"),
        source("d"),
        hook("x", url="https://other.example/hook"),
        hook("z"),
    )
    diff = diff_configs(old, new)
    assert (diff.sources.added, diff.sources.removed, diff.sources.changed) == (
        ("d",),
        ("b",),
        ("c",),
    )
    assert diff.summary() == "sources +d -b ~c; destinations +z -y ~x"


def test_a_disabled_source_counts_as_changed() -> None:
    old = config(source("a"), source("b"))
    new = config(source("a"), source("b", extra="enabled = false"))
    assert diff_configs(old, new).summary() == "sources ~b"


def test_settings_that_need_a_restart_are_named_and_keep_their_old_value() -> None:
    old = config(source("a"), service='port = 8080\ndatabase_url = "sqlite:///one.db"')
    new = config(
        source("a"),
        '[http]\nuser_agent = "other/1.0"\n[feeds]\ntitle = "Tiedotteet"\n',
        service='port = 9090\ndatabase_url = "sqlite:///two.db"',
    )
    diff = diff_configs(old, new)
    assert diff.restart == ("service.database_url", "service.port", "http")
    assert diff.settings == ("feeds",)
    assert diff.summary() == (
        "settings feeds; needs a restart: service.database_url, service.port, http"
    )
    live = effective_config(old, new)
    assert live.service.port == 8080
    assert live.service.database_url == "sqlite:///one.db"
    assert live.http == old.http
    assert live.feeds.title == "Tiedotteet"  # a live setting takes the new value


def test_a_live_service_setting_is_applied_not_reported_as_a_restart() -> None:
    old = config(source("a"))
    new = config(source("a"), service='base_url = "https://tiedotteet.example/"')
    diff = diff_configs(old, new)
    assert diff.restart == ()
    assert diff.settings == ("service",)
    assert effective_config(old, new).service.base_url == "https://tiedotteet.example/"
