"""Archive pages' reads (``publish.archive``): items in id order, in blocks of a page's size.

A language's pages walk ``ix_items_lang_id`` (migration 0012), a source's
``ix_items_source_id``, the combined feed's the primary key: all already in id order, so
nothing is sorted, and the walk stops after the page. Withdrawn items are counted (a page's
membership must not shift when one is withdrawn) and left out only after the page's ids are
chosen.
"""

from __future__ import annotations

import sqlalchemy as sa

from syndicator.model import Entry
from syndicator.store.releases import stored_entry
from syndicator.store.schema import items, versions

__all__ = ["ArchiveRows"]


class ArchiveRows:
    engine: sa.Engine

    def archive_count(self, lang: str | None, source: str | None = None) -> int:
        """Every item of ``lang`` (``None``: of all languages) or, given, of ``source``,
        withdrawn ones included."""
        query = sa.select(sa.func.count()).select_from(items).where(*_scope(lang, source))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def archive_entries(
        self, lang: str | None, page: int, size: int, source: str | None = None
    ) -> list[Entry]:
        """Page ``page`` (from 1): the ``page``-th block of ``size`` items of ``lang`` (or of
        ``source``) by id, without the withdrawn ones, newest first (publication time, then
        id) as the feeds."""
        if page < 1 or size < 1:
            raise ValueError(f"no archive page {page} of size {size}")
        members = (
            sa.select(items)
            .where(*_scope(lang, source))
            .order_by(items.c.id)
            .limit(size)
            .offset((page - 1) * size)
        )
        chosen = members.subquery("page")
        query = (
            sa.select(chosen, versions.c.article, versions.c.stored_at)
            .join(
                versions,
                sa.and_(versions.c.item_id == chosen.c.id, versions.c.number == chosen.c.version),
            )
            .where(chosen.c.withdrawn_at.is_(None))
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).all()
        rows = sorted(found, key=lambda row: (row.published, row.id), reverse=True)
        return [stored_entry(row, row.version, row.stored_at) for row in rows]


def _scope(lang: str | None, source: str | None) -> list[sa.ColumnElement[bool]]:
    """A source's items (every language), else a language's, else all."""
    if source is not None:
        return [items.c.source == source]
    return [] if lang is None else [items.c.lang == lang]
