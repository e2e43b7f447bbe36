"""The last step for any markup we keep: an nh3 allow-list, absolute de-tracked links.

Whatever extraction missed (a script in the body, an ``onclick``, a ``javascript:`` link)
cannot survive this; feeds and destinations only ever see its output.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import nh3

from syndicator.extract.blocks import Line, flatten
from syndicator.extract.tree import parse_fragment
from syndicator.urls import absolute_url, canonical_url

__all__ = ["html_to_text", "lines_to_text", "sanitize_html"]

_TAGS = frozenset(
    {
        "a", "abbr", "article", "b", "blockquote", "br", "caption", "cite", "code", "dd",
        "del", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "li", "mark", "ol", "p", "pre", "q", "s", "section",
        "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
_DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
        "button", "select", "textarea", "title", "head",
    }
)  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "abbr": {"title"},
    "ol": {"start"},
    "*": {"lang"},
}
_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitize_html(html: str, base_url: str) -> str:
    """``html`` reduced to safe, presentational markup with absolute http(s) links."""

    def _filter(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return _safe_link(value, base_url, keep_mail=tag == "a")
        return value

    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()


def _safe_link(value: str, base_url: str, *, keep_mail: bool) -> str | None:
    value = value.strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme in ("mailto", "tel"):
        return value if keep_mail else None
    absolute = absolute_url(value, base_url)
    if absolute is None:
        return None
    fragment = urlsplit(absolute).fragment
    cleaned = canonical_url(absolute)
    if fragment:  # a link into a section of another page keeps its target
        parts = urlsplit(cleaned)
        cleaned = urlunsplit((*parts[:4], fragment))
    return cleaned


def html_to_text(html: str) -> str:
    """Plain text: paragraphs separated by blank lines, ``<br>`` as a single newline."""
    if not html or not html.strip():
        return ""
    return lines_to_text(flatten(parse_fragment(html)))


def lines_to_text(lines: list[Line]) -> str:
    """:func:`html_to_text` of lines already flattened (the body's, without a second parse)."""
    pieces: list[str] = []
    for line in lines:
        text = line.text
        if not text:
            continue
        if pieces:
            pieces.append("\n" if line.after_br else "\n\n")
        pieces.append(text)
    return _BLANK_LINES.sub("\n\n", "".join(pieces)).strip()
