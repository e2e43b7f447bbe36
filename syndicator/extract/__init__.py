"""HTML page → :class:`~syndicator.model.Article`: profile selectors first, trafilatura second."""

from __future__ import annotations

from syndicator.extract.article import extract_article
from syndicator.extract.dates import parse_date

__all__ = ["extract_article", "parse_date"]
