"""Helpers of ``bench/poll.py``: curl's conditional-GET floor and store copies."""

from __future__ import annotations

import resource
import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from syndicator.store.schema import items, releases

__all__ = ["copy_store", "curl_floor", "seed_items"]


def copy_store(db: Path, copy: Path) -> Path:
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


def curl_floor(urls: list[str]) -> tuple[float, float, int] | None:
    """(CPU ms per request, wall ms per request, 304s) for conditional GETs by one curl."""
    curl = shutil.which("curl")
    if curl is None:
        return None
    args = [curl, "-s"]
    for n, url in enumerate(urls):
        if n:
            args.append("--next")
        args += ["-o", "/dev/null", "-w", "%{http_code}\\n", "-H", f'If-None-Match: "s{n}-1"', url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False).stdout
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1000 / len(urls), wall * 1000 / len(urls), out.split().count("304")


def seed_items(db: Path, copy: Path, count: int, sources: int) -> None:
    """``copy`` = ``db`` plus ``count`` old items spread over the same sources."""
    copy_store(db, copy)
    engine = sa.create_engine(f"sqlite:///{copy}")
    old = datetime.now(UTC) - timedelta(days=700)
    with engine.begin() as connection:
        first = 10_000_000
        connection.execute(
            releases.insert(), [{"id": first + i, "created_at": old} for i in range(count)]
        )
        connection.execute(
            items.insert(),
            [
                {
                    "id": first + i,
                    "release_id": first + i,
                    "source": f"s{i % sources}",
                    "url": f"http://archive.invalid/{i}",
                    "post_id": None,
                    "lang": "fi",
                    "published": old,
                    "first_seen": old,
                    "updated_at": old,
                    "version": 1,
                    "content_hash": f"{i:064x}",
                    "alternate_urls": [],
                    "checked_at": old,
                }
                for i in range(count)
            ],
        )
    engine.dispose()
