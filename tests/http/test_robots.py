"""robots.txt: respected, fetched once per host, RFC 9309 for 4xx and 5xx."""

from __future__ import annotations

import logging
import socket

import pytest

from syndicator.errors import FetchError
from syndicator.http import Fetcher
from tests.http.scripted import Reply, ScriptServer, settings

_ROBOTS = b"User-agent: *\nDisallow: /private/\n"


async def test_disallowed_path_raises_and_robots_is_fetched_once(server: ScriptServer) -> None:
    server.script("/robots.txt", Reply(200, {"content-type": "text/plain"}, _ROBOTS))
    server.script("/public/", Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=True)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "private/page")
        assert await fetcher.get(server.url + "public/") is not None
        assert await fetcher.get(server.url + "public/") is not None
    assert caught.value.code == "fetch.robots_disallowed"
    assert server.paths() == ["/robots.txt", "/public/", "/public/"]


_RFC9309 = b"""\
User-agent: *
Disallow: /news/
Disallow: /*?print=
Disallow: /*.pdf$
Allow: /news/public/

User-agent: other-bot
Disallow: /

User-agent: Syndicator
Disallow: /only-us/

User-agent: press
Disallow: /
"""
_SYNDICATOR_EXTRA = b"""\
User-agent: syndicator
Allow: /news/
Disallow: /news/embargo/
"""


@pytest.mark.parametrize(
    ("agent", "path", "allowed"),
    [
        ("bot/1", "/news/x", False),
        ("bot/1", "/news/public/x", True),  # the longer Allow wins over the earlier Disallow
        ("bot/1", "/tiedote?print=1", False),  # wildcard
        ("bot/1", "/tiedote?id=1&print=1", True),
        ("bot/1", "/liite.pdf", False),  # $ anchors the end
        ("bot/1", "/liite.pdf?v=2", True),
        ("other-bot/2.0", "/tiedote", False),
        # Our groups (merged, matched on the product token only, case-insensitively) replace *:
        ("syndicator/0.1 (press-release syndication; +https://x/)", "/news/x", True),
        ("syndicator/0.1 (press-release syndication; +https://x/)", "/news/embargo/1", False),
        ("syndicator/0.1 (press-release syndication; +https://x/)", "/only-us/", False),
        ("syndicator/0.1 (press-release syndication; +https://x/)", "/tiedote?print=1", True),
    ],
)
async def test_rfc9309_matching(server: ScriptServer, agent: str, path: str, allowed: bool) -> None:
    server.script("/robots.txt", Reply(200, body=_RFC9309 + b"\n" + _SYNDICATOR_EXTRA))
    server.script(path.split("?")[0], Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=True, user_agent=agent)) as fetcher:
        if allowed:
            assert await fetcher.get(server.url + path.lstrip("/")) is not None
        else:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(server.url + path.lstrip("/"))
            assert caught.value.code == "fetch.robots_disallowed"
            assert caught.value.message == (
                f"GET {server.url}{path.lstrip('/')} is disallowed by the site's robots.txt"
            )


async def test_robots_ignored_when_not_respected(server: ScriptServer) -> None:
    server.script("/robots.txt", Reply(200, body=b"User-agent: *\nDisallow: /\n"))
    server.script("/private/page", Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=False)) as fetcher:
        assert await fetcher.get(server.url + "private/page") is not None
    assert server.paths() == ["/private/page"]


async def test_missing_robots_allows_everything(server: ScriptServer) -> None:
    server.script("/robots.txt", Reply(404))
    server.script("/private/page", Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=True)) as fetcher:
        assert await fetcher.get(server.url + "private/page") is not None


async def test_robots_server_error_disallows_everything_with_a_log_line(
    server: ScriptServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="syndicator.http")
    server.script("/robots.txt", Reply(500))
    server.script("/page", Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=True)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "page")
    assert caught.value.code == "fetch.robots_unavailable"
    assert "robots.txt answered 500" in caught.value.message
    [record] = [r for r in caplog.records if r.__dict__.get("event") == "fetch.robots_unavailable"]
    assert record.levelno == logging.INFO and record.__dict__["error_code"] == "fetch.http_500"
    assert "/page" not in server.paths()


async def test_unreachable_robots_reports_the_real_cause() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(settings(respect_robots=True)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://127.0.0.1:{port}/tiedotteet/")
    assert caught.value.code == "fetch.connect"
    assert "not attempted" in caught.value.message and "robots.txt" in caught.value.message
