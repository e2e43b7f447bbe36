"""Several processes (or replicas) on one database at once: migrations and new items.

Observation 6: replicas starting together on an empty PostgreSQL crashed while migrating.
Observation 12: two pollers saving the same new item raised ``UNIQUE constraint failed``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from syndicator.decide import decide
from syndicator.errors import StoreError
from syndicator.store import Store, open_store
from syndicator.store.database import _on_error
from syndicator.store.schema import deliveries, events, items, versions
from tests.postgres import create_database
from tests.store.test_store import FI, NOW

# Each process imports the store, says it is ready, waits for "go", then opens the store.
_OPENER = """
import sys, time
from pathlib import Path
from syndicator.store import open_store
url, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
ready.touch()
while not go.exists():
    time.sleep(0.005)
open_store(url).close()
"""


def _start_at_once(url: str, count: int, folder: Path) -> list[subprocess.CompletedProcess[str]]:
    folder.mkdir()
    go = folder / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, url, str(folder / f"ready-{n}"), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(count)
    ]
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()
    started = time.monotonic()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=90)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    print(f"{count} processes opened the store in {time.monotonic() - started:.1f} s after go")
    return results


def _why(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines() or [f"exit {result.returncode}"]
    return next((line for line in reversed(lines) if "Error" in line), lines[-1])


def test_twelve_processes_migrate_an_empty_postgresql(postgres_url: str, tmp_path: Path) -> None:
    for round_ in range(2):
        url = create_database(postgres_url)
        results = _start_at_once(url, 12, tmp_path / f"round-{round_}")
        failed = [_why(r) for r in results if r.returncode != 0]
        assert not failed, f"round {round_}: {len(failed)} of 12 failed: {failed[:3]}"
        _schema_is_whole(url)


def test_processes_migrate_an_empty_sqlite_file(tmp_path: Path) -> None:
    for round_ in range(2):
        url = f"sqlite:///{tmp_path / f'store-{round_}.sqlite3'}"
        results = _start_at_once(url, 4, tmp_path / f"round-{round_}")
        failed = [_why(r) for r in results if r.returncode != 0]
        assert not failed, f"round {round_}: {len(failed)} of 4 failed: {failed[:3]}"
        _schema_is_whole(url)


def _schema_is_whole(url: str) -> None:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            heads = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        assert len(heads) == 1
        store.check()
        assert store.latest_entries(None, 1) == []
    finally:
        store.close()


def _counts(store: Store) -> tuple[int, ...]:
    with store.engine.connect() as connection:
        return tuple(
            int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)
            for table in (items, versions, events, deliveries)
        )


def test_a_stale_save_of_the_same_item_writes_nothing(database_url: str) -> None:
    """Another process stored the item after we looked: same content → nothing to do."""
    first, second = open_store(database_url), open_store(database_url)
    try:
        assert second.find_item(FI.url) is None  # the second poller looks first ...
        decision = decide(None, FI)
        first.save_article("vaasa", FI, decision, None, destinations=[("hook", 0)], now=NOW)
        # ... and saves after the first one did: no exception, no duplicate, no event.
        assert (
            second.save_article("vaasa", FI, decision, None, destinations=[("hook", 0)], now=NOW)
            is None
        )
        assert _counts(first) == (1, 1, 1, 1)
    finally:
        first.close()
        second.close()


def test_a_stale_save_of_other_content_is_a_conflict(database_url: str) -> None:
    first, second = open_store(database_url), open_store(database_url)
    try:
        first.save_article("vaasa", FI, decide(None, FI), None, destinations=[], now=NOW)
        edited = replace(FI, text="Toinen teksti.")
        with pytest.raises(StoreError) as caught:
            second.save_article(
                "vaasa", edited, decide(None, edited), None, destinations=[], now=NOW
            )
        assert caught.value.code == "store.conflict"
        assert FI.url in caught.value.message
        assert _counts(first) == (1, 1, 1, 0)
    finally:
        first.close()
        second.close()


def test_two_stores_racing_to_save_new_items(database_url: str) -> None:
    """Two real Store instances, one thread each, save the same five new items at once."""
    stores = [open_store(database_url), open_store(database_url)]
    articles = [replace(FI, url=f"{FI.url}{n}/", post_id=str(n)) for n in range(5)]
    barrier = threading.Barrier(2)
    outcomes: list[list[object]] = [[], []]

    def poller(index: int) -> None:
        store = stores[index]
        for article in articles:
            stored = store.find_item(article.url)
            barrier.wait(timeout=30)  # both have looked, neither has written
            try:
                outcomes[index].append(
                    store.save_article(
                        "vaasa",
                        article,
                        decide(stored, article),
                        stored,
                        destinations=[("hook", 0)],
                        now=NOW,
                    )
                )
            except Exception as exc:  # recorded, so the test shows what leaked
                outcomes[index].append(exc)

    threads = [threading.Thread(target=poller, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        leaked = [o for o in outcomes[0] + outcomes[1] if isinstance(o, Exception)]
        assert not leaked
        for first, second in zip(*outcomes, strict=True):
            assert (first is None) != (second is None)  # exactly one wrote each item
        assert _counts(stores[0]) == (5, 5, 5, 5)
    finally:
        for store in stores:
            store.close()


def test_a_racing_unique_violation_raised_by_sqlalchemy_itself_is_still_a_lost_race(
    database_url: str,
) -> None:
    """CI once saw the loser's UNIQUE violation leak as SQLAlchemy's IntegrityError, not as
    the StoreError ``map_errors`` makes of driver errors: both mean "the other one wrote it"."""
    winner, loser = open_store(database_url), open_store(database_url)
    try:
        assert winner.save_article("vaasa", FI, decide(None, FI), None, destinations=[],
                                   now=NOW) is not None  # fmt: skip
        sa.event.remove(loser.engine, "handle_error", _on_error)  # the raw path
        assert loser.save_article("vaasa", FI, decide(None, FI), None, destinations=[],
                                  now=NOW) is None  # fmt: skip
        changed = replace(FI, title="Toinen otsikko")
        with pytest.raises(StoreError) as caught:  # other content: look again next poll
            loser.save_article("vaasa", changed, decide(None, changed), None, destinations=[],
                               now=NOW)  # fmt: skip
        assert caught.value.code == "store.conflict"
    finally:
        winner.close()
        loser.close()
