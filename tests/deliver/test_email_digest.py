"""E-mail digests: ``schedule = "daily 08:00"`` / ``"hourly"`` (Helsinki time). The slot
arithmetic as a table (DST included); end to end against aiosmtpd: one mail per slot
listing every release since the last one, per language group; a digest refused with 451
is retried as the same mail (same Message-ID) and loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from syndicator.deliver.digest import digest_html, digest_ready, digest_text, next_slot, slot_of
from syndicator.deliver.outbox import drain_all
from syndicator.deliver.render import render_message
from syndicator.errors import ConfigError
from syndicator.model import Delivery
from syndicator.store import Store, open_store
from tests.deliver.conftest import sample_entry
from tests.deliver.email_outbox import email_config, store_release
from tests.sinks import SmtpSink


def _utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("schedule", "now", "expected"),
    [
        # Helsinki is UTC+2 in winter, UTC+3 in summer.
        ("daily 08:00", _utc(2026, 12, 3, 5, 59), _utc(2026, 12, 3, 6, 0)),
        ("daily 08:00", _utc(2026, 12, 3, 6, 0), _utc(2026, 12, 4, 6, 0)),  # strictly after
        ("daily 08:00", _utc(2026, 6, 1, 4, 59), _utc(2026, 6, 1, 5, 0)),
        # Spring forward (29 March 2026, 03:00 → 04:00): 08:00 is still 08:00 local.
        ("daily 08:00", _utc(2026, 3, 28, 7, 0), _utc(2026, 3, 29, 5, 0)),
        # Fall back (25 October 2026, 04:00 → 03:00).
        ("daily 08:00", _utc(2026, 10, 24, 6, 0), _utc(2026, 10, 25, 6, 0)),
        # 03:30 does not exist on 29 March: sent an hour later, at 04:30 EEST.
        ("daily 03:30", _utc(2026, 3, 28, 22, 0), _utc(2026, 3, 29, 1, 30)),
        # 03:30 happens twice on 25 October: sent once, at the first.
        ("daily 03:30", _utc(2026, 10, 24, 22, 0), _utc(2026, 10, 25, 0, 30)),
        ("daily 03:30", _utc(2026, 10, 25, 0, 30), _utc(2026, 10, 26, 1, 30)),
        ("daily 00:00", _utc(2026, 12, 31, 21, 59), _utc(2026, 12, 31, 22, 0)),
        ("hourly", _utc(2026, 12, 3, 5, 59, 59), _utc(2026, 12, 3, 6, 0)),
        ("hourly", _utc(2026, 12, 3, 6, 0), _utc(2026, 12, 3, 7, 0)),
        ("hourly", _utc(2026, 10, 25, 0, 30), _utc(2026, 10, 25, 1, 0)),  # across the change
    ],
)
def test_next_slot(schedule: str, now: datetime, expected: datetime) -> None:
    assert next_slot(schedule, now) == expected


def _row(attempts: int, due: datetime) -> Delivery:
    return Delivery(1, 1, "created", "press", 1, "sending", attempts, due)


@pytest.mark.parametrize(
    ("row", "now", "ready"),
    [
        (_row(0, _utc(2026, 12, 3, 5, 0)), _utc(2026, 12, 3, 5, 59), False),
        (_row(0, _utc(2026, 12, 3, 5, 0)), _utc(2026, 12, 3, 6, 0), True),
        (_row(0, _utc(2026, 12, 3, 6, 0)), _utc(2026, 12, 3, 6, 0, 3), True),  # put back for 6:00
        (_row(0, _utc(2026, 12, 3, 6, 0, 1)), _utc(2026, 12, 3, 6, 0, 3), False),  # next day's
        (_row(1, _utc(2026, 12, 3, 6, 0, 40)), _utc(2026, 12, 3, 6, 1), True),  # a retried digest
    ],
)
def test_digest_ready(row: Delivery, now: datetime, ready: bool) -> None:
    assert digest_ready("daily 08:00", row, now) is ready
    assert slot_of("daily 08:00", _utc(2026, 12, 3, 6, 0)) == _utc(2026, 12, 3, 6, 0)


@pytest.mark.parametrize("schedule", ["daily 8:00", "daily 24:00", "weekly", "Hourly", ""])
def test_a_bad_schedule_is_a_config_error(smtp_sink: SmtpSink, schedule: str) -> None:
    with pytest.raises(ConfigError) as caught:
        email_config(smtp_sink, f'recipients = ["a@yle.example"]\nschedule = "{schedule}"')
    assert "destinations[0].schedule" in caught.value.message
    assert "daily HH:MM" in caught.value.message


class OfferedSink(SmtpSink):
    """Also keeps every message offered, refused ones included."""

    def __init__(self) -> None:
        self.offered: list[EmailMessage] = []
        super().__init__()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.offered.append(parsed)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def sink() -> Iterator[OfferedSink]:
    with OfferedSink() as opened:
        yield opened


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """SQLite and PostgreSQL: the set claims and settlements are SQL of their own."""
    opened = open_store(database_url)
    yield opened
    opened.close()


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


MORNING = _utc(2026, 12, 3, 5, 0)  # 07:00 in Helsinki
EIGHT = _utc(2026, 12, 3, 6, 0)
GROUPS = """
languages = ["fi", "sv"]
schedule = "daily 08:00"
recipients = [
  {address = "toimitus@yle.example", lang = "fi"},
  {address = "redaktion@hbl.example", lang = "sv"},
]
"""


async def test_one_digest_per_slot_and_language(
    store: Store, sink: OfferedSink, client: httpx.AsyncClient
) -> None:
    config = email_config(sink, GROUPS)
    for number in (1, 2, 3):
        store_release(store, config.destinations, number, ["fi", "sv"],
                      MORNING + timedelta(minutes=10 * number))  # fmt: skip

    early = await drain_all(
        store, config.destinations, client, clock=lambda: MORNING + timedelta(minutes=45)
    )
    assert sink.offered == [] and early.delivered == 0
    assert {row.status for row in store.list_deliveries()} == {"pending"}

    at_eight = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(seconds=5)
    )
    assert len(sink.messages) == 2 and at_eight.delivered == 6
    by_group = {
        tuple(rcpts): message
        for message, (_, rcpts) in zip(sink.messages, sink.envelopes, strict=True)
    }
    fi = by_group[("toimitus@yle.example",)]
    sv = by_group[("redaktion@hbl.example",)]
    assert fi["Subject"] == "Tiedotekooste 3.12.2026 (3)"
    assert sv["Subject"] == "Sammandrag av pressmeddelanden 3.12.2026 (3)"
    fi_text, sv_text = _plain(fi), _plain(sv)
    for number in (1, 2, 3):
        assert f"{number}. Tiedote {number}\n" in fi_text
        assert f"Tiedote {number}: lead (fi)." in fi_text
        assert f"Lue lisää: https://www.vaasa.fi/uutiset/{number}/" in fi_text
        assert f"{number}. Meddelande {number}\n" in sv_text
        assert f"Läs mer: https://www.vaasa.fi/sv/nyheter/{number}/" in sv_text
    assert "Meddelande" not in fi_text and "Tiedote" not in sv_text
    assert "3.12.2026 klo 7.10" in fi_text and "3.12.2026 kl. 7.10" in sv_text
    html = fi.get_body(("html",))
    assert html is not None and html.get_content().count("<li>") == 3

    rows = store.list_deliveries()
    delivered = [row for row in rows if row.status == "delivered"]
    assert len(delivered) == 6
    assert {row.remote_id for row in delivered} == {fi["Message-ID"], sv["Message-ID"]}
    assert {row.status for row in rows} == {"delivered", "skipped"}  # fallbacks superseded

    again = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(minutes=5)
    )
    assert again.delivered == 0 and len(sink.messages) == 2


async def test_a_digest_retried_after_451_is_the_same_mail(
    store: Store, sink: OfferedSink, client: httpx.AsyncClient
) -> None:
    config = email_config(
        sink, 'languages = ["fi"]\nschedule = "hourly"\nrecipients = ["toimitus@yle.example"]'
    )
    for number in (4, 5, 6):
        store_release(
            store, config.destinations, number, ["fi"], MORNING + timedelta(minutes=number)
        )

    sink.respond("451 4.3.0 Try again later")
    first = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(seconds=1)
    )
    assert first.retry == 3 and sink.messages == []
    [refused] = sink.offered

    store_release(store, config.destinations, 7, ["fi"], EIGHT + timedelta(seconds=30))
    second = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(minutes=10)
    )
    assert second.delivered == 3
    [sent] = sink.messages
    assert sent["Message-ID"] == refused["Message-ID"]  # clients fold the repeat
    assert sent["Subject"] == refused["Subject"] == "Tiedotekooste 3.12.2026 (3)"
    assert "Tiedote 7" not in _plain(sent)  # a release stored since waits for its own slot

    third = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(hours=1, seconds=1)
    )
    assert third.delivered == 1
    assert "1. Tiedote 7\n" in _plain(sink.messages[-1])
    assert sink.messages[-1]["Message-ID"] != sent["Message-ID"]
    rows = store.list_deliveries()
    assert [row.status for row in rows] == ["delivered"] * 4
    assert sorted(row.attempts for row in rows) == [1, 2, 2, 2]


async def test_dry_run_sends_nothing_and_keeps_the_rows(
    store: Store, sink: OfferedSink, client: httpx.AsyncClient
) -> None:
    config = email_config(sink, 'schedule = "hourly"\nrecipients = ["toimitus@yle.example"]')
    store_release(store, config.destinations, 8, ["fi"], MORNING)
    result = await drain_all(store, config.destinations, client, dry_run=True, clock=lambda: EIGHT)
    assert result.dry_run == 1 and sink.offered == []
    [row] = store.list_deliveries()
    assert (row.status, row.next_attempt_at, row.attempts) == ("pending", MORNING, 0)

    real = await drain_all(store, config.destinations, client, clock=lambda: EIGHT)
    assert real.delivered == 1 and len(sink.messages) == 1  # the dry run moved no slot


def test_an_updated_release_is_marked_in_the_digest(smtp_sink: SmtpSink) -> None:
    [config] = email_config(
        smtp_sink, 'schedule = "hourly"\nrecipients = ["a@yle.example"]\nlocale = "sv"'
    ).destinations
    created = render_message(sample_entry(title="Simhallen öppnar"), "created", config, "k1")
    updated = render_message(sample_entry(title="Biblioteket flyttar"), "updated", config, "k2")
    text = digest_text([[created], [updated]], created.labels)
    assert "1. Simhallen öppnar\n" in text
    assert "2. Biblioteket flyttar (Uppdaterad)\n" in text
    html = digest_html([[created], [updated]], created.labels, "Sammandrag")
    assert "Biblioteket flyttar (Uppdaterad)</a>" in html and '<html lang="sv">' in html


async def test_a_digest_cut_off_by_a_dead_worker_goes_out_whole_after_its_lease(
    store: Store, sink: OfferedSink, client: httpx.AsyncClient
) -> None:
    config = email_config(sink, 'schedule = "hourly"\nrecipients = ["toimitus@yle.example"]')
    for number in (10, 11):
        store_release(store, config.destinations, number, ["fi"], MORNING)
    # Another worker claimed the digest at the slot and died before the server accepted it.
    claimed = store.claim_digest("press", owner="dead-worker", now=EIGHT, lease=120.0)
    assert len(claimed) == 2

    during = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(seconds=60)
    )
    assert during.delivered == 0 and sink.offered == []  # its lease still runs

    after = await drain_all(
        store, config.destinations, client, clock=lambda: EIGHT + timedelta(seconds=121)
    )
    assert after.delivered == 2
    [sent] = sink.messages
    assert sent["Subject"] == "Tiedotekooste 3.12.2026 (2)"
    assert [row.status for row in store.list_deliveries()] == ["delivered", "delivered"]
