"""The demo site's content: releases with a text per language, from ``site/releases.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from importlib import resources
from typing import Any

from syndicator.locales import HELSINKI

__all__ = ["Release", "ReleaseText", "load_releases"]


@dataclass(slots=True)
class ReleaseText:
    """One language version of a release."""

    slug: str
    title: str
    lead: str
    paragraphs: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()  # one line each: "Name, title, phone, e-mail"
    image_alt: str = ""
    image_caption: str = ""
    read_more_label: str = ""


@dataclass(slots=True)
class Release:
    """One story; ``texts`` maps a language code to its version. Times are aware, UTC."""

    key: str
    post_id: int
    published: datetime
    modified: datetime
    texts: dict[str, ReleaseText] = field(default_factory=dict)
    image: str | None = None  # file stem under /wp-content/uploads/ (a tiny PNG)
    attachment: str | None = None  # PDF file name under /wp-content/uploads/
    read_more: str | None = None  # partner page, with its utm parameters


def load_releases(now: datetime, *, demo_news: bool = False) -> list[Release]:
    """The bundled releases, dated relative to ``now``; only the demo news when asked."""
    raw = tomllib.loads(
        resources.files("syndicator.demo").joinpath("site/releases.toml").read_text("utf-8")
    )
    return [
        _release(entry, now)
        for entry in raw["releases"]
        if bool(entry.get("demo_news")) is demo_news
    ]


def _release(entry: dict[str, Any], now: datetime) -> Release:
    published = _published(now, int(entry["days_ago"]), str(entry["time"]))
    texts: dict[str, ReleaseText] = {
        lang: _text(entry[lang]) for lang in ("fi", "sv", "en") if lang in entry
    }
    return Release(
        key=str(entry["key"]),
        post_id=int(entry["id"]),
        published=published,
        modified=published,
        texts=texts,
        image=entry.get("image"),
        attachment=entry.get("attachment"),
        read_more=entry.get("read_more"),
    )


def _published(now: datetime, days_ago: int, at: str) -> datetime:
    local = now.astimezone(HELSINKI)
    if at == "now":
        return now.astimezone(UTC).replace(microsecond=0)
    hour, minute = (int(part) for part in at.split(":"))
    day = (local - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, minute), HELSINKI).astimezone(UTC)


def _text(entry: dict[str, Any]) -> ReleaseText:
    return ReleaseText(
        slug=str(entry["slug"]),
        title=str(entry["title"]),
        lead=str(entry["lead"]),
        paragraphs=tuple(part.strip() for part in str(entry["body"]).split("\n\n") if part.strip()),
        contact=tuple(line.strip() for line in str(entry.get("contact", "")).splitlines() if line),
        image_alt=str(entry.get("image_alt", "")),
        image_caption=str(entry.get("image_caption", "")),
        read_more_label=str(entry.get("read_more_label", "")),
    )
