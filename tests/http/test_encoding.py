"""Content-Encoding: the body cap counts decoded bytes, bombs stay bounded, stacks are refused."""

from __future__ import annotations

import gzip
import logging
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from syndicator.contentcoding import BodyDecoder
from syndicator.errors import FetchError
from syndicator.http import Fetcher
from tests.http.scripted import Reply, ScriptServer, gzip_bomb, settings, stacked_gzip_bomb

_TEXT = ("<p>Vaasan kaupunki tiedottaa – " * 2000).encode()
_GIB = 1 << 30


def _deflate(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


_ENCODED = {
    "gzip": gzip.compress(_TEXT),
    "x-gzip": gzip.compress(_TEXT),
    "deflate": _deflate(_TEXT, zlib.MAX_WBITS),  # zlib-wrapped, as the RFC says
    "Deflate ": _deflate(_TEXT, -zlib.MAX_WBITS),  # raw, as some servers send it
    "identity": _TEXT,
    "": _TEXT,
}


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    return (data[start : start + size] for start in range(0, len(data), size))


@pytest.mark.parametrize("coding", list(_ENCODED))
@pytest.mark.parametrize("size", [1, 2, 3, 700, 1 << 20])
def test_decoder_decodes_any_chunking(coding: str, size: int) -> None:
    decoder = BodyDecoder("http://x/", coding)
    out = b"".join(b"".join(decoder.decode(piece)) for piece in _pieces(_ENCODED[coding], size))
    assert out == _TEXT


def test_gzip_members_are_concatenated_and_trailing_garbage_ignored() -> None:
    body = gzip.compress(b"first ") + gzip.compress(b"second") + b"\x00\x00junk"
    decoder = BodyDecoder("http://x/", "gzip")
    assert b"".join(decoder.decode(body)) == b"first second"


@pytest.mark.parametrize(("coding", "kind"), [("gzip", "gzip"), ("deflate", "raw")])
async def test_bomb_is_cut_at_the_decoded_cap_with_bounded_memory(
    server: ScriptServer, caplog: pytest.LogCaptureFixture, coding: str, kind: str
) -> None:
    headers = {"content-type": "text/html", "content-encoding": coding}
    server.script("/bomb", Reply(200, headers, gzip_bomb(_GIB, kind)))
    tracemalloc.start()
    try:
        async with Fetcher(settings(max_body_bytes=5_000_000)) as fetcher:
            page = await fetcher.get(server.url + "bomb")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert page is not None and page.truncated
    assert len(page.content) == 5_000_000 and page.content.count(0) == 5_000_000
    assert peak < 20_000_000  # the page, its text and one 1 MiB piece; httpx inflated 64 MiB
    assert server.seen[0].headers["accept-encoding"] == "gzip, deflate"
    [warning] = [r for r in caplog.records if r.__dict__.get("event") == "fetch.truncated"]
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        f"GET {server.url}bomb: body cut at max_body_bytes "
        f"(5000000 decoded bytes, Content-Encoding {coding})"
    )


async def test_compressed_body_under_the_cap_is_whole(server: ScriptServer) -> None:
    headers = {"content-type": "text/html; charset=utf-8", "content-encoding": "deflate"}
    server.script("/d", Reply(200, headers, _ENCODED["Deflate "]))
    async with Fetcher(settings(max_body_bytes=len(_TEXT))) as fetcher:
        page = await fetcher.get(server.url + "d")
    assert page is not None and not page.truncated and page.content == _TEXT


@pytest.mark.parametrize(
    ("coding", "body", "why"),
    [
        ("gzip, gzip", stacked_gzip_bomb(64 << 20), "stacked"),  # 10 GiB: test_bomb_memory
        ("deflate,gzip", gzip.compress(_deflate(b"hi", zlib.MAX_WBITS)), "stacked"),
        ("br", b"\x0b\x00\x80hi\x03", "unknown"),
        ("compress", b"\x1f\x9d", "unknown"),
    ],
)
async def test_stacked_and_unknown_codings_are_refused(
    server: ScriptServer, coding: str, body: bytes, why: str
) -> None:
    server.script("/c", Reply(200, {"content-encoding": coding}, body))
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "c")
    assert caught.value.code == "fetch.unsupported_encoding"
    assert caught.value.message == (
        f"GET {server.url}c refused: {why} Content-Encoding {coding!r} "
        "(we accept one of: identity, gzip, deflate)"
    )
    assert server.paths() == ["/c"]  # not retried


async def test_corrupt_gzip_is_a_decoding_error(server: ScriptServer) -> None:
    corrupt = gzip.compress(b"hello")[:10] + b"\xff" * 8  # a good header, then block type 3
    server.script("/z", Reply(200, {"content-encoding": "gzip"}, corrupt))
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "z")
    assert caught.value.code == "fetch.decoding"
    assert caught.value.message.startswith(f"GET {server.url}z: undecodable gzip body: ")


async def test_error_bodies_are_not_read(server: ScriptServer) -> None:
    # A 404 page in an unknown coding is still a 404, not an encoding error.
    server.script("/gone", Reply(404, {"content-encoding": "br"}, b"\x0b\x00\x80"))
    async with Fetcher(settings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "gone")
    assert caught.value.code == "fetch.http_404"
