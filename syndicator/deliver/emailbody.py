"""The two parts of a release e-mail: plain text and HTML, in the message's languages.

The HTML part embeds ``message.html``, which extraction already sanitised (nh3 allow-list);
everything else we put around it is escaped here. The lead is usually the body's first
paragraph and the image usually in the body too: each is printed once. An update sent as a
notice opens with what changed (``message.changes``), then the release as it is now.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from urllib.parse import urljoin

from syndicator.deliver.render import ELLIPSIS, escape_html, headline
from syndicator.i18n import LANGUAGE_NAMES
from syndicator.model import Link, Message

__all__ = ["bilingual_html", "bilingual_text", "html_body", "text_body"]


def text_body(message: Message) -> str:
    labels = message.labels
    lines = []
    if changes := _changes(message):
        lines += [f"{_changed_line(message)}:", *(f"- {change}" for change in changes)]
        lines += ["", "-" * 72, ""]
    lines += [message.title, "=" * min(len(message.title), 72), ""]
    lines += [_date_line(message), ""]
    if message.lead and not _opens_with(message.text, message.lead):
        lines += [message.lead, ""]
    if message.text.strip():
        lines += [message.text.strip(), ""]
    lines.append(f"{labels.get('read_more', 'Read more')}: {message.url}")
    lines += [f"- {link.label}: {link.url}" for link in message.read_more]
    if message.alternates:
        lines += ["", f"{labels.get('other_languages', 'In other languages')}:"]
        lines += [f"- {link.label}: {link.url}" for link in message.alternates]
    if message.organisation:
        lines += ["", f"{labels.get('source', 'Source')}: {message.organisation}"]
    return "\n".join(lines) + "\n"


def html_body(message: Message) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape_html(message.lang)}"><head><meta charset="utf-8">',
        f"<title>{escape_html(message.title)}</title></head><body>",
        *_article_html(message),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def bilingual_text(messages: Sequence[Message]) -> str:
    """One release in several languages: each version under its language's name."""
    sections = []
    for message in messages:
        name = LANGUAGE_NAMES.get(message.lang, message.lang)
        sections.append(f"[{name}]\n\n{text_body(message)}")
    return "\n\n".join(sections)


def bilingual_html(messages: Sequence[Message]) -> str:
    title = " / ".join(message.title for message in messages)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape_html(messages[0].lang)}"><head><meta charset="utf-8">',
        f"<title>{escape_html(title)}</title></head><body>",
    ]
    for message in messages:
        name = LANGUAGE_NAMES.get(message.lang, message.lang)
        parts += [
            f'<section lang="{escape_html(message.lang)}"><h2>{escape_html(name)}</h2>',
            *_article_html(message),
            "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _article_html(message: Message) -> list[str]:
    labels = message.labels
    parts = [
        *_changes_html(message),
        f"<p><small>{escape_html(headline(message))} · {escape_html(_date_line(message))}"
        "</small></p>",
        f'<h1><a href="{escape_html(message.url)}">{escape_html(message.title)}</a></h1>',
    ]
    body = _Body.read(message.html)
    if message.image and urljoin(message.url, message.image.url) not in body.images(message.url):
        image = message.image
        parts.append(
            f'<p><img src="{escape_html(image.url)}" alt="{escape_html(image.alt)}"'
            ' style="max-width:100%;height:auto"></p>'
        )
    if message.lead and not _opens_with(body.text, message.lead):
        parts.append(f"<p><strong>{escape_html(message.lead)}</strong></p>")
    if message.html.strip():
        parts.append(message.html)
    read_more = escape_html(labels.get("read_more", "Read more"))
    parts.append(f'<p><a href="{escape_html(message.url)}">{read_more}</a></p>')
    parts += _link_list("", message.read_more)
    if message.alternates:
        parts += _link_list(labels.get("other_languages", ""), message.alternates)
    if message.organisation:
        source = f"{labels.get('source', 'Source')}: {message.organisation}"
        parts.append(f"<p><small>{escape_html(source)}</small></p>")
    return parts


def _opens_with(text: str, lead: str) -> bool:
    """Does ``text`` begin with ``lead`` (or the text a shortened lead was cut from)?"""
    words, start = " ".join(text.split()), " ".join(lead.removesuffix(ELLIPSIS).split())
    return bool(start) and words.startswith(start)


class _Body(HTMLParser):
    """The visible text of sanitised body HTML (blocks apart) and its image sources."""

    _BLOCKS = frozenset(
        {"p", "br", "div", "li", "ul", "ol", "blockquote", "figure", "figcaption", "table"}
        | {"tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.sources: list[str] = []

    @classmethod
    def read(cls, markup: str) -> _Body:
        body = cls()
        body.feed(markup)
        body.close()
        return body

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def images(self, base: str) -> set[str]:
        return {urljoin(base, source) for source in self.sources}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.pieces.append(" ")
        if tag == "img":
            self.sources += [value.strip() for name, value in attrs if name == "src" and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)


def _date_line(message: Message) -> str:
    labels = message.labels
    line = f"{labels.get('published', 'Published')} {labels.get('published_at', '')}".strip()
    if message.event == "updated":
        line += f", {labels.get('updated', 'Updated')} {labels.get('updated_at', '')}".rstrip()
    return line


def _changes(message: Message) -> tuple[str, ...]:
    """What changed, for an update sent as a notice (none for a new release)."""
    if message.event != "updated":
        return ()
    return tuple(text for change in message.changes if (text := " ".join(change.split())))


def _changed_line(message: Message) -> str:
    labels = message.labels
    return f"{labels.get('updated', 'Updated')} {labels.get('updated_at', '')}".rstrip()


def _changes_html(message: Message) -> list[str]:
    changes = _changes(message)
    if not changes:
        return []
    items = "".join(f"<li>{escape_html(change)}</li>" for change in changes)
    return [f"<p><strong>{escape_html(_changed_line(message))}:</strong></p><ul>{items}</ul><hr>"]


def _link_list(heading: str, links: tuple[Link, ...]) -> list[str]:
    if not links:
        return []
    items = "".join(
        f'<li><a href="{escape_html(link.url)}"'
        + (f' hreflang="{escape_html(link.lang)}"' if link.lang else "")
        + f">{escape_html(link.label or link.url)}</a></li>"
        for link in links
    )
    head = f"<p>{escape_html(heading)}:</p>" if heading else ""
    return [f"{head}<ul>{items}</ul>"]
