"""robots.txt: respected, fetched once per host, RFC 9309 for 4xx and 5xx."""

from __future__ import annotations

import logging

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
    server.script("/robots.txt", Reply(500))
    server.script("/page", Reply(200, body=b"ok"))
    async with Fetcher(settings(respect_robots=True)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "page")
    assert caught.value.code == "fetch.robots_disallowed"
    [record] = [r for r in caplog.records if r.__dict__.get("event") == "fetch.robots_unavailable"]
    assert record.levelno == logging.WARNING and record.__dict__["error_code"] == "fetch.http_500"
    assert "/page" not in server.paths()
