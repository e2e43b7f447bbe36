"""The SSRF guard of ``http.py``: refuse hosts that resolve to non-public addresses.

Checked on the *resolved* IPs (a public name pointing at 10.0.0.1 is refused too) before
every hop of a request, including redirects. "Public" means globally reachable in IANA's
special-purpose registries (``is_global``), so shared address space (100.64.0.0/10, where
cloud metadata services live), 192.0.0.0/24 and benchmarking 198.18.0.0/15 are refused, not
just RFC 1918; multicast is refused too, and an IPv4 address embedded in IPv6 (mapped,
6to4, NAT64, Teredo) must itself be public. ``allow_private_networks`` (tests, the demo)
switches the guard off. The resolver is injectable so tests can map names to addresses.

Rough edge: the address is resolved again by the connection pool, so a DNS answer that
changes between check and connect (rebinding with a zero TTL) is not caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import urlsplit

import httpx

from syndicator.errors import FetchError

__all__ = [
    "Resolver",
    "check_host",
    "check_outbound",
    "check_url",
    "is_public_address",
    "system_resolver",
]

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# is_global gained these in later Pythons (3.12.4+); listed so every version refuses them.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.0.0/24", "64:ff9b:1::/48", "2001::/23", "2001:db8::/32", "3fff::/20")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) → IP address strings``."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's ``getaddrinfo`` (non-blocking)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """True only for globally reachable unicast IPs, IPv4 embedded in IPv6 included."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    return all(_is_global(each) for each in _with_embedded(ip))


def _is_global(ip: _IPAddress) -> bool:
    return (
        ip.is_global
        and not (ip.is_multicast or ip.is_unspecified or ip.is_reserved or ip.is_loopback)
        and not (ip.is_link_local or getattr(ip, "is_site_local", False))
        and not any(ip in net for net in _NOT_GLOBAL if net.version == ip.version)
    )


def _with_embedded(ip: _IPAddress) -> Iterator[_IPAddress]:
    """The addresses a connection to ``ip`` really reaches: an IPv4-mapped or NAT64 address
    is its IPv4 address; 6to4 and Teredo reach both."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            yield ip.ipv4_mapped
            return
        if ip in _NAT64:
            yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return
        if ip.sixtofour is not None:
            yield ip.sixtofour
        if ip.teredo is not None:
            yield from ip.teredo
    yield ip


def check_url(url: str) -> None:
    """Raise ``fetch.invalid_url`` unless ``url`` is an absolute http(s) URL."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        valid = False
    if not valid:
        raise FetchError(
            f"GET {url!r}: not an absolute http(s) URL", code="fetch.invalid_url", url=url
        )


async def check_host(url: str, host: str, port: int, resolver: Resolver) -> None:
    """Raise ``fetch.blocked_address`` unless every address of ``host`` is public."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        try:
            addresses = await resolver(host, port)
        except OSError as exc:
            raise FetchError(
                f"GET {url} failed: cannot resolve {host}: {exc}", code="fetch.connect", url=url
            ) from None
    blocked = [address for address in addresses if not is_public_address(address)]
    if blocked or not addresses:
        raise FetchError(
            f"GET {url} refused: {host} resolves to a non-public address "
            f"({', '.join(blocked) or 'none'}); set allow_private_networks to allow it",
            code="fetch.blocked_address",
            url=url,
        )


async def check_outbound(url: str, *, allow_private: bool) -> None:
    """The guard for a single outbound request to ``url`` (a hub, a callback, an image):
    an absolute http(s) URL whose host resolves to public addresses only, unless
    ``allow_private``. Raises ``FetchError`` (``fetch.invalid_url``, ``fetch.connect``,
    ``fetch.blocked_address``)."""
    check_url(url)
    if allow_private:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await check_host(url, parts.hostname or "", port, system_resolver)
