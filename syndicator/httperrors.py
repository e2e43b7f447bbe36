"""Interpreting a failed fetch: HTTP statuses and httpx exceptions → ``FetchError`` codes.

Used by ``http.py`` only; this is the one boundary where httpx exceptions are mapped.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

from syndicator.configbase import HttpSettings
from syndicator.errors import FetchError

__all__ = [
    "deadline_error",
    "exhausted",
    "parse_retry_after",
    "retry_delay",
    "status_error",
    "transport_error",
]


class _Answer(Protocol):
    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> dict[str, str]: ...


def status_error(url: str, response: _Answer) -> FetchError:
    retry_after = None
    if response.status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    return FetchError(
        f"GET {url} answered HTTP {response.status}",
        code=f"fetch.http_{response.status}",
        url=url,
        status=response.status,
        retry_after=retry_after,
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from ``now``: delta-seconds or an HTTP-date; None if unusable.
    Fetching and delivering both honour it, through this one function."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def exhausted(error: FetchError, attempts: int) -> FetchError:
    if attempts == 1:  # max_retries = 0: nothing was retried, nothing to add
        return error
    return FetchError(
        f"{error.message} ({attempts} attempts)",
        code=error.code,
        url=error.url,
        status=error.status,
        retry_after=error.retry_after,
    )


def retry_delay(settings: HttpSettings, attempt: int, error: FetchError) -> float:
    """Retry-After when the server gave one, else full-jitter exponential backoff."""
    if error.retry_after is not None:
        if error.retry_after > settings.backoff_max:
            raise FetchError(
                f"{error.message}; Retry-After {error.retry_after:.0f} s exceeds "
                f"backoff_max {settings.backoff_max:.0f} s, giving up for now",
                code=error.code,
                url=error.url,
                status=error.status,
                retry_after=error.retry_after,
            )
        return error.retry_after
    return random.uniform(0, min(settings.backoff_max, settings.backoff_base * 2**attempt))


def deadline_error(url: str, seconds: float) -> FetchError:
    return FetchError(
        f"GET {url} took longer than the request deadline of {seconds:g} s "
        "(connect, headers and body, redirects included)",
        code="fetch.deadline",
        url=url,
    )


def transport_error(url: str, exc: httpx.HTTPError, settings: HttpSettings) -> FetchError:
    """The one place httpx exceptions become FetchError."""
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        seconds, code = settings.connect_timeout, "fetch.timeout"
        return FetchError(f"GET {url} timed out connecting after {seconds:g} s", code=code, url=url)
    if isinstance(exc, httpx.TimeoutException):
        message = f"GET {url} timed out after {settings.read_timeout:g} s"
        return FetchError(message, code="fetch.timeout", url=url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError(f"GET {url}: {exc}", code="fetch.invalid_url", url=url)
    if isinstance(exc, httpx.DecodingError):
        return FetchError(f"GET {url}: undecodable body: {exc}", code="fetch.decoding", url=url)
    reason = str(exc) or type(exc).__name__
    return FetchError(f"GET {url} failed: {reason}", code="fetch.connect", url=url)
