"""Kind ``telegram`` through the real outbox and store, and ``check-config``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.store import Store, open_store
from tests.deliver.conftest import seed
from tests.deliver.telegram_sink import CHAT, TOKEN, TelegramSink, config_for, error

SECRET_PART = "SECRETtoken"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sink() -> Iterator[TelegramSink]:
    with TelegramSink() as opened:
        yield opened


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


async def test_a_created_release_end_to_end_through_the_outbox(
    store: Store, sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    [url] = seed(store, 1, ("newsroom-tg",))
    result = await drain_all(store, [config_for(sink.url)], client)

    assert result.delivered == 1
    [row] = store.list_deliveries()
    assert (row.status, row.remote_id) == ("delivered", f"{CHAT}:1:photo")
    [request] = sink.requests
    assert request.problems == [] and request.path.endswith("/sendPhoto")
    assert f'<a href="{url}">Lue lisää</a>' in request.json()["caption"]
    assert b"vaasa-fi" not in request.body


async def test_outbox_honours_retry_after_retries_5xx_and_dead_letters_4xx(
    store: Store, sink: TelegramSink, client: httpx.AsyncClient
) -> None:
    seed(store, 1, ("newsroom-tg",))
    config = config_for(sink.url)
    policy = RetryPolicy(base=0.01, cap=0.05)
    now = datetime.now(UTC)
    sink.answer(error(429, "Too Many Requests: retry after 30", retry_after=30))
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: now)).retry == 1
    [row] = store.list_deliveries()
    assert row.status == "pending" and row.last_error_code == "delivery.telegram_429"
    assert row.next_attempt_at - now >= timedelta(seconds=30)  # Telegram's wait, not ours

    later = now + timedelta(seconds=31)
    sink.answer(error(502, "Bad Gateway"))
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: later)).retry
    later += timedelta(seconds=1)
    assert (await drain_all(store, [config], client, policy=policy, clock=lambda: later)).delivered
    assert store.list_deliveries()[0].remote_id == f"{CHAT}:1:photo"

    seed(store, 1, ("newsroom-tg",))
    sink.answer(error(403, "Forbidden: bot was blocked by the user"))
    result = await drain_all(store, [config], client, policy=policy, clock=lambda: later)
    assert result.failed == 1
    failed = store.list_deliveries(status="failed")[0]
    assert failed.last_error_code == "delivery.telegram_403"
    assert failed.last_error and "bot was blocked" in failed.last_error
    assert SECRET_PART not in failed.last_error
    assert len(sink.requests) == 4  # 429, 502, sent, 403: nothing sent twice


def test_check_config_accepts_a_telegram_destination(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[sources]]\nname = "vaasa-fi"\nkind = "html"\nlanguage = "fi"\n'
        'urls = ["https://www.vaasa.fi/ajankohtaista/tiedotteet/"]\n\n'
        '[[destinations]]\nname = "newsroom-telegram"\nkind = "telegram"\n'
        'bot_token = "${TELEGRAM_BOT_TOKEN}"\nchat_id = "@vaasa_tiedotteet"\n'
        'message_thread_id = 12\nlanguages = ["fi"]\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "check-config", str(path)],
        capture_output=True,
        text=True,
        env={"TELEGRAM_BOT_TOKEN": TOKEN, "PATH": "", "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert SECRET_PART not in run.stdout + run.stderr
