"""Releases stored as the poller stores them (``decide`` + ``save_article``), for the page
tests: new items and edits alike, no outbox rows."""

from __future__ import annotations

from datetime import UTC, datetime

from syndicator.decide import decide
from syndicator.model import Article
from syndicator.store import Store

__all__ = ["save"]


def save(store: Store, article: Article) -> int:
    """Store ``article`` (a new item, or a new version of the one at its URL); its item id."""
    stored = store.find_item(article.url)
    store.save_article(f"vaasa-{article.lang}", article, decide(stored, article), stored,
                       destinations=[], now=datetime.now(UTC))  # fmt: skip
    found = store.find_item(article.url)
    assert found is not None
    return found.item_id
