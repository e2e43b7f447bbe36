"""The delivery client's transport: a pool per origin that keeps its connection alive, is
closed once idle, and never while a response of its own is still being read (real local
HTTP servers that note which client port each request came from)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from syndicator.deliver.transport import OriginTransport

_BODY = b'{"ok":true}'


class _Receiver:
    """An HTTP/1.1 server on 127.0.0.1 keeping connections alive; ``ports`` are the client
    ports of the requests in order; the body comes ``pause`` seconds after the headers."""

    def __init__(self) -> None:
        self.ports: list[int] = []
        self.pause = 0.0
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    def close(self) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                self.ports.append(writer.get_extra_info("peername")[1])
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(_BODY))
                await writer.drain()
                await asyncio.sleep(self.pause)
                writer.write(_BODY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def receivers() -> AsyncIterator[tuple[_Receiver, str, _Receiver, str]]:
    first, second = _Receiver(), _Receiver()
    urls = [await first.start(), await second.start()]
    yield first, urls[0], second, urls[1]
    first.close()
    second.close()


async def test_a_pool_per_origin_reuses_its_connection(
    receivers: tuple[_Receiver, str, _Receiver, str],
) -> None:
    first, a, second, b = receivers
    async with httpx.AsyncClient(transport=OriginTransport()) as client:
        for url in (a, b, a, b, a):
            assert (await client.post(url + "/hook", content=b"x")).content == _BODY
    assert len(first.ports) == 3 and len(set(first.ports)) == 1
    assert len(second.ports) == 2 and len(set(second.ports)) == 1


async def test_an_idle_pool_is_closed(receivers: tuple[_Receiver, str, _Receiver, str]) -> None:
    first, a, _second, b = receivers
    async with httpx.AsyncClient(transport=OriginTransport(idle=0.0)) as client:
        for url in (a, b, a):
            assert (await client.post(url + "/hook", content=b"x")).content == _BODY
    assert len(first.ports) == 2 and len(set(first.ports)) == 2  # a's pool closed meanwhile


async def test_a_pool_is_not_closed_under_an_open_response(
    receivers: tuple[_Receiver, str, _Receiver, str],
) -> None:
    first, a, _second, b = receivers
    first.pause = 0.3
    transport = OriginTransport(idle=0.0)
    async with (
        httpx.AsyncClient(transport=transport) as client,
        client.stream("POST", a + "/hook", content=b"x") as slow,
    ):
        assert (await client.post(b + "/hook", content=b"x")).content == _BODY
        assert await slow.aread() == _BODY  # a's pool outlived the idle check
