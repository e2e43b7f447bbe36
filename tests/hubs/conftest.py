"""Shared by the subscriber-side tests: a real store on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syndicator.store import Store, open_store
from tests.deliver.conftest import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()
