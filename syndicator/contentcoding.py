"""Content-Encoding for ``http.py``: raw bytes in, at most ``limit`` decoded bytes out.

httpx inflates a whole chunk — and a stacked ``gzip, gzip`` chain — before any cap can apply,
so 16 KB on the wire can become gigabytes in one call. We read ``aiter_raw()`` and inflate
with zlib's ``max_length`` instead: the decoded body and peak memory stay within the cap
whatever the compression ratio. One coding at most: identity, gzip (x-gzip) or deflate
(zlib-wrapped or raw, as browsers accept); anything else, a stack of codings included, is
refused with ``fetch.unsupported_encoding`` (we only ever ask for ``gzip, deflate``).
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterable, Iterator

from syndicator.errors import FetchError

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "read_capped"]

log = logging.getLogger("syndicator.http")

ACCEPT_ENCODING = "gzip, deflate"
_STEP = 1 << 20  # at most 1 MiB of output per zlib call
_ALIASES = {"identity": "identity", "gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
_GZIP_MAGIC = b"\x1f"


class BodyDecoder:
    """Incremental decoder for one ``Content-Encoding`` header value."""

    def __init__(self, url: str, content_encoding: str) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in _ALIASES]
        if unknown or len(codings) > 1:
            why = "unknown" if unknown else "stacked"
            raise FetchError(
                f"GET {url} refused: {why} Content-Encoding {content_encoding.strip()!r} "
                f"(we accept one of: identity, {ACCEPT_ENCODING})",
                code="fetch.unsupported_encoding",
                url=url,
            )
        self.coding = _ALIASES[codings[0]] if codings else "identity"
        self._url = url
        self._inflater: zlib._Decompress | None = None
        self._head = b""  # deflate: the first bytes, until we know zlib-wrapped or raw
        self._members = 0  # gzip: complete members seen (a body may concatenate several)
        self._ended = False  # deflate stream complete: ignore trailing bytes

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``, each at most 1 MiB; stop iterating to stop decoding."""
        if self.coding == "identity":
            if data:
                yield data
            return
        try:
            yield from self._inflate(data)
        except zlib.error as exc:
            raise FetchError(
                f"GET {self._url}: undecodable {self.coding} body: {exc}",
                code="fetch.decoding",
                url=self._url,
            ) from None

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while (data or self._inflater is not None) and not self._ended:
            if self._inflater is None:
                data = self._start(data)
                if self._inflater is None:
                    return
            out = self._inflater.decompress(data, _STEP)
            if out:
                yield out
            if self._inflater.eof:
                data, self._inflater = self._inflater.unused_data, None
                self._members += 1
                self._ended = self.coding == "deflate"
            elif len(out) < _STEP:  # input used up and no output pending
                return
            else:
                data = self._inflater.unconsumed_tail

    def _start(self, data: bytes) -> bytes:
        """Open the next zlib stream for ``data``; returns the bytes to feed it."""
        if self.coding == "gzip":
            if self._members and not data.startswith(_GZIP_MAGIC):
                self._ended = bool(data)  # trailing garbage after a member, as curl ignores
                return b""
            if data:
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return data
        self._head += data
        if len(self._head) >= 2:
            wrapped = self._head[0] & 0x0F == 8 and int.from_bytes(self._head[:2]) % 31 == 0
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
            return data
        return b""


async def read_capped(
    url: str, raw: AsyncIterable[bytes], content_encoding: str, limit: int
) -> tuple[bytes, bool]:
    """``(body, truncated)``: at most ``limit`` decoded bytes; reading stops at the cap, with
    a ``fetch.truncated`` warning (a compression bomb is cut the same way as a huge page)."""
    decoder = BodyDecoder(url, content_encoding)
    body = bytearray()
    async for chunk in raw:
        for piece in decoder.decode(chunk):
            room = limit - len(body)
            if len(piece) > room:
                body += piece[:room]
                log.warning(
                    "GET %s: body cut at max_body_bytes (%d decoded bytes%s)",
                    url,
                    limit,
                    f", Content-Encoding {decoder.coding}" if decoder.coding != "identity" else "",
                    extra={"event": "fetch.truncated", "url": url, "limit": limit},
                )
                return bytes(body), True
            body += piece
    return bytes(body), False
