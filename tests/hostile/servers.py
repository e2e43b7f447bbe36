"""Hostile web servers, one per loopback address (127.0.0.N routes to ``lo`` on Linux).

A ``HostileServer`` answers each path with a ``Route``: a function that writes the raw
response itself, so it can lie about encodings, trickle bytes or redirect forever. Distinct
addresses are distinct hosts to the fetcher, so each hostile source gets its own lane.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

__all__ = [
    "HostileServer",
    "Route",
    "gzip_bomb",
    "listing",
    "nested_divs",
    "redirect",
    "rss_feed",
    "static",
    "trickle",
]

Route = Callable[[BaseHTTPRequestHandler, threading.Event], None]


def gzip_bomb(gibibytes: int = 1) -> bytes:
    """gzip of ``gibibytes`` GiB of zeros (~1 MB per GiB), built in 1 MiB steps."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [packer.compress(chunk) for _ in range(1024 * gibibytes)]
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_once(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(data) + packer.flush()


def listing(article: str, title: str = "Tiedote", extra: str = "") -> bytes:
    """A listing in the sample site's markup with one release linking to ``article``."""
    return (
        "<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>Tiedotteet</title>"
        "</head><body><main><article class='news-item'><h2 class='news-title'>"
        f"<a href='{article}'>{title}</a></h2><time datetime='2026-11-27'>27.11.2026</time>"
        f"{extra}</article></main></body></html>"
    ).encode()


def nested_divs(depth: int = 100_000) -> bytes:
    """An article page whose body is ``depth`` nested ``<div>`` (~1.1 MB at 100,000)."""
    return (
        b"<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>Syva</title></head>"
        b"<body><h1 class='entry-title'>Syv\xc3\xa4 tiedote</h1><div class='entry-content'>"
        + b"<div>" * depth
        + "<p>Kaupunki tiedottaa syvältä.</p>".encode()
        + b"</div>" * depth
        + b"</div></body></html>"
    )


def rss_feed(entries: int, base: str) -> bytes:
    """An RSS 2.0 feed of ``entries`` minimal items (~70 bytes each: 65,000 make ~4.6 MB,
    under the shipped 5 MB body cap, so it is the parse that is put to the test)."""
    items = "".join(
        f"<item><title>t{i}</title><link>{base}{i}</link></item>" for i in range(entries)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Iso</title>"
        f"<link>{base}</link><description>x</description>{items}</channel></rss>"
    ).encode()


def static(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Route:
    """A fixed answer with a strong ETag (so a repeat can be a 304)."""
    etag = f'"{zlib.crc32(body):08x}-{len(body)}"'
    extra = {name.replace("_", "-"): value for name, value in headers.items()}

    def answer(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
        if handler.headers.get("If-None-Match") == etag:
            _head(handler, 304, {"ETag": etag})
            return
        _head(handler, 200, {"Content-Type": content_type, "ETag": etag, **extra}, len(body))
        handler.wfile.write(body)

    return answer


def trickle(bytes_per_second: float = 1.0, total: int = 10_000) -> Route:
    """Headers at once, then one byte at a time: a per-read timeout never fires."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _head(handler, 200, {"Content-Type": "text/html; charset=utf-8"}, total)
        for _ in range(total):
            if stop.wait(1.0 / bytes_per_second):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    return answer


def redirect(to: str) -> Route:
    def answer(handler: BaseHTTPRequestHandler, _stop: threading.Event) -> None:
        _head(handler, 302, {"Location": to}, 0)

    return answer


def _head(
    handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str], length: int = 0
) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(length))
    handler.end_headers()


class HostileServer:
    """Serves ``routes`` on ``host`` (a free port); anything else, robots.txt too, is 404."""

    def __init__(self, host: str, routes: Mapping[str, Route]) -> None:
        self.routes = dict(routes)
        self.requests: list[tuple[str, float]] = []  # (path, time.monotonic())
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> Self:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()  # ends trickles
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.requests.append((path, time.monotonic()))
                route = server.routes.get(path)
                try:
                    if route is None:
                        _head(self, 404, {"Content-Type": "text/plain"})
                    else:
                        route(self, server._stop)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
