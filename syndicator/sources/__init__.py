"""Source kinds: one module each, with ``Config`` and
``async def candidates(source, fetcher, parser) -> Listing``.

``candidates`` fetches listings, feeds and APIs with ``conditional=True`` and returns a
:class:`Listing`: ``candidates`` is None when every one of them answered 304 Not Modified,
``()`` when they held nothing usable; ``validators`` holds the ETag/Last-Modified of each
one it read, which the pipeline saves only once the releases were processed. It raises
``FetchError`` when they could not be fetched. CPU-heavy parsing (feedparser, the listing's
HTML, a big JSON answer) runs through ``parser`` (a worker process; ``parsing.Parser``), so
the event loop only awaits. Adding a kind: one module, one line in ``KINDS``.
"""

from __future__ import annotations

from typing import Any, Protocol

from syndicator.configbase import SourceBase
from syndicator.errors import ConfigError
from syndicator.http import Fetcher
from syndicator.parsing import Parser
from syndicator.sources import feed, html_listing, wordpress
from syndicator.sources.listing import Listing

__all__ = ["KINDS", "Listing", "SourceKind", "kind_of"]


class SourceKind(Protocol):
    async def candidates(self, source: Any, fetcher: Fetcher, parser: Parser) -> Listing: ...


KINDS: dict[str, SourceKind] = {
    "html": html_listing,
    "feed": feed,
    "wordpress": wordpress,
}


def kind_of(config: SourceBase) -> SourceKind:
    """The module that reads sources configured like ``config``."""
    kind = getattr(config, "kind", None)
    try:
        return KINDS[str(kind)]
    except KeyError:
        raise ConfigError(f"sources.{config.name}: unknown source kind {kind!r}") from None
