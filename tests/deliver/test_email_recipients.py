"""Kind ``email`` through the real outbox and a real store (SQLite and PostgreSQL), against
an aiosmtpd server refusing chosen recipients at RCPT: each recipient is recorded, a retry
goes only to those without the message, and refusals for good are dead-lettered and shown
by ``syndicator deliveries list``."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.deliver import email, smtp
from syndicator.deliver.outbox import drain_all
from syndicator.errors import (
    PartialDeliveryError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from syndicator.store import Store, open_store
from tests.deliver.conftest import MessageFactory, seed
from tests.deliver.test_email import _config
from tests.sinks import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
SENDER = "tiedotteet@vaasa.example"
DESK, FREELANCER, AGENCY = "toimitus@example.fi", "news@example.com", "uutiset@stt.example"
DENIED = "554 5.7.1 Relay access denied"
BUSY = "450 4.2.0 Mailbox busy"


@pytest.fixture
def database(database_url: str) -> str:
    """An empty SQLite file or PostgreSQL database (``conftest.database_url``)."""
    return database_url


@pytest.fixture
def store(database: str) -> Iterator[Store]:
    opened = open_store(database)
    yield opened
    opened.close()


def _later(hours: int) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def _shown(store: Store, delivery_id: int) -> str:
    """The refusal line ``deliveries list`` prints under the row ("" when none)."""
    return store.recipient_summary([delivery_id]).get(delivery_id, "")


def _received(sink: SmtpSink) -> Counter[str]:
    """How many messages each address was handed (accepted RCPTs of accepted DATA)."""
    return Counter(address for _sender, rcpts in sink.envelopes for address in rcpts)


async def test_one_of_two_refused_is_retried_to_that_one_only(
    store: Store, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with SmtpSink(refuse={FREELANCER: BUSY}) as sink:
        config = _config(sink.port, recipients=[DESK, FREELANCER])
        seed(store, 1, [config.name])
        with caplog.at_level(logging.WARNING, logger="syndicator.outbox"):
            first = await drain_all(store, [config], client)
        assert first.retry == 1 and sink.envelopes == [(SENDER, [DESK])]
        [logged] = [r for r in caplog.records if getattr(r, "event", "") == "delivery.retry"]
        assert logged.__dict__["error_code"] == "delivery.email_partial"
        assert FREELANCER in logged.getMessage() and DESK not in logged.getMessage()
        [row] = store.list_deliveries()
        assert (row.status, row.last_error_code) == ("pending", "delivery.email_partial")
        assert store.settled_recipients(row.id, retrying=True) == (DESK,)
        assert _shown(store, row.id) == f"refused: {FREELANCER} ({BUSY}; will retry)"

        sink.refuse.clear()
        second = await drain_all(store, [config], client, clock=lambda: _later(1))
        assert second.delivered == 1
        assert sink.envelopes[1] == (SENDER, [FREELANCER])
        assert _received(sink) == {DESK: 1, FREELANCER: 1}  # the desk got it exactly once
        assert sink.rcpts == [DESK, FREELANCER, FREELANCER]

    [row] = store.list_deliveries()
    assert (row.status, row.attempts) == ("delivered", 2)
    first_mail, retry_mail = sink.messages
    assert row.remote_id == first_mail["Message-ID"] == retry_mail["Message-ID"]
    assert _shown(store, row.id) == ""
    assert set(store.settled_recipients(row.id, retrying=True)) == {DESK, FREELANCER}


async def test_a_relay_denial_is_dead_lettered_at_once_and_shown(
    store: Store, database: str, tmp_path: Path, client: httpx.AsyncClient
) -> None:
    with SmtpSink(refuse={FREELANCER: DENIED}) as sink:
        config = _config(sink.port, recipients=[DESK, FREELANCER])
        seed(store, 1, [config.name])
        result = await drain_all(store, [config], client)
        assert result.failed == 1 and result.retry == 0
        assert _received(sink) == {DESK: 1}  # still delivered to the other

        [row] = store.list_deliveries()
        assert (row.status, row.last_error_code) == ("failed", "delivery.email_partial")
        assert f"{FREELANCER} (554 5.7.1 Relay access denied)" in str(row.last_error)
        assert DESK not in str(row.last_error)

        listing = _cli_list(tmp_path, database)
        shown = f"refused: {FREELANCER} ({DENIED}; dead letter)"
        assert listing[1].split()[0] == str(row.id) and " failed " in listing[1]
        assert len(listing) > 2, listing
        assert listing[2].strip() == shown  # under the row

        # The relay is fixed and ops retry the dead letter: only the refused one gets it.
        sink.refuse.clear()
        assert store.retry_deliveries([row.id], datetime.now(UTC)) == 1
        again = await drain_all(store, [config], client)
        assert again.delivered == 1 and _received(sink) == {DESK: 1, FREELANCER: 1}
    assert _shown(store, row.id) == ""
    assert len(_cli_list(tmp_path, database)) == 2  # header and row: no refusal line any more


async def test_temporary_refusals_are_dead_lettered_after_max_attempts(
    store: Store, client: httpx.AsyncClient
) -> None:
    with SmtpSink(refuse={FREELANCER: BUSY}) as sink:
        config = _config(sink.port, recipients=[DESK, FREELANCER], max_attempts=2)
        seed(store, 1, [config.name])
        assert (await drain_all(store, [config], client)).retry == 1
        last = await drain_all(store, [config], client, clock=lambda: _later(1))
        assert last.failed == 1
        assert sink.rcpts == [DESK, FREELANCER, FREELANCER]  # the retry asked for one only
        assert _received(sink) == {DESK: 1}

    [row] = store.list_deliveries()
    assert row.status == "failed" and row.attempts == 2
    assert str(row.last_error).startswith("smtp+none://")
    assert f"{FREELANCER} (450 4.2.0 Mailbox busy)" in str(row.last_error)
    assert _shown(store, row.id) == f"refused: {FREELANCER} ({BUSY}; dead letter)"


async def test_mixed_refusals_retry_the_temporary_and_keep_the_final(
    store: Store, client: httpx.AsyncClient
) -> None:
    with SmtpSink(refuse={FREELANCER: DENIED, AGENCY: BUSY}) as sink:
        config = _config(sink.port, recipients=[DESK, FREELANCER, AGENCY])
        seed(store, 1, [config.name])
        assert (await drain_all(store, [config], client)).retry == 1
        del sink.refuse[AGENCY]
        second = await drain_all(store, [config], client, clock=lambda: _later(1))
        assert second.failed == 1
        assert sink.rcpts == [DESK, FREELANCER, AGENCY, AGENCY]  # the denied one not again
        assert _received(sink) == {DESK: 1, AGENCY: 1}

    [row] = store.list_deliveries()
    assert (row.status, row.last_error_code) == ("failed", "delivery.email_refused")
    assert f"refused for good: {FREELANCER} (554 5.7.1 Relay access denied)" in str(row.last_error)
    assert _shown(store, row.id) == f"refused: {FREELANCER} ({DENIED}; dead letter)"


async def test_every_recipient_refused_at_first_is_not_partial(
    store: Store, client: httpx.AsyncClient
) -> None:
    with SmtpSink(refuse={DESK: BUSY, FREELANCER: DENIED}) as sink:
        config = _config(sink.port, recipients=[DESK, FREELANCER])
        seed(store, 1, [config.name])
        assert (await drain_all(store, [config], client)).retry == 1
        assert sink.envelopes == []

    [row] = store.list_deliveries()
    assert row.last_error_code == "delivery.email_refused"
    assert _shown(store, row.id) == ""  # nobody has it: the whole row retries


async def test_send_leaves_out_the_skipped_recipients(
    smtp_sink: SmtpSink, closed_port: int, client: httpx.AsyncClient, make_message: MessageFactory
) -> None:
    config = _config(smtp_sink.port, recipients=[DESK, FREELANCER, AGENCY])
    message = replace(make_message(config), skip_recipients=(DESK, AGENCY))
    receipt = await email.send(config, message, client)
    assert (
        smtp_sink.rcpts == [FREELANCER] and receipt.remote_id == smtp_sink.messages[0]["Message-ID"]
    )

    nobody_left = _config(closed_port, recipients=[DESK])  # no connection is even tried
    settled = replace(make_message(nobody_left), skip_recipients=(DESK,))
    assert (await email.send(nobody_left, settled, client)).remote_id == receipt.remote_id


PARTIAL, REFUSED = "delivery.email_partial", "delivery.email_refused"
ONE_TEMPORARY = {DESK: (450, ""), FREELANCER: (554, "")}
BOTH_FINAL = {DESK: (550, ""), FREELANCER: (554, "")}


@pytest.mark.parametrize(
    ("refused", "sent_before", "error", "code"),
    [
        ({FREELANCER: (554, "denied")}, False, PartialDeliveryError, PARTIAL),
        ({FREELANCER: (450, "busy")}, False, PartialDeliveryError, PARTIAL),
        (ONE_TEMPORARY, False, RetryableDeliveryError, REFUSED),
        (BOTH_FINAL, False, PermanentDeliveryError, REFUSED),
        (BOTH_FINAL, True, PartialDeliveryError, PARTIAL),
    ],
)
def test_which_refusal_is_partial(
    refused: smtp.Refusals, sent_before: bool, error: type[Exception], code: str
) -> None:
    """Partial when someone has the message (now, or from an earlier attempt): only then
    must a retry leave recipients out."""
    raised = smtp.refusal("smtp://relay", [DESK, FREELANCER], refused, sent_before=sent_before)
    assert type(raised) is error and raised.code == code
    assert all(address in raised.message for address in refused)
    if isinstance(raised, PartialDeliveryError):
        assert raised.accepted == tuple(a for a in (DESK, FREELANCER) if a not in refused)
        assert raised.temporary == tuple(a for a, (c, _) in refused.items() if c < 500)


def test_recipient_writes_need_the_lease(store: Store) -> None:
    seed(store, 1, ["newsletter"])
    now = datetime.now(UTC)
    row = store.claim_next("newsletter", owner="w1", now=now, lease=60)
    assert row is not None
    refused = {FREELANCER: (554, "5.7.1 Relay access denied")}
    common = {"give_up": False, "now": now}
    assert not store.record_recipients(row.id, [DESK], refused, owner="w2", **common)
    assert store.settled_recipients(row.id, retrying=True) == ()
    assert store.record_recipients(row.id, [DESK], refused, owner="w1", **common)
    assert store.settled_recipients(row.id, retrying=False) == (DESK,)
    assert set(store.settled_recipients(row.id, retrying=True)) == {DESK, FREELANCER}
    assert store.recipients_sent(row.id, [DESK, FREELANCER], owner="w2", now=now) == [
        f"{FREELANCER} (554 5.7.1 Relay access denied)"
    ]


def _cli_list(tmp_path: Path, database: str) -> list[str]:
    """``syndicator deliveries list`` in its own process (it configures logging globally)."""
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(_FEEDS.format(database=database), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "syndicator", "deliveries", "list", "--config", str(feeds)],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


_FEEDS = """
[service]
database_url = "{database}"

[http]
allow_private_networks = true

[[sources]]
name = "vaasa-fi"
kind = "feed"
url = "http://127.0.0.1:9/feed.xml"

[[destinations]]
name = "newsletter"
kind = "email"
host = "127.0.0.1"
sender = "tiedotteet@vaasa.example"
recipients = ["toimitus@example.fi"]
"""
