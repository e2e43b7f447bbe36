"""A body in two languages (Finnish then Swedish, or alternating) → one Article per language.

Each top-level block of the sanitised body is labelled with its declared language (a ``lang``
attribute on it, on the wrapper around it, or on what holds most of its text), else with its
detected language; short or undecided blocks follow the block before them. A language becomes
its own item only when it holds a real share of the text, so a Swedish name or quotation inside
a Finnish release does not split it. The declared language keeps the page URL; the others get
``#<lang>`` on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

import lxml.html
from lxml.etree import ParserError

from syndicator.extract.detect import MIN_CONFIDENCE, detect_language
from syndicator.extract.sanitize import html_to_text
from syndicator.locales import normalise_lang
from syndicator.model import Article, Link

__all__ = ["declared_language", "split_languages"]

_MIN_PART_CHARS = 150
_MIN_PART_SHARE = 0.2
_MIN_BLOCK_LETTERS = 25
# Addresses, e-mails and phone numbers say nothing about the language of the prose.
_NOT_PROSE = re.compile(r"https?://\S+|\S+@\S+|\+?\d[\d\s()-]{5,}\d")
_CONTACTS = re.compile(
    r"^(lisätietoja|lisätiedot|mer information|ytterligare information|further information"
    r"|more information|for more information)",
    re.IGNORECASE,
)
_SHARED = "*"  # a block that belongs to every language version
_CLOSING = {
    "fi": re.compile(r"\b(lue lisää|lisätietoja)\b", re.IGNORECASE),
    "sv": re.compile(r"\b(läs mer|mer information)\b", re.IGNORECASE),
    "en": re.compile(r"\b(read more|further information)\b", re.IGNORECASE),
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_DECLARED_SHARE = 0.5  # of a body's (or a block's) letters, for its lang attributes to count
_LABEL = re.compile(
    r"^(på svenska|svenska|suomeksi|på finska|in english|på engelska|englanniksi)\s*[:–-]\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Raw:
    html: str
    text: str
    heading: bool
    declared: str | None  # the block's lang attribute (or its wrapper's, or its content's)


@dataclass(frozen=True, slots=True)
class _Block:
    html: str
    text: str
    heading: bool
    lang: str | None
    evidence: int = 0  # letters of prose whose language was detected (not inherited)


def split_languages(article: Article, languages: Sequence[str]) -> list[Article]:
    """``[article]`` unless its body holds substantial runs in several ``languages``."""
    blocks = _label(_blocks(article.body_html), languages, article.lang)
    total = sum(block.evidence for block in blocks)
    sizes: dict[str, int] = {}
    for block in blocks:
        if block.lang and block.lang != _SHARED:
            sizes[block.lang] = sizes.get(block.lang, 0) + block.evidence
    parts = [
        lang for lang, size in sizes.items()
        if size >= _MIN_PART_CHARS and total and size / total >= _MIN_PART_SHARE
    ]  # fmt: skip
    if len(parts) < 2:
        return [article]
    first = next((b.lang for b in blocks if b.lang in parts), parts[0])
    primary = article.lang if article.lang in parts else first
    urls = {lang: article.url if lang == primary else f"{article.url}#{lang}" for lang in parts}
    return [
        _part(article, lang, [b for b in blocks if b.lang in (lang, _SHARED)], urls, primary)
        for lang in sorted(parts, key=lambda lang: lang != primary)
    ]


def declared_language(body_html: str) -> str | None:
    """The language the body's first block declares with ``lang``, when declared blocks hold
    at least half of the body's text: element attributes are the strongest evidence there is.
    None when the first block declares nothing: a page that marks only its second language
    keeps the language of its page markup for the first."""
    if "lang=" not in body_html:  # most bodies: no second parse
        return None
    blocks = _blocks(body_html)
    total = sum(_letters(block.text) for block in blocks)
    declared = sum(_letters(block.text) for block in blocks if block.declared)
    if not total or declared < total * _DECLARED_SHARE:
        return None
    return next(block.declared for block in blocks if _letters(block.text))


def _blocks(body_html: str) -> list[_Raw]:
    try:
        # a list of elements and strings (lxml-stubs says one element)
        elements = cast(list[Any], lxml.html.fragments_fromstring(body_html))
    except (ParserError, ValueError):
        return []
    inherited = None
    while len(elements) == 1 and not isinstance(elements[0], str) and len(elements[0]):
        inherited = _own_lang(elements[0]) or inherited
        elements = list(elements[0])  # one wrapper <div>: its children are the blocks
    blocks = []
    for element in elements:
        if isinstance(element, str):
            if element.strip():
                blocks.append(_Raw(element, element.strip(), False, inherited))
            continue
        html = lxml.html.tostring(element, encoding="unicode")
        text = " ".join(element.text_content().split())
        if text:
            declared = _own_lang(element) or inherited or _content_lang(element, text)
            blocks.append(_Raw(html, text, _is_heading(element), declared))
    return blocks


def _own_lang(element: lxml.html.HtmlElement) -> str | None:
    return normalise_lang(element.get("lang"))


def _content_lang(element: lxml.html.HtmlElement, text: str) -> str | None:
    """The one language declared inside ``element`` on most of its text (``<p><span
    lang="sv">…</span></p>``); a Finnish word marked inside a Swedish sentence is not it."""
    found: dict[str, int] = {}
    for inner in element.iterfind(".//*[@lang]"):
        if (code := _own_lang(inner)) is not None:
            found[code] = found.get(code, 0) + _letters(inner.text_content())
    if len(found) != 1:
        return None
    [(code, letters)] = found.items()
    return code if letters >= _letters(text) * _DECLARED_SHARE else None


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def _is_heading(element: lxml.html.HtmlElement) -> bool:
    if element.tag in _HEADINGS:
        return True
    children = list(element)
    own = (element.text or "").strip() + "".join((c.tail or "").strip() for c in children)
    return (
        element.tag == "p" and len(children) == 1 and children[0].tag in ("strong", "b") and not own
    )


def _label(raw: list[_Raw], languages: Sequence[str], declared: str | None) -> list[_Block]:
    labelled: list[_Block] = []
    previous = declared
    contacts = False  # names in a contact block are no evidence of the prose's language
    for block in raw:
        html, text, heading = block.html, block.text, block.heading
        if heading:
            contacts = bool(_CONTACTS.match(text))
        if block.declared in languages:  # marked up by the author: no guessing
            labelled.append(_Block(html, text, heading, block.declared, _letters(text)))
            previous = block.declared
            continue
        prose = "" if contacts else _NOT_PROSE.sub(" ", _LABEL.sub("", text))
        letters = _letters(prose)
        found = detect_language(prose, languages) if letters >= _MIN_BLOCK_LETTERS else None
        lang = found[0] if found and found[1] >= MIN_CONFIDENCE else None
        evidence = letters if lang else 0
        if lang is None and _LABEL.match(text):
            lang = _label_language(text)
        if lang is None:
            lang = _closing_language(text)  # "Läs mer: …" is Swedish; "Lue lisää / Läs mer" both
        if lang == _SHARED:
            labelled.append(_Block(html, text, heading, _SHARED, 0))
            continue
        lang = lang or previous
        labelled.append(_Block(html, text, heading, lang, evidence))
        previous = lang
    return labelled


def _closing_language(text: str) -> str | None:
    """The language of a read-more or contact label opening ``text``; ``_SHARED`` when the
    line carries the labels of several languages."""
    found = {lang for lang, label in _CLOSING.items() if label.search(text[:60])}
    if len(found) > 1:
        return _SHARED
    return found.pop() if found else None


def _label_language(text: str) -> str | None:
    lowered = text.lower()
    if "svenska" in lowered:
        return "sv"
    if "suomeksi" in lowered or "finska" in lowered:
        return "fi"
    return "en" if "english" in lowered or "engelska" in lowered else None


def _part(
    article: Article, lang: str, blocks: list[_Block], urls: dict[str, str], primary: str
) -> Article:
    title = article.title
    if lang != primary:
        heading = next((b for b in blocks[:2] if b.heading), None)
        if heading is not None:
            blocks = [b for b in blocks if b is not heading]
            title = _LABEL.sub("", heading.text)
        else:
            title = re.split(r"(?<=[.!?])\s", blocks[0].text, maxsplit=1)[0]
    body_html = "\n".join(block.html for block in blocks)
    text = html_to_text(body_html)
    others = tuple(Link(url, "", other) for other, url in urls.items() if other != lang)
    return replace(
        article,
        url=urls[lang],
        lang=lang,
        title=title,
        body_html=body_html,
        text=text,
        lead=article.lead
        if lang == primary
        else next((b.text for b in blocks if not b.heading), ""),
        read_more=tuple(link for link in article.read_more if link.url in body_html)
        or (article.read_more if lang == primary else ()),
        alternates=(*others, *(link for link in article.alternates if link.lang not in urls)),
    )
