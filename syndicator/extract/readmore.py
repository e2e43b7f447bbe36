"""Read-more links ("Lue lisää", "Läs mer", "Read more") of a release body.

Either the label is the link ("<a>Lue lisää</a>"), or it is text followed by links or bare
URLs in the same paragraph or, when the label stands alone, in the next one — reposts
write "LUE LISÄÄ:" and paste the address on the following line. Only the cleaned body is
read, so banners, navigation and related-news lists never contribute.
"""

from __future__ import annotations

import re

from syndicator.extract.blocks import Line, Segment
from syndicator.model import Link
from syndicator.urls import absolute_url, canonical_url

__all__ = ["LABEL", "read_more_links"]

LABEL = re.compile(r"(?<![^\W_])(?:lue\s+lisää|läs\s+mer|read\s+more)(?![^\W_])\s*:?", re.I)
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"’”»"
_MAX_WORDS_BEFORE_LINK = 12  # "Lue lisää tapahtumasta …" + a link: same sentence; longer is prose
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def read_more_links(lines: list[Line], base_url: str, own_url: str = "") -> tuple[Link, ...]:
    """Absolute, de-tracked, de-duplicated read-more links in reading order."""
    found: list[Link] = []
    for index, line in enumerate(lines):
        found.extend(_from_line(lines, index, line))
    return _unique(found, base_url, own_url)


def _from_line(lines: list[Line], index: int, line: Line) -> list[Link]:
    links: list[Link] = []
    for position, segment in enumerate(line.segments):
        if segment.href is not None:
            if LABEL.match(segment.text.strip()):
                links.append(Link(segment.href, _label(segment)))
            continue
        label = LABEL.search(segment.text)
        if label is None:
            continue
        after = [Segment(segment.text[label.end() :]), *line.segments[position + 1 :]]
        links.extend(_following(after))
        if links or _wordy(after):
            return links
        return _next_line(lines, index)
    return links


def _following(segments: list[Segment]) -> list[Link]:
    """Links and bare URLs in the rest of the label's line, up to a second label."""
    links: list[Link] = []
    words = 0
    for segment in segments:
        if segment.href is not None:
            if words <= _MAX_WORDS_BEFORE_LINK:
                links.append(Link(segment.href, _label(segment)))
            continue
        if links and LABEL.search(segment.text):
            break  # a second label in the same paragraph is handled on its own
        links.extend(Link(url) for url in _bare_urls(segment.text))
        words += len(_BARE_URL.sub(" ", segment.text).split())
    return links


def _next_line(lines: list[Line], index: int) -> list[Link]:
    """A label left alone on its line points at the next line (or list) of links."""
    links: list[Link] = []
    for line in lines[index + 1 : index + 8]:
        if line.block in _HEADINGS or LABEL.search(line.text):
            break
        line_links = _following(line.segments)
        if not line_links:
            break
        links.extend(line_links)
        if line.block != "li":
            break  # one paragraph; a list may hold several links, one per item
    return links


def _wordy(segments: list[Segment]) -> bool:
    text = " ".join(segment.text for segment in segments)
    return len(text.split()) > _MAX_WORDS_BEFORE_LINK


def _bare_urls(text: str) -> list[str]:
    urls = []
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if url.lower().startswith("www."):
            url = f"https://{url}"
        urls.append(url)
    return urls


def _label(segment: Segment) -> str:
    return " ".join(segment.text.split())


def _unique(links: list[Link], base_url: str, own_url: str) -> tuple[Link, ...]:
    seen: set[str] = {canonical_url(own_url)} if own_url else set()
    result: list[Link] = []
    for link in links:
        absolute = absolute_url(link.url, base_url)
        if absolute is None:
            continue
        url = canonical_url(absolute)
        if url in seen:
            continue
        seen.add(url)
        label = link.label if link.label and not _BARE_URL.fullmatch(link.label) else ""
        result.append(Link(url, label))
    return tuple(result)
