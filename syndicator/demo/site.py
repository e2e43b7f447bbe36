"""A programmable multilingual WordPress-like sample site (City of Vaasa style), offline.

``SampleSite`` holds releases (fi + sv, some en) and serves listings, article pages, RSS and the
WP REST API on 127.0.0.1 with ETag/Last-Modified and 304s. Tests inject faults: ``fail``
(status N times), ``delay`` and ``override``; ``requests`` records what arrived. A release
can be taken down (``remove_release``: its pages answer 404 and it leaves the listings, the
feed and the REST API, or with ``trash=True`` the API shows it as WordPress shows a post in
the trash) and put back (``restore_release``).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from syndicator.demo.languages import demo_sources
from syndicator.demo.releases import Release, ReleaseText, load_releases
from syndicator.demo.routes import Response, conditional, route, with_validators

__all__ = [
    "Release",
    "ReleaseText",
    "Response",
    "SampleSite",
    "SeenRequest",
    "SiteHandle",
    "demo_sources",
]


@dataclass(frozen=True, slots=True)
class SeenRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lowercase keys
    at: float  # time.monotonic() on arrival


@dataclass(slots=True)
class _Fault:
    status: int
    remaining: int
    headers: dict[str, str]


class SiteHandle:
    """A running server: ``url`` is its base (``http://127.0.0.1:PORT/``)."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self.port = int(server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SiteHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SampleSite:
    def __init__(self, now: datetime | None = None, *, with_releases: bool = True) -> None:
        self._now = (now or datetime.now(UTC)).astimezone(UTC)
        self._lock = threading.RLock()
        self._releases: dict[str, Release] = {}
        self._removed: dict[str, tuple[Release, bool]] = {}  # key → (release, trashed)
        self.revision = 0
        self._faults: dict[str, _Fault] = {}
        self._delays: dict[str, float] = {}
        self._overrides: dict[str, tuple[bytes, str]] = {}
        self.requests: list[SeenRequest] = []
        self._handle: SiteHandle | None = None
        if with_releases:
            for release in load_releases(self._now):
                self._releases[release.key] = release

    # --- content ------------------------------------------------------------------------

    @property
    def releases(self) -> list[Release]:
        """Newest first."""
        with self._lock:
            return sorted(self._releases.values(), key=lambda r: r.published, reverse=True)

    def release(self, key: str) -> Release:
        with self._lock:
            return self._releases[key]

    def add_release(
        self,
        key: str,
        texts: Mapping[str, ReleaseText],
        *,
        published: datetime | None = None,
        image: str | None = None,
        attachment: str | None = None,
        read_more: str | None = None,
        post_id: int | None = None,
    ) -> Release:
        with self._lock:
            when = (published or self._clock()).astimezone(UTC).replace(microsecond=0)
            number = post_id or max((r.post_id for r in self._releases.values()), default=41000) + 7
            # Copies: ``edit_release`` changes a text in place, never the caller's object.
            own = {lang: copy.copy(text) for lang, text in texts.items()}
            release = Release(key, number, when, when, own, image, attachment, read_more)
            self._releases[key] = release
            self.revision += 1
            return release

    def edit_release(
        self, key: str, lang: str, title: str | None = None, body: str | None = None
    ) -> Release:
        """Change one language version; bumps the modified time (and every ETag)."""
        with self._lock:
            release = self._releases[key]
            text = release.texts[lang]
            if title is not None:
                text.title = title
            if body is not None:
                text.paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
            release.modified = max(self._clock(), release.modified + timedelta(seconds=1))
            self.revision += 1
            return release

    def remove_release(self, key: str, *, trash: bool = False) -> Release:
        """Take a release down: its pages answer 404, listings and feeds drop it; the REST
        API answers 404 for its post (``rest_post_invalid_id``) or, with ``trash``, shows
        the post with ``"status": "trash"``."""
        with self._lock:
            release = self._releases.pop(key)
            self._removed[key] = (release, trash)
            self.revision += 1
            return release

    def restore_release(self, key: str) -> Release:
        """Put a removed release back as it was."""
        with self._lock:
            release, _ = self._removed.pop(key)
            self._releases[key] = release
            self.revision += 1
            return release

    def publish_demo_news(self) -> None:
        """The demo's "one minute later": a new release appears and the newest one is edited."""
        with self._lock:
            for release in load_releases(self._clock(), demo_news=True):
                self._releases[release.key] = release
            edited = self._releases["akkutehdas"]
            extra = (
                "Päivitys: asukkaiden tiedotustilaisuus pidetään 10. joulukuuta kello 18 "
                "kaupungintalon juhlasalissa. Tilaisuutta voi seurata myös verkossa."
            )
            body = "\n\n".join((*edited.texts["fi"].paragraphs, extra))
            self.edit_release("akkutehdas", "fi", body=body)

    def _clock(self) -> datetime:
        return max(datetime.now(UTC), self._now).replace(microsecond=0)

    # --- fault injection ----------------------------------------------------------------

    def fail(
        self, path: str, status: int = 503, times: int = 2, headers: Mapping[str, str] | None = None
    ) -> None:
        """The next ``times`` requests to ``path`` get ``status``. A path with a query string
        matches only that exact request; without one, any query."""
        with self._lock:
            self._faults[_rooted(path)] = _Fault(status, times, dict(headers or {}))

    def delay(self, path: str, seconds: float) -> None:
        with self._lock:
            self._delays[_rooted(path)] = seconds

    def override(
        self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8"
    ) -> None:
        with self._lock:
            self._overrides[_rooted(path)] = (body, content_type)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._delays.clear()
            self._overrides.clear()

    def delay_for(self, target: str) -> float:
        with self._lock:
            return self._delays.get(target, self._delays.get(urlsplit(target).path, 0.0))

    # --- answering ----------------------------------------------------------------------

    def respond(self, method: str, target: str, headers: Mapping[str, str], base: str) -> Response:
        """The site's answer to one request, without a socket (the server calls this)."""
        lowered = {key.lower(): value for key, value in headers.items()}
        with self._lock:
            self.requests.append(SeenRequest(method, target, lowered, time.monotonic()))
            path = urlsplit(target).path
            fault = self._faults.get(target) or self._faults.get(path)
            if fault is not None and fault.remaining > 0:
                fault.remaining -= 1
                body = f"{fault.status} demo fault\n".encode()
                return Response(fault.status, {"content-type": "text/plain", **fault.headers}, body)
            override = self._overrides.get(target) or self._overrides.get(path)
            if override is not None:
                response = Response(200, {"content-type": override[1]}, override[0])
            else:
                query = {k: v[-1] for k, v in parse_qs(urlsplit(target).query).items()}
                trashed = [release for release, trash in self._removed.values() if trash]
                response = route(path, query, self.releases, base, trashed=trashed)
            response = with_validators(response, self.revision)
        return conditional(response, lowered)

    # --- serving ------------------------------------------------------------------------

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SiteHandle:
        site = self

        class Handler(_Handler):
            pass

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        Handler.site = site
        Handler.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        self._handle = SiteHandle(server)
        return self._handle

    @property
    def url(self) -> str:
        if self._handle is None:
            raise RuntimeError("the sample site is not serving: call serve() first")
        return self._handle.url

    def __enter__(self) -> SampleSite:
        self.serve()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._handle is not None:
            self._handle.stop()
            self._handle = None


class _Handler(BaseHTTPRequestHandler):
    site: SampleSite
    base_url: str
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        base = self.base_url
        pause = self.site.delay_for(self.path)
        if pause:
            time.sleep(pause)
        response = self.site.respond(self.command, self.path, dict(self.headers.items()), base)
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body and response.status != 304:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        return


def _rooted(path: str) -> str:
    """Fault paths may be given with or without the leading slash."""
    return path if path.startswith("/") else "/" + path
