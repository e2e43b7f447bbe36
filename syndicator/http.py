"""The one polite outbound client for sources.

``Fetcher.get`` builds the request (user agent, conditional headers, robots.txt, address guard,
per-host pacing), sends it hop by hop following at most five redirects, and interprets the
response (status → ``FetchError`` code, charset, size cap). httpx exceptions are mapped to
``FetchError`` here and nowhere else. Codes: ``fetch.timeout``, ``fetch.connect``,
``fetch.http_<status>``, ``fetch.blocked_address``, ``fetch.robots_disallowed``,
``fetch.robots_unavailable``, ``fetch.invalid_url``, ``fetch.too_many_redirects``,
``fetch.decoding`` (corrupt gzip/deflate), ``fetch.unsupported_encoding`` (a Content-Encoding
other than identity, gzip, deflate; a stack like ``gzip, gzip`` too) and ``fetch.deadline``
(one attempt — connect, headers, body, every redirect hop — outlasted ``request_deadline``;
waiting for our turn at the host does not count). Each message names the URL and the cause.
Bodies are capped at ``max_body_bytes`` of *decoded* bytes (``contentcoding.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urljoin

import httpx

from syndicator.charset import decode_body
from syndicator.configbase import HttpSettings
from syndicator.contentcoding import ACCEPT_ENCODING, read_capped
from syndicator.errors import FetchError
from syndicator.httperrors import (
    deadline_error,
    exhausted,
    retry_delay,
    status_error,
    transport_error,
)
from syndicator.netguard import Resolver, check_host, system_resolver
from syndicator.netguard import check_url as _check_url
from syndicator.robots import RobotsCache, RobotsReply, RobotsStore

__all__ = ["MAX_REDIRECTS", "Fetcher", "Page", "ValidatorLookup", "Validators"]

log = logging.getLogger("syndicator.http")

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Not fetch.deadline: a source that trickled past the deadline will trickle again; retrying
# would hold its lane for (max_retries + 1) deadlines. The poll's backoff retries it later.
_RETRY_CODES = frozenset({"fetch.timeout", "fetch.connect"})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8"


Validators = tuple[str | None, str | None]  # (ETag, Last-Modified) of one URL
# The pipeline's lookup of the validators saved for a URL after its last good poll. The
# fetcher only reads them; what a fetch learns travels back on its ``Page``.
ValidatorLookup = Callable[[str], Awaitable[Validators | None]]


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # final URL, after redirects
    status: int
    content: bytes
    text: str
    encoding: str
    content_type: str
    headers: Mapping[str, str]  # lowercase keys
    truncated: bool = False
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class _Response:
    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    truncated: bool


@dataclass(slots=True)
class _HostSlot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = float("-inf")


class Fetcher:
    def __init__(
        self,
        settings: HttpSettings,
        validators: ValidatorLookup | None = None,
        *,
        robots: RobotsStore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
    ) -> None:  # robots: where robots.txt copies outlive this fetcher (else its memory)
        self.settings = settings
        self.validators = validators
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": _ACCEPT,
                # Explicit: httpx would add br/zstd when their packages happen to be installed.
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            follow_redirects=False,
        )
        self._resolver = resolver or system_resolver
        self._hosts: dict[str, _HostSlot] = {}
        self._robots = RobotsCache(self._fetch_robots, settings.user_agent, store=robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, conditional: bool = False, source: str = "") -> Page | None:
        """The page at ``url``; None only when a conditional request answered 304."""
        _check_url(url)
        if self.settings.respect_robots:
            await self._robots.check(url, source=source)
        headers = await self._conditional_headers(url) if conditional else {}
        response = await self._with_retries(url, headers, source)
        return self._interpret(url, response, conditional=conditional)

    # --- building the request -------------------------------------------------------------

    async def _conditional_headers(self, url: str) -> dict[str, str]:
        saved = await self.validators(url) if self.validators else None
        etag, last_modified = saved or (None, None)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    async def _with_retries(self, url: str, headers: dict[str, str], source: str) -> _Response:
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            try:
                response = await self._attempt(url, headers)
                error = status_error(url, response) if response.status in _RETRY_STATUSES else None
            except FetchError as exc:
                if exc.code not in _RETRY_CODES:
                    raise
                error = exc
            if error is None:
                return response
            delay = retry_delay(self.settings, attempt, error)
            if attempt + 1 >= attempts:
                raise exhausted(error, attempts)
            log.warning(
                "%s; retrying in %.1f s",
                error.message,
                delay,
                extra={
                    "event": "fetch.retry",
                    "url": url,
                    "source": source,
                    "attempt": attempt + 1,
                    "retry_in_s": round(delay, 3),
                    "error_code": error.code,
                },
            )
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, url: str, headers: dict[str, str]) -> _Response:
        """One attempt, redirects included, within ``request_deadline``."""
        deadline = self.settings.request_deadline
        try:
            async with asyncio.timeout(deadline) as budget:
                return await self._follow(url, headers, budget)
        except TimeoutError:
            if not budget.expired():
                raise
            raise deadline_error(url, deadline) from None

    async def _follow(
        self, url: str, headers: dict[str, str], budget: asyncio.Timeout
    ) -> _Response:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            response = await self._send(current, headers, budget)
            location = response.headers.get("location")
            if response.status not in _REDIRECTS or not location:
                return response
            current = urljoin(current, location.strip())
            _check_url(current)
        raise FetchError(
            f"GET {url} redirected more than {MAX_REDIRECTS} times",
            code="fetch.too_many_redirects",
            url=url,
        )

    async def _send(self, url: str, headers: dict[str, str], budget: asyncio.Timeout) -> _Response:
        """One hop: address guard, host pacing, a 2xx body decoded up to max_body_bytes."""
        parts = httpx.URL(url)
        if not self.settings.allow_private_networks:
            await check_host(url, parts.host, parts.port or _default_port(parts), self._resolver)
        async with self._host_turn(parts.host, budget):
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    content, truncated = b"", False  # other bodies are never used: not read
                    if 200 <= response.status_code < 300:
                        coding = response.headers.get("content-encoding", "")
                        limit = self.settings.max_body_bytes
                        content, truncated = await read_capped(
                            url, response.aiter_raw(), coding, limit
                        )
            except httpx.HTTPError as exc:
                raise transport_error(url, exc, self.settings) from None
        return _Response(
            url=url,
            status=response.status_code,
            headers={key.lower(): value for key, value in response.headers.items()},
            content=content,
            truncated=truncated,
        )

    @asynccontextmanager
    async def _host_turn(self, host: str, budget: asyncio.Timeout) -> AsyncIterator[None]:
        """One request at a time per host, at least ``min_host_delay`` after the last one.
        The request deadline is paused while we wait: queueing behind our own requests to a
        host is politeness, not the server being slow. The slot is released on cancellation
        (the deadline firing included)."""
        slot = self._hosts.setdefault(host.lower(), _HostSlot())
        resume = _pause(budget)
        async with slot.lock:
            wait = slot.last + self.settings.min_host_delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            resume()
            try:
                yield
            finally:
                slot.last = time.monotonic()

    async def _fetch_robots(self, url: str, headers: Mapping[str, str]) -> RobotsReply:
        response = await self._attempt(url, dict(headers))
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        return RobotsReply(response.status, response.content, etag, modified)

    # --- interpreting the response --------------------------------------------------------

    def _interpret(self, url: str, response: _Response, *, conditional: bool) -> Page | None:
        if response.status == 304 and conditional:
            return None
        if not 200 <= response.status < 300:
            raise status_error(url, response)
        headers = response.headers
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        content_type = headers.get("content-type", "")
        text, encoding = decode_body(response.content, content_type)
        return Page(
            url=response.url,
            status=response.status,
            content=response.content,
            text=text,
            encoding=encoding,
            content_type=content_type,
            headers=headers,
            truncated=response.truncated,
            etag=etag,
            last_modified=last_modified,
        )


def _pause(budget: asyncio.Timeout) -> Callable[[], None]:
    """Stop ``budget``'s clock; the returned function restarts it with the time that was left."""
    when = budget.when()
    if when is None or budget.expired():  # expiring: the pending cancellation still lands
        return lambda: None
    loop = asyncio.get_running_loop()
    left = when - loop.time()
    budget.reschedule(None)
    return lambda: budget.reschedule(loop.time() + left)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
