"""An element flattened into lines of text and links, as a reader sees them.

Read-more labels, contact blocks and plain text all care about what follows what across
paragraphs ("LUE LISÄÄ:" in one paragraph, the bare URL in the next), not about the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from syndicator.extract.tree import Element, text_of

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


def flatten(root: Element) -> list[Line]:
    """The non-empty lines of ``root`` in reading order."""
    builder = _Builder()
    _walk(root, builder, "p", 0)
    return builder.finish()


def _walk(node: Element, out: _Builder, block: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if node.text:
        out.add(Segment(node.text))
    box_before = False  # the node just before is an inline box, with no text between
    for child in node:
        if isinstance(child.tag, str):  # comments are not shown; their tails are
            if box_before and child.tag in _BOXES:
                out.add(Segment(" "))  # <span>3</span><span>Sulje</span> is not "3Sulje"
            _walk_tag(child, out, block, depth)
            box_before = child.tag in _BOXES
        if child.tail:
            out.add(Segment(child.tail))
            box_before = False


def _walk_tag(element: Element, out: _Builder, block: str, depth: int) -> None:
    name = str(element.tag).lower()
    if name == "br":
        out.newline(block, after_br=True)
    elif name == "a" and element.get("href"):
        out.add(Segment(text_of(element, " "), element.get("href")))
    elif name in BLOCK_TAGS:
        out.newline(name)
        _walk(element, out, name, depth + 1)
        out.newline(block)
    else:
        _walk(element, out, block, depth + 1)
