"""Source kinds: one module each, with ``Config`` and
``async def candidates(source, fetcher) -> list[Candidate] | None``.

``candidates`` fetches listings, feeds and APIs with ``conditional=True``; it returns None
when every one of them answered 304 Not Modified, ``[]`` when they held nothing usable, and
raises ``FetchError`` when they could not be fetched. Adding a kind: one module, one line in
``KINDS``, one line in ``config.SourceConfig``.
"""

from __future__ import annotations

from typing import Any, Protocol

from syndicator.configbase import SourceBase
from syndicator.errors import ConfigError
from syndicator.http import Fetcher
from syndicator.model import Candidate
from syndicator.sources import feed, html_listing, wordpress

__all__ = ["KINDS", "SourceKind", "kind_of"]


class SourceKind(Protocol):
    async def candidates(self, source: Any, fetcher: Fetcher) -> list[Candidate] | None: ...


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
