"""The total request deadline, and that one host's waits never hold up another host."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from syndicator.errors import FetchError
from syndicator.http import Fetcher
from tests.http.scripted import Reply, ScriptServer, settings, trickle


@pytest.fixture
def other_host() -> Iterator[ScriptServer]:
    running = ScriptServer(host="127.0.0.2")  # another host: its own slot and robots.txt
    yield running
    running.stop()


async def test_trickling_body_is_cut_at_the_deadline(server: ScriptServer) -> None:
    server.script("/slow", Reply(200, {"content-type": "text/html"}, trickle(8)))
    strict = settings(request_deadline=1.5, read_timeout=5, max_retries=0)
    started = time.monotonic()
    async with Fetcher(strict) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "slow")
    assert time.monotonic() - started < 3
    assert caught.value.code == "fetch.deadline"
    assert caught.value.message == (
        f"GET {server.url}slow took longer than the request deadline of 1.5 s "
        "(connect, headers and body, redirects included)"
    )


async def test_deadline_is_not_retried_and_frees_the_host(server: ScriptServer) -> None:
    server.script("/slow", Reply(200, body=trickle(8, 0.5)))
    server.script("/ok", Reply(200, body=b"ok"))
    strict = settings(request_deadline=0.6, read_timeout=5, max_retries=1)
    async with Fetcher(strict) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "slow")
        started = time.monotonic()
        page = await fetcher.get(server.url + "ok")  # the host's slot was released
    assert time.monotonic() - started < 0.5 and page is not None and page.text == "ok"
    assert caught.value.code == "fetch.deadline" and "attempts" not in caught.value.message
    assert server.paths() == ["/slow", "/ok"]  # a trickler trickles again: the poll backs off


async def _trickle_headers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\n")
    try:
        for byte in b"X-Slow: " + b"a" * 100:
            if writer.is_closing():  # the client hung up
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)
    except ConnectionError:
        pass
    finally:
        writer.close()


async def test_trickling_headers_are_cut_at_the_deadline() -> None:
    listener = await asyncio.start_server(_trickle_headers, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}/h"
    try:
        async with Fetcher(settings(request_deadline=1, read_timeout=5, max_retries=0)) as fetcher:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(url)
    finally:
        listener.close()
        await listener.wait_closed()
    assert caught.value.code == "fetch.deadline" and caught.value.url == url


async def test_a_hanging_dns_lookup_is_cut_at_the_deadline() -> None:
    async def hanging(host: str, port: int) -> list[str]:
        await asyncio.sleep(30)
        return ["93.184.216.34"]

    strict = settings(request_deadline=0.5, max_retries=0, allow_private_networks=False)
    async with Fetcher(strict, resolver=hanging) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("https://www.vaasa.fi/tiedotteet/")
    assert caught.value.code == "fetch.deadline"
    assert "https://www.vaasa.fi/tiedotteet/" in caught.value.message


async def test_deadline_covers_every_redirect_hop(server: ScriptServer) -> None:
    server.script("/a", Reply(302, {"Location": "/b"}, delay=0.5))
    server.script("/b", Reply(302, {"Location": "/c"}, delay=0.5))
    server.script("/c", Reply(200, body=b"late", delay=0.5))
    async with Fetcher(settings(request_deadline=1.2, read_timeout=2, max_retries=0)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "a")
    assert caught.value.code == "fetch.deadline"
    assert caught.value.url == server.url + "a"


async def test_waiting_for_our_turn_at_the_host_is_not_counted(server: ScriptServer) -> None:
    server.script("/p", Reply(200, body=b"ok"))
    polite = settings(min_host_delay=0.8, request_deadline=0.5, max_retries=0)
    async with Fetcher(polite) as fetcher:
        pages = await asyncio.gather(*(fetcher.get(server.url + "p") for _ in range(3)))
    assert [page.text for page in pages if page] == ["ok", "ok", "ok"]
    assert server.seen[2].at - server.seen[0].at >= 1.55


async def test_retry_after_on_one_host_never_delays_another(
    server: ScriptServer, other_host: ScriptServer
) -> None:
    for running in (server, other_host):
        running.script("/robots.txt", Reply(404))
    server.script("/busy", Reply(429, {"Retry-After": "2"}), Reply(200, body=b"later"))
    other_host.script("/news", Reply(200, body=b"now"))
    done: dict[str, float] = {}
    started = time.monotonic()

    async def fetch(url: str) -> None:
        await fetcher.get(url)
        done[url] = time.monotonic() - started

    async with Fetcher(settings(respect_robots=True)) as fetcher:
        await asyncio.gather(fetch(server.url + "busy"), fetch(other_host.url + "news"))
    assert done[other_host.url + "news"] < 0.5
    assert done[server.url + "busy"] >= 2
    assert server.paths() == ["/robots.txt", "/busy", "/busy"]
