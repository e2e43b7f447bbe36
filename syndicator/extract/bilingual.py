"""A body in two languages (Finnish then Swedish, or alternating) → one Article per language.

Each top-level block of the sanitised body is labelled with its detected language; short or
undecided blocks follow the block before them. A language becomes its own item only when it
holds a real share of the text, so a Swedish name or quotation inside a Finnish release does
not split it. The declared language keeps the page URL; the others get ``#<lang>`` on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import lxml.html  # type: ignore[import-untyped]
from lxml.etree import ParserError  # type: ignore[import-untyped]

from syndicator.extract.detect import MIN_CONFIDENCE, detect_language
from syndicator.extract.sanitize import html_to_text
from syndicator.model import Article, Link

__all__ = ["split_languages"]

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
_LABEL = re.compile(
    r"^(på svenska|svenska|suomeksi|på finska|in english|på engelska|englanniksi)\s*[:–-]\s*",
    re.IGNORECASE,
)


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


def _blocks(body_html: str) -> list[tuple[str, str, bool]]:
    try:
        elements = lxml.html.fragments_fromstring(body_html)
    except (ParserError, ValueError):
        return []
    while len(elements) == 1 and not isinstance(elements[0], str) and len(elements[0]):
        elements = list(elements[0])  # one wrapper <div>: its children are the blocks
    blocks = []
    for element in elements:
        if isinstance(element, str):
            if element.strip():
                blocks.append((element, element.strip(), False))
            continue
        html = lxml.html.tostring(element, encoding="unicode")
        text = " ".join(element.text_content().split())
        if text:
            blocks.append((html, text, _is_heading(element)))
    return blocks


def _is_heading(element: lxml.html.HtmlElement) -> bool:
    if element.tag in _HEADINGS:
        return True
    children = list(element)
    own = (element.text or "").strip() + "".join((c.tail or "").strip() for c in children)
    return (
        element.tag == "p" and len(children) == 1 and children[0].tag in ("strong", "b") and not own
    )


def _label(
    raw: list[tuple[str, str, bool]], languages: Sequence[str], declared: str | None
) -> list[_Block]:
    labelled: list[_Block] = []
    previous = declared
    contacts = False  # names in a contact block are no evidence of the prose's language
    for html, text, heading in raw:
        if heading:
            contacts = bool(_CONTACTS.match(text))
        prose = "" if contacts else _NOT_PROSE.sub(" ", _LABEL.sub("", text))
        letters = sum(character.isalpha() for character in prose)
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
