"""``(html, url) -> str`` adapters for the development sets' scorer (``score.py --callable``).

``ours`` is the generic path: :func:`extract_article` with no site profile, as the poller
runs it for a partner site or a new municipality; a page it rejects scores as empty text.
The two libraries are called plainly, as a one-line user would.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from readability import Document  # type: ignore[import-untyped]

from syndicator.errors import ExtractError
from syndicator.extract import extract_article

__all__ = ["ours", "readability_lxml", "trafilatura_text"]

# readability's summary is HTML: these end a line when it becomes text
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "pre"})


def ours(html: str, url: str) -> str:
    try:
        return extract_article(html, url).text
    except ExtractError:
        return ""


def trafilatura_text(html: str, url: str) -> str:
    text = trafilatura.extract(html, url=url, output_format="txt", include_tables=True)
    return text or ""


def readability_lxml(html: str, url: str) -> str:
    summary = Document(html, url=url).summary(html_partial=True)
    root = lxml.html.fromstring(summary)
    parts: list[str] = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCKS:
            parts.append("\n")
        parts.append(element.text or "")
        parts.append(element.tail or "")
    return "\n".join(line.strip() for line in "".join(parts).splitlines() if line.strip())
