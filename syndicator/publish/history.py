"""RFC 5005 feed history as each format writes it: ``current``, ``prev-archive`` and
``next-archive`` links and the ``fh:archive`` marker (which pages carry what is decided in
``publish.archive``).

Atom writes them as feed-level ``atom:link``s, RSS as ``atom:link``s in the channel (RFC 5005
appendix B), both with ``<fh:archive/>`` on a complete archive page. JSON Feed has no
history vocabulary: ``next_url`` (1.1: "the next n items", pagination) points to the
``prev-archive`` page, which is the next items going back in time; the rest is in the
feed-level ``_syndicator`` extension object::

    "_syndicator": {"current": <subscription document>, "archive": true,
                    "next_archive": <the newer page>}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syndicator.publish.xmlwrite import attributes

__all__ = ["HISTORY_NS", "History", "json_history", "xml_history"]

HISTORY_NS = "http://purl.org/syndication/history/1.0"


@dataclass(frozen=True, slots=True)
class History:
    """One document's place in the archived feed. ``archive``: a complete archive page (its
    entries no longer change by arrivals) — ``fh:archive``; the subscription document and
    the growing newest page carry none."""

    current: str  # the subscription document's URL
    prev_archive: str | None = None  # the next older page
    next_archive: str | None = None  # the next newer page (archive pages only)
    archive: bool = False
    is_page: bool = False  # an archive page (complete or not), not the subscription document

    def links(self) -> list[tuple[str, str]]:
        """(rel, href) in document order."""
        found = [("current", self.current)]
        if self.prev_archive is not None:
            found.append(("prev-archive", self.prev_archive))
        if self.next_archive is not None:
            found.append(("next-archive", self.next_archive))
        return found


def xml_history(history: History | None, link: str) -> list[str]:
    """The links and the marker for an Atom feed (``link``: ``"link"``, Atom being the
    default namespace) or an RSS channel (``"atom:link"``), as ``xmlwrite`` elements."""
    if history is None:
        return []
    lines = [f"<{link}{attributes({'rel': rel, 'href': href})}/>" for rel, href in history.links()]
    if history.archive:
        lines.append(f'<fh:archive xmlns:fh="{HISTORY_NS}"/>')
    return lines


def json_history(document: dict[str, Any], history: History | None) -> None:
    """Set ``next_url`` and, on an archive page, the ``_syndicator`` object."""
    if history is None:
        return
    if history.prev_archive is not None:
        document["next_url"] = history.prev_archive
    if history.is_page:
        extension: dict[str, Any] = {"current": history.current, "archive": history.archive}
        if history.next_archive is not None:
            extension["next_archive"] = history.next_archive
        document["_syndicator"] = extension
