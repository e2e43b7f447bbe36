"""The query plan of the statement a store read runs (SQLite ``EXPLAIN QUERY PLAN``,
PostgreSQL ``EXPLAIN`` after ``ANALYZE``), for the tests that an index is walked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from syndicator.model import Entry
from syndicator.store import Store

__all__ = ["plan_of"]


def plan_of(store: Store, read: Callable[[], list[Entry]], expected: int) -> str:
    """Run ``read`` (which must return ``expected`` entries), capturing its one statement
    that joins ``versions``; that statement's plan, one line per step."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: object, cursor: object, statement: str, parameters: Any, *rest: Any) -> None:
        if "versions" in statement:
            statements.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        assert len(read()) == expected
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = statements
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.connect() as connection:
        if not sqlite:
            connection.exec_driver_sql("ANALYZE")
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = connection.exec_driver_sql(explain + statement, parameters).all()
    return "\n".join(str(row[-1] if sqlite else row[0]) for row in rows)
