"""A scriptable local HTTP server for the fetcher tests (real sockets on 127.0.0.1:0)."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from syndicator.configbase import HttpSettings


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Callable[[], Iterable[bytes]] = b""
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float


class ScriptServer:
    """``script(path, *replies)``: replies are used in order, the last one repeats."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = ThreadingHTTPServer((host, 0), self._handler_class())
        server.daemon_threads = True
        self._server = server
        self.url = f"http://{host}:{server.server_address[1]}/"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.routes[path] = list(replies)

    def paths(self) -> list[str]:
        return [seen.path for seen in self.seen]

    def _next(self, path: str) -> Reply:
        with self._lock:
            replies = self.routes.get(urlsplit(path).path)
            if not replies:
                return Reply(404, {"content-type": "text/plain"}, b"not found")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                owner.seen.append(Seen(self.path, headers, time.monotonic()))
                reply = owner._next(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    chunks: Iterable[bytes] = (
                        [reply.body] if isinstance(reply.body, bytes) else reply.body()
                    )
                    for chunk in chunks:
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def trickle(count: int, interval: float = 1.0) -> Callable[[], Iterator[bytes]]:
    """A body of ``count`` bytes sent one at a time, ``interval`` seconds apart."""

    def body() -> Iterator[bytes]:
        for _ in range(count):
            yield b"x"
            time.sleep(interval)

    return body


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw": -zlib.MAX_WBITS}


def gzip_bomb(decoded: int, coding: str = "gzip") -> Callable[[], Iterator[bytes]]:
    """A gzip (or ``deflate``, or ``raw`` deflate) body of ``decoded`` zero bytes (~1/1000 of
    that on the wire), made without compressing it all: after a full flush, every further MiB
    of zeros compresses to the same bytes. The trailer's checksum is not the real one: a
    capped reader never gets that far."""
    packer = zlib.compressobj(9, zlib.DEFLATED, _WBITS[coding])
    zeros = bytes(1 << 20)
    head = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    unit = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(decoded // len(zeros) - 1):
            yield unit
        yield tail

    return body


def stacked_gzip_bomb(decoded: int) -> bytes:
    """``Content-Encoding: gzip, gzip``: the gzip bomb gzipped again (~24 KB for 10 GiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(packer.compress(part) for part in gzip_bomb(decoded)()) + packer.flush()


def settings(**overrides: object) -> HttpSettings:
    """Fast, local-friendly settings; tests override what they exercise."""
    values: dict[str, object] = {
        "min_host_delay": 0,
        "backoff_base": 0.01,
        "backoff_max": 5,
        "max_retries": 3,
        "connect_timeout": 2,
        "read_timeout": 2,
        "respect_robots": False,
        "allow_private_networks": True,
    }
    values.update(overrides)
    return HttpSettings.model_validate(values)
