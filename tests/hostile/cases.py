"""The hostile sources of issue 6, one per loopback address, and what each must cause.

``must_fail`` cases have to be reported (a warning naming the source with a
``fetch.*``/``parse.*``/``extract.*``/``source.*`` code); the others (odd bytes, wrong
charsets, a huge but valid feed) may be ingested instead, as long as the feeds stay
well-formed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from syndicator.demo.languages import demo_source
from tests.hostile.servers import (
    Route,
    gzip_once,
    listing,
    nested_divs,
    redirect,
    rss_feed,
    static,
    trickle,
)

__all__ = ["INTERVAL_S", "Case", "hostile_cases"]

INTERVAL_S = 4.0  # above the 2 s request and parse budgets, so those fire first


@dataclass(frozen=True)
class Case:
    name: str
    must_fail: bool
    routes: Callable[[str], dict[str, Route]]  # base URL → path → route
    kind: str = "html"

    def source(self, base: str) -> str:
        if self.kind == "feed":
            return (
                f'[[sources]]\nname = "{self.name}"\nkind = "feed"\nurl = "{base}"\n'
                f'interval = "{INTERVAL_S}s"\njitter = "0s"\nfetch_article = false\n'
            )
        return demo_source(self.name, base, "fi", interval=f"{INTERVAL_S}s", catch_up=True)


def _article(title: bytes, body: bytes) -> bytes:
    return (
        b"<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>T</title></head>"
        b"<body><h1 class='entry-title'>"
        + title
        + b"</h1><div class='entry-content'><p>"
        + body
        + b"</p><p>Kaupunki tiedottaa asukkaille uudesta palvelusta.</p></div>"
        b"</body></html>"
    )


def _sjis_garbage() -> bytes:
    noise = random.Random(6)
    junk = bytes(noise.randrange(0x80, 0x100) for _ in range(4000))
    return (
        b"<!doctype html><html lang='ja'><head><meta charset='shift_jis'><title>x</title>"
        b"</head><body><h1 class='entry-title'>" + junk[:80] + b"</h1>"
        b"<div class='entry-content'><p>" + junk + b"</p></div></body></html>"
    )


def hostile_cases(bomb: bytes) -> list[Case]:
    """``bomb``: gzip of ≥ 1 GiB of zeros (about 1 MB); stacked once more it is ~2 KB."""
    stacked, html = gzip_once(bomb), "text/html; charset=utf-8"
    return [
        Case(
            "gzip-stacked",
            True,
            lambda _b: {"/": static(stacked, html, Content_Encoding="gzip, gzip")},
        ),
        Case("gzip-plain", True, lambda _b: {"/": static(bomb, html, Content_Encoding="gzip")}),
        Case("trickle", True, lambda _b: {"/": trickle(1.0)}),
        Case(
            "nested-divs",
            True,
            lambda _b: {"/": static(listing("/syva/")), "/syva/": static(nested_divs(100_000))},
        ),
        Case(
            "rss-65k",
            False,
            lambda b: {"/": static(rss_feed(65_000, b), "application/rss+xml; charset=utf-8")},
            kind="feed",
        ),
        Case("redirect-loop", True, lambda _b: {"/": redirect("/a/"), "/a/": redirect("/")}),
        Case(
            "control-bytes",
            False,
            lambda _b: {
                "/": static(listing("/nul/", title="Tiedote\x00\x01\x08\x1b ohjausmerkein")),
                "/nul/": static(_article(b"Ohjaus\x00merkit\x07 \x0c", b"Teksti\x00\x01\x02\x1f.")),
            },
        ),
        Case(
            "latin1-as-utf8",
            False,
            lambda _b: {
                "/": static(listing("/latin/")),
                "/latin/": static(
                    _article("Päätös äänestä".encode("latin-1"), "Kääntäjä öljyä".encode("latin-1"))
                ),
            },
        ),
        Case(
            "sjis-garbage",
            False,
            lambda _b: {
                "/": static(listing("/sjis/")),
                "/sjis/": static(_sjis_garbage(), "text/html; charset=shift_jis"),
            },
        ),
    ]
