"""The SSRF guard of ``http.py``: refuse hosts that resolve to non-public addresses.

Checked on the *resolved* IPs (a public name pointing at 10.0.0.1 is refused too) before
every hop of a request, including redirects. ``allow_private_networks`` (tests, the demo)
switches the guard off. The resolver is injectable so tests can map names to addresses.

Rough edge: the address is resolved again by the connection pool, so a DNS answer that
changes between check and connect (rebinding with a zero TTL) is not caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from syndicator.errors import FetchError

__all__ = ["Resolver", "check_host", "is_public_address", "system_resolver"]

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""``(host, port) → IP address strings``."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's ``getaddrinfo`` (non-blocking)."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return [str(info[4][0]) for info in infos]


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, reserved, multicast and unspecified IPs."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
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
