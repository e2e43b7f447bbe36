"""Address guard (SSRF) and redirects: injected resolver and httpx.MockTransport, since every
real server in the tests lives on loopback."""

from __future__ import annotations

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
}


async def _resolver(host: str, port: int) -> list[str]:
    return _ADDRESSES[host]


def _transport(seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/to-intranet":
            return httpx.Response(302, headers={"Location": "http://intranet.example/admin"})
        if request.url.path.startswith("/loop"):
            number = int(request.url.params.get("n", "0"))
            return httpx.Response(302, headers={"Location": f"/loop?n={number + 1}"})
        return httpx.Response(200, text="public")

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


@pytest.mark.parametrize("host", ["intranet.example", "mixed.example", "metadata.example"])
async def test_names_resolving_to_private_addresses_are_refused(host: str) -> None:
    seen: list[str] = []
    strict = settings(allow_private_networks=False)
    async with Fetcher(strict, transport=_transport(seen), resolver=_resolver) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://{host}/")
    assert caught.value.code == "fetch.blocked_address"
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
