"""Per-recipient languages: recipients ``{address, lang}`` get the release in their
language when it exists, else the fallback after the language wait, never both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.cli import main
from syndicator.deliver import email
from syndicator.deliver.outbox import drain_all
from syndicator.errors import ConfigError
from syndicator.store import Store, open_store
from tests.deliver.email_outbox import email_config, store_release
from tests.sinks import SmtpSink

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
MIXED = """
languages = ["fi", "sv"]
language_wait = "30m"
recipients = [
  {address = "toimitus@yle.example", lang = "fi"},
  {address = "redaktion@hbl.example", lang = "sv"},
  {address = "desk@ilkka.example", lang = "fi"},
]
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    yield opened
    opened.close()


def _by_recipient(sink: SmtpSink) -> dict[str, list[str]]:
    """Each envelope recipient → the subjects of the mails they received."""
    received: dict[str, list[str]] = {}
    for message, (_sender, recipients) in zip(sink.messages, sink.envelopes, strict=True):
        for address in recipients:
            received.setdefault(address, []).append(str(message["Subject"]))
    return received


def test_recipient_languages_become_language_groups(smtp_sink: SmtpSink) -> None:
    config = email_config(smtp_sink, MIXED + 'locale = "en"')
    groups = {d.name: d for d in config.destinations}
    assert list(groups) == ["press/fi", "press/sv"]
    fi, sv = groups["press/fi"], groups["press/sv"]
    assert isinstance(fi, email.Config) and isinstance(sv, email.Config)
    assert (fi.languages, fi.one_language, fi.locale) == (("fi", "sv"), True, "fi")
    assert (sv.languages, sv.one_language, sv.locale) == (("sv", "fi"), True, "sv")
    assert fi.addresses == ("toimitus@yle.example", "desk@ilkka.example")
    assert sv.addresses == ("redaktion@hbl.example",)
    assert sv.language_wait == 1800.0 and sv.host == "127.0.0.1"


def test_plain_recipients_keep_the_destination_as_it_is(smtp_sink: SmtpSink) -> None:
    plain = email_config(smtp_sink, 'recipients = ["a@yle.example", "b@hbl.example"]')
    [only] = plain.destinations
    assert only.name == "press" and only.languages == () and not only.one_language

    mixed = email_config(
        smtp_sink, 'recipients = ["desk@yle.example", {address = "r@hbl.example", lang = "sv"}]'
    )
    names = {d.name: d.languages for d in mixed.destinations}
    # Without destination languages the fallback is the other groups' languages: none here.
    assert names == {"press": (), "press/sv": ("sv",)}

    one = email_config(smtp_sink, 'recipients = [{address = "r@hbl.example", lang = "sv"}]')
    [single] = one.destinations
    assert (single.name, single.languages, single.locale) == ("press", ("sv",), "sv")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            'recipients = [{address = "not-an-address", lang = "sv"}]',
            "destinations[0].recipients[0].address: String should match",
        ),
        ('recipients = [{address = "r@hbl.example", lang = "swedish"}]', "recipients[0].lang:"),
        (
            'languages = ["fi", "sv"]\nbilingual = true\n'
            'recipients = [{address = "r@hbl.example", lang = "sv"}]',
            "recipient languages cannot apply",
        ),
    ],
)
def test_bad_recipients_name_the_key(smtp_sink: SmtpSink, settings: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        email_config(smtp_sink, settings)
    assert expected in caught.value.message


def test_check_config_shows_the_groups(
    smtp_sink: SmtpSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[sources]]\nname = "vaasa"\nkind = "feed"\nurl = "https://www.vaasa.fi/feed/"\n'
        '[[destinations]]\nname = "press"\nkind = "email"\nhost = "mail.example"\n'
        f'sender = "t@vaasa.example"\n{MIXED}',
        encoding="utf-8",
    )
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 destinations" in out
    assert "press/fi: fi, then sv (2 recipients)" in out
    assert "press/sv: sv, then fi (1 recipient)" in out


async def test_each_recipient_gets_their_language_only(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, MIXED)
    store_release(store, config.destinations, 1, ["fi", "sv"], T0)
    result = await drain_all(store, config.destinations, client, clock=lambda: T0)

    received = _by_recipient(smtp_sink)
    assert received == {
        "toimitus@yle.example": ["Uusi tiedote: Tiedote 1"],
        "desk@ilkka.example": ["Uusi tiedote: Tiedote 1"],
        "redaktion@hbl.example": ["Nytt pressmeddelande: Meddelande 1"],
    }
    assert len(smtp_sink.messages) == 2  # one mail per language group, not per recipient
    assert result.delivered == 2
    later = await drain_all(
        store, config.destinations, client, clock=lambda: T0 + timedelta(hours=1)
    )
    assert (later.delivered, later.skipped) == (0, 2)  # each held fallback superseded
    assert len(smtp_sink.messages) == 2
    sv_mail = next(m for m in smtp_sink.messages if m["Content-Language"] == "sv")
    plain = sv_mail.get_body(("plain",))
    assert (
        plain is not None and "Läs mer: https://www.vaasa.fi/sv/nyheter/1/" in plain.get_content()
    )


async def test_fallback_after_the_wait_when_a_language_is_missing(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, MIXED)
    store_release(store, config.destinations, 2, ["fi"], T0)

    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(minutes=5))
    assert set(_by_recipient(smtp_sink)) == {"toimitus@yle.example", "desk@ilkka.example"}

    later = T0 + timedelta(minutes=31)  # the Swedish version never came
    result = await drain_all(store, config.destinations, client, clock=lambda: later)
    assert result.delivered == 1
    received = _by_recipient(smtp_sink)
    # The Finnish release, with our words in Swedish, once; nobody got it twice.
    assert received["redaktion@hbl.example"] == ["Nytt pressmeddelande: Tiedote 2"]
    assert received["toimitus@yle.example"] == ["Uusi tiedote: Tiedote 2"]
    sv_mail = smtp_sink.messages[-1]
    plain = sv_mail.get_body(("plain",))
    assert plain is not None and "Läs mer: https://www.vaasa.fi/uutiset/2/" in plain.get_content()


async def test_the_preferred_language_arriving_late_supersedes_the_held_fallback(
    store: Store, smtp_sink: SmtpSink, client: httpx.AsyncClient
) -> None:
    config = email_config(smtp_sink, MIXED)
    store_release(store, config.destinations, 3, ["fi"], T0)
    await drain_all(store, config.destinations, client, clock=lambda: T0)
    sv_later = T0 + timedelta(minutes=10)
    store_release(store, config.destinations, 3, ["sv"], sv_later)  # same URLs: same release
    await drain_all(store, config.destinations, client, clock=lambda: T0 + timedelta(hours=1))

    received = _by_recipient(smtp_sink)
    assert received["redaktion@hbl.example"] == ["Nytt pressmeddelande: Meddelande 3"]
    assert received["toimitus@yle.example"] == ["Uusi tiedote: Tiedote 3"]
    assert {row.status for row in store.list_deliveries()} == {"delivered", "skipped"}
