"""Kind ``wordpress``: the WordPress REST API (``/wp-json/wp/v2/<type>?_embed``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from syndicator.configbase import SourceBase, Url

__all__ = ["Config"]


class Config(SourceBase):
    kind: Literal["wordpress"]
    url: Url  # the site root, e.g. https://www.vaasa.fi/
    post_type: str = Field(default="posts", pattern=r"^[a-z0-9_-]+$")
    lang: str | None = None  # sent as ?lang= where the site has a multilingual plugin
    per_page: int = Field(default=20, ge=1, le=100)
