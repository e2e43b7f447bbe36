"""Kind ``feed``: an existing RSS or Atom feed (feedparser); article pages are fetched for full text."""

from __future__ import annotations

from typing import Literal

from syndicator.configbase import SourceBase, Url

__all__ = ["Config"]


class Config(SourceBase):
    kind: Literal["feed"]
    url: Url
    fetch_article: bool = True  # fetch each entry's page for the full text
