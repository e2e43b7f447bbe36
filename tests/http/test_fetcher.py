"""Fetcher against a real local server: retries, Retry-After, timeouts, size cap, 304, pacing."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from syndicator.errors import FetchError
from syndicator.http import Fetcher
from tests.http.scripted import Reply, ScriptServer, settings


def _events(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.__dict__.get("event") == event]


async def test_503_twice_then_200_succeeds_on_third_attempt(
    server: ScriptServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("/x", Reply(503), Reply(503), Reply(200, {"content-type": "text/plain"}, b"ok"))
    async with Fetcher(settings()) as fetcher:
        page = await fetcher.get(server.url + "x", source="demo")
    assert page is not None and page.text == "ok" and page.status == 200
    assert server.paths() == ["/x", "/x", "/x"]
    retries = _events(caplog, "fetch.retry")
    assert [r.__dict__["attempt"] for r in retries] == [1, 2]
    assert retries[0].__dict__["error_code"] == "fetch.http_503"
    assert retries[0].__dict__["source"] == "demo"
    assert retries[0].levelno == logging.WARNING


async def test_429_with_retry_after_waits_at_least_that_long(server: ScriptServer) -> None:
    server.script("/x", Reply(429, {"Retry-After": "1"}), Reply(200, body=b"ok"))
    started = time.monotonic()
    async with Fetcher(settings()) as fetcher:
        page = await fetcher.get(server.url + "x")
    assert page is not None and page.text == "ok"
    assert time.monotonic() - started >= 1.0


async def test_retry_after_beyond_backoff_max_gives_up_at_once(server: ScriptServer) -> None:
    server.script("/x", Reply(503, {"Retry-After": "120"}))
    async with Fetcher(settings(backoff_max=5)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "x")
    assert caught.value.code == "fetch.http_503"
    assert caught.value.status == 503
    assert caught.value.retry_after == 120
    assert server.paths() == ["/x"]


async def test_retries_exhausted_names_url_and_attempts(server: ScriptServer) -> None:
    server.script("/x", Reply(502))
    async with Fetcher(settings(max_retries=2)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "x")
    assert caught.value.code == "fetch.http_502"
    assert caught.value.message == f"GET {server.url}x answered HTTP 502 (3 attempts)"
    assert len(server.paths()) == 3


async def test_client_error_is_not_retried(server: ScriptServer) -> None:
    server.script("/gone", Reply(404))
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "gone")
    assert (caught.value.code, caught.value.status) == ("fetch.http_404", 404)
    assert server.paths() == ["/gone"]


async def test_read_timeout(server: ScriptServer) -> None:
    server.script("/slow", Reply(200, body=b"late", delay=1.0))
    async with Fetcher(settings(read_timeout=0.2, max_retries=1)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "slow")
    assert caught.value.code == "fetch.timeout"
    assert caught.value.message == f"GET {server.url}slow timed out after 0.2 s (2 attempts)"


async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(settings(max_retries=1)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://127.0.0.1:{port}/")
    assert caught.value.code == "fetch.connect"
    assert f"127.0.0.1:{port}" in caught.value.message


def _twenty_megabytes() -> Iterator[bytes]:
    chunk = b"x" * 65536
    for _ in range(20 * 1024 * 1024 // len(chunk)):
        yield chunk


async def test_large_body_is_truncated_with_bounded_memory(
    server: ScriptServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("/big", Reply(200, {"content-type": "text/plain"}, _twenty_megabytes))
    tracemalloc.start()
    try:
        async with Fetcher(settings(max_body_bytes=5_000_000)) as fetcher:
            page = await fetcher.get(server.url + "big")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page is not None and page.truncated
    assert len(page.content) == 5_000_000
    assert peak < 16_000_000  # far below the 20 MB sent
    [warning] = _events(caplog, "fetch.truncated")
    assert warning.__dict__["limit"] == 5_000_000 and warning.levelno == logging.WARNING


async def test_invalid_utf8_decodes_with_replacement(server: ScriptServer) -> None:
    body = b"<p>Vaasa \xff\xfe kaupunki</p>"
    server.script("/bad", Reply(200, {"content-type": "text/html; charset=utf-8"}, body))
    async with Fetcher(settings()) as fetcher:
        page = await fetcher.get(server.url + "bad")
    assert page is not None and page.encoding == "utf-8"
    assert "Vaasa \ufffd\ufffd kaupunki" in page.text


async def test_windows_1252_declared_only_in_meta(server: ScriptServer) -> None:
    body = '<html><head><meta charset="windows-1252"></head><p>Hyvää päivää – 5 €</p>'
    server.script("/cp", Reply(200, {"content-type": "text/html"}, body.encode("cp1252")))
    async with Fetcher(settings()) as fetcher:
        page = await fetcher.get(server.url + "cp")
    assert page is not None and page.encoding == "cp1252"
    assert "Hyvää päivää – 5 €" in page.text


class _Validators:
    def __init__(self) -> None:
        self.saved: dict[str, tuple[str | None, str | None]] = {}

    async def lookup(self, url: str) -> tuple[str | None, str | None] | None:
        return self.saved.get(url)


async def test_conditional_get_sends_validators_and_returns_none_on_304(
    server: ScriptServer,
) -> None:
    modified = "Sat, 28 Nov 2026 08:15:00 GMT"
    server.script(
        "/list",
        Reply(200, {"ETag": '"v1"', "Last-Modified": modified}, b"<p>list</p>"),
        Reply(304, {"ETag": '"v1"'}),
    )
    store = _Validators()
    url = server.url + "list"
    async with Fetcher(settings(), store.lookup) as fetcher:
        page = await fetcher.get(url, conditional=True)
        assert page is not None and page.etag == '"v1"' and page.last_modified == modified
        assert store.saved == {}  # the pipeline saves them (from the page), not the fetcher
        store.saved[url] = (page.etag, page.last_modified)
        assert await fetcher.get(url, conditional=True) is None
    first, second = server.seen
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == modified


async def test_user_agent_and_lowercase_headers(server: ScriptServer) -> None:
    server.script("/x", Reply(200, {"Content-Type": "text/plain", "X-Thing": "1"}, b"ok"))
    async with Fetcher(settings(user_agent="syndicator-test/1")) as fetcher:
        page = await fetcher.get(server.url + "x")
    assert page is not None
    assert server.seen[0].headers["user-agent"] == "syndicator-test/1"
    assert page.headers["x-thing"] == "1" and page.content_type == "text/plain"


async def test_redirect_is_followed_and_final_url_kept(server: ScriptServer) -> None:
    server.script("/old", Reply(301, {"Location": "/new"}))
    server.script("/new", Reply(200, body=b"moved"))
    async with Fetcher(settings()) as fetcher:
        page = await fetcher.get(server.url + "old")
    assert page is not None and page.url == server.url + "new" and page.text == "moved"


async def test_requests_to_one_host_are_paced(server: ScriptServer) -> None:
    server.script("/a", Reply(200, body=b"a"))
    async with Fetcher(settings(min_host_delay=0.3)) as fetcher:
        await asyncio.gather(fetcher.get(server.url + "a"), fetcher.get(server.url + "a"))
    first, second = server.seen
    assert second.at - first.at >= 0.29


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "http:///nohost", ""])
async def test_invalid_url(url: str) -> None:
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(url)
    assert caught.value.code == "fetch.invalid_url"
