"""Many small html sources on many loopback addresses, counting every request.

Source ``n`` lives on ``hosts[n % len(hosts)]`` at ``/s{n}/``: a listing of its releases
(the sample site's markup, so ``demo_source`` selectors read it) with an ``ETag`` that changes
only when ``publish(n)`` adds a release; conditional requests get ``304``. Each release is
``/s{n}/r{k}/``. ``hits`` records host, path, status and arrival time of every request, so a
test can say "no listing fetched twice per interval" and a benchmark "requests per round".
Used by the replica suite (in-process) and by ``bench/poll.py`` (in a subprocess).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from syndicator.demo.languages import demo_source

__all__ = ["Hit", "ListingSite"]

_WORDS = (
    "Kaupunginhallitus käsitteli kokouksessaan kaupungin talousarviota ja investointeja. "
    "Päätöksen mukaan uusi päiväkoti rakennetaan keskustan läheisyyteen ensi vuoden aikana. "
    "Lisäksi kirjaston aukioloaikoja pidennetään arki-iltaisin kahdella tunnilla."
)


@dataclass(frozen=True, slots=True)
class Hit:
    host: str
    path: str
    status: int
    at: float  # time.monotonic()
    conditional: bool


class ListingSite:
    def __init__(self, hosts: Sequence[str], sources: int, releases: int = 2) -> None:
        self.hosts = tuple(hosts)
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        self._releases = {n: list(range(releases)) for n in range(sources)}
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []

    # --- content ------------------------------------------------------------------------

    def host_of(self, n: int) -> str:
        return self.hosts[n % len(self.hosts)]

    def source_url(self, n: int) -> str:
        host = self.host_of(n)
        return f"http://{host}:{self._servers[host].server_address[1]}/s{n}/"

    def release_url(self, n: int, k: int) -> str:
        return f"{self.source_url(n)}r{k}/"

    def title(self, n: int, k: int) -> str:
        return f"Tiedote {n}-{k}: kaupunki tiedottaa"

    def release_urls(self) -> set[str]:
        with self._lock:
            return {self.release_url(n, k) for n, ks in self._releases.items() for k in ks}

    def publish(self, n: int) -> str:
        """A new release on source ``n``; returns its URL."""
        with self._lock:
            k = len(self._releases[n])
            self._releases[n].append(k)
        return self.release_url(n, k)

    def sources_toml(self, *, interval: str, catch_up: bool) -> str:
        return "\n".join(
            demo_source(f"s{n}", self.source_url(n), "fi", interval=interval, catch_up=catch_up)
            for n in sorted(self._releases)
        )

    def listing_hits(self) -> dict[str, list[float]]:
        """Arrival times of the requests for each listing path (``host/s{n}/``)."""
        out: dict[str, list[float]] = {}
        with self._lock:
            for hit in self.hits:
                if hit.path.count("/") == 2:  # /s{n}/
                    out.setdefault(f"{hit.host}{hit.path}", []).append(hit.at)
        return out

    def _published(self, k: int) -> datetime:
        return self._base + timedelta(minutes=k)

    def _listing(self, n: int, ks: list[int]) -> bytes:
        items = "".join(
            f"<article class='news-item'><h2 class='news-title'><a href='/s{n}/r{k}/'>"
            f"{self.title(n, k)}</a></h2><time datetime='{self._published(k).isoformat()}'>"
            f"{self._published(k):%d.%m.%Y}</time><p class='excerpt'>Tiedote {k}.</p></article>"
            for k in reversed(ks)
        )
        return (
            "<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>Tiedotteet"
            f"</title></head><body><main>{items}</main></body></html>"
        ).encode()

    def _article(self, n: int, k: int) -> bytes:
        when = self._published(k)
        return (
            "<!doctype html><html lang='fi'><head><meta charset='utf-8'>"
            f"<title>{self.title(n, k)}</title></head><body><main><article>"
            f"<h1 class='entry-title'>{self.title(n, k)}</h1>"
            f"<time class='published' datetime='{when.isoformat()}'>{when:%d.%m.%Y}</time>"
            f"<div class='entry-content'><p>{_WORDS}</p><p>Lähde {n}, tiedote {k}. {_WORDS}</p>"
            "</div></article></main></body></html>"
        ).encode()

    def respond(self, path: str, etag: str | None) -> tuple[int, str, bytes]:
        """(status, etag, body) for one GET; no socket (the handler calls this)."""
        parts = [part for part in path.split("?")[0].split("/") if part]
        if not parts or not parts[0].startswith("s") or not parts[0][1:].isdigit():
            return 404, "", b"not found\n"
        n = int(parts[0][1:])
        with self._lock:
            ks = list(self._releases.get(n, ()))
        if n not in self._releases or len(parts) > 2:
            return 404, "", b"not found\n"
        if len(parts) == 1:
            tag, body = f'"s{n}-{len(ks)}"', self._listing(n, ks)
        elif parts[1][1:].isdigit() and int(parts[1][1:]) in ks:
            tag, body = f'"s{n}-r{parts[1]}"', self._article(n, int(parts[1][1:]))
        else:
            return 404, "", b"not found\n"
        return (304, tag, b"") if etag == tag else (200, tag, body)

    # --- serving ------------------------------------------------------------------------

    def start(self) -> Self:
        for host in self.hosts:
            server = ThreadingHTTPServer((host, 0), self._handler(host))
            server.daemon_threads = True
            self._servers[host] = server
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def close(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self, host: str) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body in one segment, sent at once: without these, Nagle and
            # delayed ACKs add ~40 ms to every request and the benchmark measures them.
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                etag = self.headers.get("If-None-Match")
                status, tag, body = site.respond(self.path, etag)
                with site._lock:
                    site.hits.append(
                        Hit(host, self.path, status, time.monotonic(), etag is not None)
                    )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    if tag:
                        self.send_header("ETag", tag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
