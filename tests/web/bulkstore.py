"""A store of many items written in bulk (executemany per table, not one transaction per
item as ``save_article`` does), for the query-plan tests and ``make bench-serve``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from syndicator.store.codec import article_to_json
from syndicator.store.schema import events, items, releases, versions
from tests.publish.samples import T0, make_entry

__all__ = ["LANGS", "fill_items"]

LANGS = ("fi", "sv", "en")
_CHUNK = 5_000


def fill_items(
    engine: sa.Engine, count: int, *, start: int = 1, langs: Sequence[str] = LANGS
) -> None:
    """``count`` items (ids from ``start``), ``langs`` in turn, one minute apart, newest
    with the highest id; each with version 1, its release and a ``created`` event."""
    for first in range(start, start + count, _CHUNK):
        numbers = range(first, min(first + _CHUNK, start + count))
        rows = [_rows(number, langs[number % len(langs)]) for number in numbers]
        with engine.begin() as connection:
            for table, position in ((releases, 0), (items, 1), (versions, 2), (events, 3)):
                connection.execute(table.insert(), [row[position] for row in rows])


def _rows(number: int, lang: str) -> tuple[dict[str, Any], ...]:
    moment = T0 + timedelta(minutes=number)
    url = f"https://www.vaasa.fi/{lang}/uutiset/tiedote-{number}/"
    base = make_entry(lang).article
    article = replace(base, url=url, title=f"{base.title} {number}", published=moment)
    item = {
        "id": number, "release_id": number, "source": f"vaasa-{lang}", "url": url,
        "lang": lang, "published": moment, "first_seen": moment, "updated_at": moment,
        "checked_at": moment, "version": 1, "content_hash": f"{number:064x}",
        "alternate_urls": [],
    }  # fmt: skip
    version = {
        "id": number, "item_id": number, "number": 1, "content_hash": item["content_hash"],
        "article": article_to_json(article), "stored_at": moment,
    }  # fmt: skip
    event = {"id": number, "item_id": number, "version_id": number, "kind": "created"}
    return {"id": number, "created_at": moment}, item, version, {**event, "created_at": moment}
