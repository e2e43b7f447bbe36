"""The page as an lxml tree: parsing, CSS selection, text and removal.

Every extraction step works on one ``lxml.html`` tree parsed once per page. lxml keeps the
tree in C: a walk over it costs a fraction of BeautifulSoup's Python objects, and trafilatura
(the generic fallback) reads the same kind of tree. Comments and processing instructions are
nodes too; :func:`elements` skips them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from typing import TypeAlias

import lxml.etree as etree
import lxml.html
from cssselect import GenericTranslator, SelectorError

__all__ = [
    "Element",
    "TooDeep",
    "attr",
    "children",
    "classes",
    "compile_selector",
    "drop",
    "elements",
    "find",
    "find_parent",
    "gone",
    "inner_html",
    "parse_fragment",
    "parse_page",
    "select_all",
    "select_one",
    "shown_text",
    "strings",
    "text_of",
]

# lxml.etree's own elements: lxml.html's HtmlElement costs a Python class lookup for every
# element touched (~8 % of an extraction), and we need none of its methods
Element: TypeAlias = etree._Element
_PARSERS = threading.local()  # an lxml parser is not to be shared between threads
_TOO_DEEP = "Excessive depth"  # libxml2 stops at 256 nested elements without XML_PARSE_HUGE
_TRANSLATOR = GenericTranslator()
_EMPTY = "<html><body></body></html>"
# BeautifulSoup keeps their strings apart from the text (Script, Stylesheet, RubyTextString…)
_HIDDEN = ("script", "style", "template", "rt", "rp")


class TooDeep(ValueError):
    """The page nests elements deeper than the parser follows; what lies deeper is lost."""


def parse_page(html: str, *, complete: bool = False) -> Element:
    """The ``<html>`` element of ``html``, whatever it holds (a fragment gets a body).

    Parsed from UTF-8 bytes with the encoding fixed: the text is already decoded, and an
    ``<?xml encoding=…?>`` or ``<meta charset>`` inside must not decode it a second time.
    ``complete``: raise :class:`TooDeep` rather than return a tree cut at the depth limit.
    """
    data = html.encode("utf-8", "surrogatepass").replace(b"\x00", b"")
    if not data.strip():
        data = _EMPTY.encode()
    parser = _parser()
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:  # nothing an HTML parser could build a document of
        root = etree.fromstring(_EMPTY.encode(), parser=parser)
    if complete and any(_TOO_DEEP in error.message for error in parser.error_log):
        raise TooDeep("elements nested deeper than 256 levels")
    return root


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(encoding="utf-8", remove_pis=True)
        _PARSERS.parser = parser
    return parser


def parse_fragment(html: str) -> Element:
    """The ``<body>`` of a fragment."""
    root = parse_page(html)
    body = root.find("body")
    return body if body is not None else root


def elements(root: Element) -> Iterator[Element]:
    """The elements under ``root`` in document order, ``root`` excluded; safe to drop the
    ones yielded (the walk was listed first)."""
    found = list(root.iter(etree.Element))
    return iter(found[1:])


def children(element: Element) -> list[Element]:
    """The child elements (no comments)."""
    return [child for child in element if isinstance(child.tag, str)]


def find(root: Element, name: str) -> Element | None:
    """The first descendant named ``name`` (not ``root`` itself)."""
    for found in root.iterdescendants(name):
        return found
    return None


def find_parent(element: Element, name: str) -> Element | None:
    for ancestor in element.iterancestors(name):
        return ancestor
    return None


def strings(element: Element) -> Iterator[str]:
    """The text nodes of ``element`` in order (its own tail not included).

    Like BeautifulSoup's ``.strings``, the code and ruby annotations inside it are not text:
    the strings of a ``<script>``, ``<style>``, ``<template>``, ``<rt>`` or ``<rp>`` below
    ``element`` are skipped (asked of one such element, its own strings are given).
    """
    if element.tag in _HIDDEN or next(element.iterdescendants(*_HIDDEN), None) is None:
        return element.itertext()  # type: ignore[return-value]  # str: we parse text, not bytes
    return _visible_strings(element)


def _visible_strings(element: Element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _HIDDEN:
            yield from _visible_strings(child)
        if child.tail:
            yield child.tail


def text_of(element: Element, separator: str = "", *, strip: bool = False) -> str:
    """BeautifulSoup's ``get_text(separator, strip=strip)``: the text nodes joined."""
    if strip:
        return separator.join(part for s in strings(element) if (part := s.strip()))
    return separator.join(strings(element))


def shown_text(element: Element) -> str:
    """``text_of(element, " ", strip=True)``, but "" inside a ``<template>``, ``<script>`` &
    co.: inert markup, whose links nobody sees."""
    if next(element.iterancestors(*_HIDDEN), None) is not None:
        return ""
    return text_of(element, " ", strip=True)


def attr(element: Element, name: str) -> str:
    """An attribute's value, "" when absent."""
    return str(element.get(name) or "")


def classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def drop(element: Element) -> None:
    """Remove ``element`` and what it holds; the text after it stays."""
    if element.getparent() is not None:
        _drop_tree(element)


def _drop_tree(element: Element) -> None:
    """lxml.html's ``drop_tree``: the element goes, the text after it joins what precedes."""
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def gone(element: Element) -> bool:
    """Removed already, itself or with an ancestor: its topmost ancestor is not ``<html>``."""
    top = element
    for top in element.iterancestors():  # noqa: B007 - the last one is the top
        pass
    return bool(top.tag != "html")


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath:
    """``selector`` (CSS) as a compiled XPath; ``SelectorError`` when it is not valid CSS.

    Nothing inside a ``<template>`` matches: its contents are not part of the document
    (soupsieve, BeautifulSoup's CSS, stops at one too).
    """
    try:
        return etree.XPath(f"({_TRANSLATOR.css_to_xpath(selector)})[not(ancestor::template)]")
    except etree.XPathError as exc:  # a translation cssselect accepts but lxml cannot run
        raise SelectorError(str(exc)) from exc


def select_all(root: Element, selector: str | None) -> list[Element]:
    """The matches of a CSS selector under ``root``; an invalid selector matches nothing."""
    if not selector:
        return []
    try:
        found = compile_selector(selector)(root)
    except (SelectorError, etree.XPathError, ValueError, NotImplementedError):
        return []
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, etree._Element) and e is not root]


def select_one(root: Element, selector: str | None) -> Element | None:
    found = select_all(root, selector)
    return found[0] if found else None


def inner_html(element: Element) -> str:
    """The markup inside ``element`` (BeautifulSoup's ``decode_contents``)."""
    head = escape(element.text, quote=False) if element.text else ""
    return head + "".join(
        lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in element
    )
