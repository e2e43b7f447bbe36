"""Kind ``matrix`` end to end: the real outbox and a real SQLite store against the local
homeserver stand-in; a retry after a lost answer leaves one event in the room."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.config import load_config
from syndicator.deliver import matrix
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.store import Store, open_store
from tests.deliver.conftest import seed
from tests.deliver.matrix_sink import ROOM, TOKEN, MatrixSink, config_for, matrix_error


@pytest.fixture
def sink() -> Iterator[MatrixSink]:
    with MatrixSink(ROOM, TOKEN) as opened:
        yield opened


@pytest.fixture
async def quick_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.3)) as opened:
        yield opened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


async def test_a_created_release_through_the_outbox(
    store: Store, sink: MatrixSink, client: httpx.AsyncClient
) -> None:
    config = config_for(sink.url)
    [url] = seed(store, 1, [config.name])
    result = await drain_all(store, [config], client)

    assert result.delivered == 1 and sink.requests[0].problems == []
    [row] = store.list_deliveries()
    assert row.status == "delivered" and row.remote_id == "$event1:example.org"
    assert sink.requests[0].path.endswith(f"/syndicator.{row.idempotency_key}")
    body = sink.requests[0].body.decode()
    assert url in body and "vaasa-fi" not in body


async def test_outbox_retry_after_a_lost_answer_keeps_one_event(
    store: Store, sink: MatrixSink, quick_client: httpx.AsyncClient
) -> None:
    config = config_for(sink.url)
    seed(store, 1, [config.name])
    sink.lose_answers = 1
    first = await drain_all(store, [config], quick_client, policy=RetryPolicy(base=60.0))
    assert first.retry == 1 and len(sink.events) == 1

    later = datetime.now(UTC) + timedelta(hours=1)
    second = await drain_all(store, [config], quick_client, clock=lambda: later)
    assert second.delivered == 1
    [row] = store.list_deliveries()
    assert row.remote_id == "$event1:example.org" and row.attempts == 2
    assert len(sink.requests) == 2 and len(sink.events) == 1  # no duplicate in the room


async def test_outbox_dead_letters_a_forbidden_room(
    store: Store, sink: MatrixSink, client: httpx.AsyncClient
) -> None:
    config = config_for(sink.url)
    seed(store, 1, [config.name])
    sink.respond(matrix_error(403, "M_FORBIDDEN", "User not in room"))
    result = await drain_all(store, [config], client)
    assert result.failed == 1 and sink.events == []
    [row] = store.list_deliveries()
    assert row.status == "failed" and row.last_error_code == "delivery.matrix_403"
    assert "SECRETtoken" not in (row.last_error or "")


FEEDS_TOML = """
[[sources]]
name = "vaasa-fi"
kind = "feed"
url = "https://www.vaasa.fi/feed/"

[[destinations]]
name = "newsroom-matrix"
kind = "matrix"
homeserver = "https://matrix.example.org"
access_token = "${MATRIX_ACCESS_TOKEN}"
room_id = "!RoomAbc123:example.org"
msgtype = "m.notice"
"""


def test_feeds_toml_with_a_matrix_destination(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS_TOML, encoding="utf-8")
    config = load_config(path, env={"MATRIX_ACCESS_TOKEN": TOKEN})
    [destination] = config.destinations
    assert isinstance(destination, matrix.Config) and destination.msgtype == "m.notice"
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "check-config", str(path)],
        capture_output=True,
        text=True,
        env={"MATRIX_ACCESS_TOKEN": TOKEN, "PATH": ""},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert TOKEN not in run.stdout + run.stderr
    assert TOKEN not in str(config)
