"""Article ⇄ JSON for the versions table. Plain and explicit, so old rows stay readable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from syndicator.model import Article, Attachment, Contact, Image, Link

__all__ = ["article_from_json", "article_to_json"]


def article_to_json(article: Article) -> dict[str, Any]:
    return {
        "url": article.url,
        "title": article.title,
        "lang": article.lang,
        "published": _time(article.published),
        "updated": _time(article.updated),
        "lead": article.lead,
        "body_html": article.body_html,
        "text": article.text,
        "images": [{"url": i.url, "alt": i.alt} for i in article.images],
        "attachments": [
            {"url": a.url, "title": a.title, "mime_type": a.mime_type} for a in article.attachments
        ],
        "contacts": [
            {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email}
            for c in article.contacts
        ],
        "read_more": [_link(link) for link in article.read_more],
        "alternates": [_link(link) for link in article.alternates],
        "post_id": article.post_id,
        "date_from_first_seen": article.date_from_first_seen,
        "generic": article.generic,
        "categories": list(article.categories),
        "site_name": article.site_name,
        "organisation": article.organisation,
    }


def article_from_json(data: dict[str, Any]) -> Article:
    return Article(
        url=data["url"],
        title=data["title"],
        lang=data.get("lang"),
        published=_parse_time(data.get("published")),
        updated=_parse_time(data.get("updated")),
        lead=data.get("lead", ""),
        body_html=data.get("body_html", ""),
        text=data.get("text", ""),
        images=tuple(Image(**i) for i in data.get("images", [])),
        attachments=tuple(Attachment(**a) for a in data.get("attachments", [])),
        contacts=tuple(Contact(**c) for c in data.get("contacts", [])),
        read_more=tuple(Link(**link) for link in data.get("read_more", [])),
        alternates=tuple(Link(**link) for link in data.get("alternates", [])),
        post_id=data.get("post_id"),
        date_from_first_seen=bool(data.get("date_from_first_seen", False)),
        generic=bool(data.get("generic", False)),
        categories=tuple(str(name) for name in data.get("categories", [])),
        site_name=str(data.get("site_name", "")),
        organisation=str(data.get("organisation", "")),
    )


def _link(link: Link) -> dict[str, Any]:
    return {"url": link.url, "label": link.label, "lang": link.lang}


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
