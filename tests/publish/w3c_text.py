"""Text-level rules of the W3C checks (``w3c.py``): characters, URLs, HTML in text, safe HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.entities import name2codepoint
from urllib.parse import urlsplit

import lxml.html

__all__ = ["Finding", "bad_characters", "html_findings", "is_full_url", "undeclared_html"]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # the W3C message name: DuplicateUpdated, ImplausibleDate, MissingSelf…
    where: str
    detail: str = ""


# BadCharacters: C1 and U+FFFD (the validator), C0 but tab/LF/CR (XML cannot carry them),
# and — stricter than the validator — bidi controls, which disguise what a title says.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u202a-\u202e\u2066-\u2069]")
_URI_CHARS = re.compile(r"^[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#\[\]]+$")
_END_TAG = re.compile(r"</(\w+)>")
_START_TAG = re.compile(r"<(\w+)[\s/>]")
_ENTITY = re.compile(r"&(#?\w+);")
# the validator's list of HTML tags (a subset that matters for text) and of unsafe ones
_HTML_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "big",
        "blockquote",
        "body",
        "br",
        "button",
        "code",
        "div",
        "em",
        "embed",
        "font",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "li",
        "link",
        "meta",
        "object",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "script",
        "small",
        "span",
        "strong",
        "style",
        "sub",
        "sup",
        "table",
        "td",
        "th",
        "tr",
        "u",
        "ul",
        "video",
        "audio",
        "source",
        "svg",
        "math",
    ]
)
_UNSAFE_TAGS = frozenset(
    [
        "applet",
        "base",
        "basefont",
        "embed",
        "frame",
        "frameset",
        "head",
        "html",
        "iframe",
        "link",
        "meta",
        "object",
        "param",
        "script",
        "style",
        "body",
    ]
)


def bad_characters(text: str) -> bool:
    return _BAD.search(text) is not None


def is_full_url(value: object) -> bool:
    """An absolute http(s) URL the validator accepts (``rfc2396_full``): ASCII URI characters."""
    if not isinstance(value, str) or not _URI_CHARS.match(value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def undeclared_html(text: str) -> bool:
    """Markup in a plain-text construct (``ContainsHTML`` / ``ContainsUndeclaredHTML``): an
    HTML tag or an entity reference that a reader would show literally."""
    tags = {tag.lower() for tag in (*_END_TAG.findall(text), *_START_TAG.findall(text))}
    if tags & _HTML_TAGS:
        return True
    for name in _ENTITY.findall(text):
        if name in name2codepoint or name == "apos" or name.startswith("#"):
            return True
    return False


def html_findings(markup: str, where: str) -> Iterator[Finding]:
    """``SecurityRisk``, ``SecurityRiskAttr``, ``DangerousStyleAttr`` and ``ContainsRelRef``
    in an HTML fragment (escaped HTML content, RSS description, JSON ``content_html``)."""
    if not markup.strip():
        return
    for element in lxml.html.fragment_fromstring(markup, create_parent="div").iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _UNSAFE_TAGS:
            yield Finding("SecurityRisk", where, tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                yield Finding("SecurityRiskAttr", where, name)
            elif name.lower() == "style" and re.search(r"expression|url\(|javascript", value):
                yield Finding("DangerousStyleAttr", where, value)
        for name in ("href", "src"):
            value = element.get(name)
            if value is not None and not re.match(r"\w+:", value.strip()):
                yield Finding("ContainsRelRef", where, value)
            elif value is not None and value.strip().lower().startswith(("javascript:", "data:")):
                yield Finding("SecurityRisk", where, value)
