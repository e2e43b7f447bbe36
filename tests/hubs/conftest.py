"""Shared by the subscriber-side tests: a real store on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.websub.conftest import database_url, postgres_url, store

__all__ = ["database_url", "postgres_url", "store"]
