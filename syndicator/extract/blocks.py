"""An element flattened into lines of text and links, as a reader sees them.

Read-more labels, contact blocks and plain text all care about what follows what across
paragraphs ("LUE LISÄÄ:" in one paragraph, the bare URL in the next), not about the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

__all__ = ["BLOCK_TAGS", "Line", "Segment", "flatten"]

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# inline boxes that widgets set side by side with no space between: separate words
_BOXES = frozenset({"span", "label", "button"})
_SKIPPED = (Comment, Declaration, Doctype, ProcessingInstruction)
_SPACES = re.compile(r"\s+")
_MAX_DEPTH = 400  # deeper nesting is not an article; stop rather than exhaust the stack


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text; ``href`` is set when it is the text of a link."""

    text: str
    href: str | None = None


@dataclass(slots=True)
class Line:
    """One visual line. ``block`` is the tag that opened it; ``after_br`` when only a
    ``<br>`` separates it from the line before (same paragraph)."""

    block: str
    after_br: bool = False
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _SPACES.sub(" ", "".join(s.text for s in self.segments)).strip()

    @property
    def links(self) -> list[Segment]:
        return [s for s in self.segments if s.href is not None]


class _Builder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self._current = Line("p")

    def add(self, segment: Segment) -> None:
        self._current.segments.append(segment)

    def newline(self, block: str, *, after_br: bool = False) -> None:
        if self._current.text or self._current.links:
            self.lines.append(self._current)
        self._current = Line(block, after_br=after_br)

    def finish(self) -> list[Line]:
        self.newline("p")
        return self.lines


def flatten(root: Tag) -> list[Line]:
    """The non-empty lines of ``root`` in reading order."""
    builder = _Builder()
    _walk(root, builder, "p", 0)
    return builder.finish()


def _walk(node: Tag, out: _Builder, block: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    previous: object = None
    for child in node.children:
        if isinstance(child, _SKIPPED):
            continue
        if isinstance(child, NavigableString):
            out.add(Segment(str(child)))
        elif isinstance(child, Tag):
            if child.name in _BOXES and isinstance(previous, Tag) and previous.name in _BOXES:
                out.add(Segment(" "))  # <span>3</span><span>Sulje</span> is not "3Sulje"
            _walk_tag(child, out, block, depth)
        previous = child


def _walk_tag(tag: Tag, out: _Builder, block: str, depth: int) -> None:
    name = tag.name.lower()
    if name == "br":
        out.newline(block, after_br=True)
    elif name == "a" and tag.get("href"):
        href = tag.get("href")
        out.add(Segment(tag.get_text(" "), href if isinstance(href, str) else None))
    elif name in BLOCK_TAGS:
        out.newline(name)
        _walk(tag, out, name, depth + 1)
        out.newline(block)
    else:
        _walk(tag, out, block, depth + 1)
