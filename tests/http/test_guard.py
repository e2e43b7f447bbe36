"""Address guard (SSRF) and redirects: injected resolver and httpx.MockTransport, since every
real server in the tests lives on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from syndicator.errors import FetchError
from syndicator.http import Fetcher
from syndicator.netguard import is_public_address
from tests.http.scripted import ScriptServer, settings

_ADDRESSES = {
    "www.vaasa.fi": ["93.184.216.34"],
    "intranet.example": ["10.1.2.3"],
    "mixed.example": ["93.184.216.34", "192.168.1.1"],
    "metadata.example": ["169.254.169.254"],
    "cgnat.example": ["100.100.100.200"],  # a cloud metadata service in shared address space
    "bench.example": ["198.18.0.1"],
    "mapped.example": ["::ffff:100.64.0.1"],
    "nat64.example": ["64:ff9b::a9fe:a9fe"],  # 169.254.169.254 through a NAT64 gateway
}


async def _resolver(host: str, port: int) -> list[str]:
    return _ADDRESSES[host]


class _Stream(httpx.AsyncByteStream):
    """A body httpx has not read yet, like a real server's (the fetcher reads it raw)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


def _transport(seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/to-intranet":
            return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})
        if request.url.path.startswith("/loop"):
            number = int(request.url.params.get("n", "0"))
            return httpx.Response(302, headers={"Location": f"/loop?n={number + 1}"})
        return httpx.Response(200, stream=_Stream(b"public"))

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2a00:1450:4010:c05::8a", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::", False),
        ("100.64.0.1", False),  # shared address space (RFC 6598)
        ("100.127.255.254", False),
        ("192.0.0.8", False),  # IETF protocol assignments
        ("192.0.0.170", False),
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("198.19.255.254", False),
        ("203.0.113.5", False),
        ("255.255.255.255", False),
        ("::ffff:100.64.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d822", True),  # NAT64 of 93.184.216.34
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2001:db8::1", False),
        ("ff0e::1", False),  # global-scope multicast
        ("fec0::1", False),  # site-local
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_loopback_is_refused_before_any_connection(server: ScriptServer) -> None:
    async with Fetcher(settings(allow_private_networks=False)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "x")
    assert caught.value.code == "fetch.blocked_address"
    assert "127.0.0.1" in caught.value.message
    assert server.seen == []


async def test_loopback_is_refused_even_with_robots_enabled(server: ScriptServer) -> None:
    strict = settings(allow_private_networks=False, respect_robots=True)
    async with Fetcher(strict) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(server.url + "x")
    assert caught.value.code == "fetch.blocked_address"
    assert server.seen == []


@pytest.mark.parametrize(
    "host",
    [
        "intranet.example",
        "mixed.example",
        "metadata.example",
        "cgnat.example",
        "bench.example",
        "mapped.example",
        "nat64.example",
    ],
)
async def test_names_resolving_to_private_addresses_are_refused(host: str) -> None:
    seen: list[str] = []
    strict = settings(allow_private_networks=False)
    async with Fetcher(strict, transport=_transport(seen), resolver=_resolver) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://{host}/")
    assert caught.value.code == "fetch.blocked_address"
    assert caught.value.message.startswith(f"GET http://{host}/ refused: {host} resolves to ")
    assert _ADDRESSES[host][-1] in caught.value.message
    assert seen == []


async def test_redirect_to_a_private_host_is_refused() -> None:
    seen: list[str] = []
    strict = settings(allow_private_networks=False)
    async with Fetcher(strict, transport=_transport(seen), resolver=_resolver) as fetcher:
        page = await fetcher.get("https://www.vaasa.fi/")
        assert page is not None and page.text == "public"
        with pytest.raises(FetchError) as caught:
            await fetcher.get("https://www.vaasa.fi/to-intranet")
    assert caught.value.code == "fetch.blocked_address"
    assert seen == ["https://www.vaasa.fi/", "https://www.vaasa.fi/to-intranet"]


async def test_too_many_redirects() -> None:
    seen: list[str] = []
    async with Fetcher(settings(), transport=_transport(seen)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("https://www.vaasa.fi/loop")
    assert caught.value.code == "fetch.too_many_redirects"
    assert len(seen) == 6  # the request and five redirects


def test_exported_names() -> None:
    import syndicator.http

    assert syndicator.http.__all__ == [
        "MAX_REDIRECTS",
        "Fetcher",
        "Page",
        "ValidatorLookup",
        "Validators",
    ]
