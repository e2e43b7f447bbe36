"""Generic extraction with trafilatura, for pages whose markup we have no selector for.

It is given the page *after* our boilerplate removal, so a cookie banner trafilatura does
not recognise is already gone; its output goes through the same post-processing.
"""

from __future__ import annotations

import logging

import trafilatura
from bs4 import Tag

from syndicator.extract.page import parse_fragment

__all__ = ["generic_body"]

_log = logging.getLogger(__name__)


def generic_body(cleaned_html: str, url: str) -> Tag | None:
    """The main text of ``cleaned_html`` as a ``<body>`` element, or None."""
    try:
        result = trafilatura.extract(
            cleaned_html,
            url=url,
            output_format="html",
            include_links=True,
            include_images=True,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
    except (ValueError, TypeError, AttributeError, LookupError) as exc:
        # trafilatura trips over some malformed trees; treat them as "nothing found"
        _log.debug("trafilatura failed on %s: %s", url, exc)
        return None
    if not isinstance(result, str) or not result.strip():
        return None
    body = parse_fragment(result)
    return body if body.get_text(strip=True) else None
