"""``bilingual = true``: a release in two wanted languages is ONE mail with both versions
(subject "fi title / sv title", each body under its language heading); the row of the
second language is skipped, "sent together with …"."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
import pytest

from syndicator.decide import decide, route
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.errors import ConfigError
from syndicator.store import Store, open_store
from tests.deliver.conftest import sample_article
from tests.deliver.email_outbox import email_config, store_release
from tests.sinks import SmtpSink

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BILINGUAL = """
languages = ["fi", "sv"]
bilingual = true
language_wait = "20m"
recipients = ["toimitus@yle.example", "redaktion@hbl.example"]
"""


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """SQLite and PostgreSQL: the set claims and settlements are SQL of their own."""
    opened = open_store(database_url)
    yield opened
    opened.close()


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()).replace("\r\n", "\n"), str(html.get_content())


def _statuses(store: Store) -> dict[str, tuple[str, str | None]]:
    """Each row's language (by its URL's path) → (status, last_error)."""
    rows = {}
    for row in store.list_deliveries():
        found = store.entry_for_event(row.event_id)
        assert found is not None
        rows[found[1].article.lang or "?"] = (row.status, row.last_error)
    return rows


def _check_both(sent: EmailMessage, number: int) -> None:
    assert sent["Subject"] == f"Tiedote {number} / Meddelande {number}"
    assert sent["Content-Language"] == "fi, sv"
    text, html = _parts(sent)
    assert text.index("[suomi]") < text.index(f"Tiedote {number}: body (fi).")
    assert text.index("[svenska]") < text.index(f"Meddelande {number}: body (sv).")
    assert f"Lue lisää: https://www.vaasa.fi/uutiset/{number}/" in text
    assert f"Läs mer: https://www.vaasa.fi/sv/nyheter/{number}/" in text
    assert '<section lang="fi"><h2>suomi</h2>' in html
    assert '<section lang="sv"><h2>svenska</h2>' in html


async def test_both_versions_in_one_mail_and_the_second_row_skipped(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, BILINGUAL)
    store_release(store, config.destinations, 1, ["fi", "sv"], T0)
    result = await drain_all(store, config.destinations, client, clock=lambda: T0)

    [sent] = smtp_sink.messages
    _check_both(sent, 1)
    assert (result.delivered, result.skipped) == (1, 1)
    statuses = _statuses(store)
    assert statuses["fi"] == ("delivered", None)
    status, reason = statuses["sv"]
    assert status == "skipped" and reason is not None
    fi_row = next(row for row in store.list_deliveries() if row.status == "delivered")
    assert reason == f"sent together with delivery {fi_row.id} (one mail: fi, sv)"

    again = await drain_all(
        store, config.destinations, client, clock=lambda: T0 + timedelta(hours=2)
    )
    assert again.delivered == 0 and len(smtp_sink.messages) == 1


async def test_the_first_language_waits_for_the_second(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, BILINGUAL)
    store_release(store, config.destinations, 2, ["fi"], T0)
    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(minutes=1))
    assert smtp_sink.messages == []  # within the language wait: the Swedish may come

    sv_at = T0 + timedelta(minutes=5)
    store_release(store, config.destinations, 2, ["sv"], sv_at)
    await drain_all(store, config.destinations, client, clock=lambda: sv_at)
    [sent] = smtp_sink.messages
    _check_both(sent, 2)
    statuses = _statuses(store)
    # The Swedish row sent the mail; the Finnish row, still held, went with it.
    assert statuses["sv"] == ("delivered", None)
    assert statuses["fi"][0] == "skipped"
    assert str(statuses["fi"][1]).startswith("sent together with delivery")

    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(hours=1))
    assert len(smtp_sink.messages) == 1


async def test_one_language_only_goes_alone_after_the_wait(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, BILINGUAL)
    store_release(store, config.destinations, 3, ["fi"], T0)
    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(minutes=19))
    assert smtp_sink.messages == []
    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(minutes=21))
    [sent] = smtp_sink.messages
    assert sent["Subject"] == "Uusi tiedote: Tiedote 3"  # an ordinary mail
    assert "[svenska]" not in _parts(sent)[0]
    assert _statuses(store) == {"fi": ("delivered", None)}


async def test_a_bilingual_digest_lists_each_release_once_with_both_versions(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, BILINGUAL + 'schedule = "hourly"')
    store_release(store, config.destinations, 4, ["fi", "sv"], T0 + timedelta(minutes=1))
    store_release(store, config.destinations, 5, ["fi"], T0 + timedelta(minutes=2))
    result = await drain_all(
        store, config.destinations, client, clock=lambda: T0 + timedelta(hours=1)
    )

    [sent] = smtp_sink.messages
    assert sent["Subject"] == "Tiedotekooste 3.12.2026 (2)"
    text = _parts(sent)[0]
    assert "1. [suomi] Tiedote 4\n" in text and "   [svenska] Meddelande 4\n" in text
    assert "2. Tiedote 5\n" in text
    assert (result.delivered, result.skipped) == (2, 1)
    assert sorted(row.status for row in store.list_deliveries()) == [
        "delivered", "delivered", "skipped",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "settings",
    [
        'languages = ["fi"]\nbilingual = true\nrecipients = ["a@yle.example"]',
        'languages = ["fi", "sv"]\none_language = true\nbilingual = true\n'
        'recipients = ["a@yle.example"]',
    ],
)
def test_bilingual_needs_two_languages(smtp_sink: SmtpSink, settings: str) -> None:
    with pytest.raises(ConfigError) as caught:
        email_config(smtp_sink, settings)
    assert "bilingual = true needs two or more languages" in caught.value.message


async def test_rows_beyond_the_lease_budget_are_handed_back_and_sent_next_pass(
    store: Store,
    smtp_sink: SmtpSink,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = email_config(smtp_sink, BILINGUAL)
    for number in (6, 7, 8):
        store_release(store, config.destinations, number, ["fi", "sv"], T0)
    ticks = itertools.count()

    def clock() -> datetime:  # every look at the clock is a second later: slow sends
        return T0 + timedelta(seconds=next(ticks))

    with caplog.at_level(logging.INFO, logger="syndicator.outbox"):
        result = await drain_all(
            store, config.destinations, client, policy=RetryPolicy(lease=4.0), clock=clock
        )
    assert result.delivered == 3 and len(smtp_sink.messages) == 3
    statuses = sorted(row.status for row in store.list_deliveries())
    assert statuses == ["delivered"] * 3 + ["skipped"] * 3
    handed_back = [r for r in caplog.records if getattr(r, "event", "") == "delivery.handed_back"]
    assert handed_back  # the budget ran out at least once, and nothing was lost


async def test_a_pending_update_goes_in_the_same_mail_and_no_row_is_left_claimed(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, BILINGUAL)
    [url] = store_release(store, config.destinations, 9, ["fi"], T0).values()
    stored = store.find_item(url)
    assert stored is not None
    edited = sample_article(url=url, title="Tiedote 9 (korjattu)", lang="fi", published=T0)
    routed = route(config.destinations, source="vaasa", lang="fi", event="updated")
    store.save_article("vaasa", edited, decide(stored, edited), stored, destinations=routed,
                       now=T0 + timedelta(minutes=1))  # fmt: skip

    result = await drain_all(
        store, config.destinations, client, clock=lambda: T0 + timedelta(minutes=21)
    )
    [sent] = smtp_sink.messages
    assert sent["Subject"] == "Uusi tiedote: Tiedote 9 (korjattu)"  # new to the reader, newest text
    assert (result.delivered, result.skipped) == (1, 1)
    assert sorted(row.status for row in store.list_deliveries()) == ["delivered", "skipped"]
