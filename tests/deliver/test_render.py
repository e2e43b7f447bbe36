"""Rendering: the Message per destination language, cutting and escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from syndicator.deliver import console
from syndicator.deliver.masking import mask_url
from syndicator.deliver.render import (
    escape_html,
    escape_mrkdwn,
    fit,
    headline,
    mrkdwn_link,
    render_message,
    truncate,
)
from syndicator.deliver.response import parse_retry_after
from syndicator.i18n import translate
from syndicator.model import Attachment, Contact
from tests.deliver.conftest import sample_entry


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Vaasa avaa uuden uimahallin", 100, "Vaasa avaa uuden uimahallin"),
        ("Vaasa avaa uuden uimahallin", 27, "Vaasa avaa uuden uimahallin"),
        ("Vaasa avaa uuden uimahallin", 20, "Vaasa avaa uuden…"),
        ("Vaasa avaa uuden uimahallin", 17, "Vaasa avaa uuden…"),
        ("Vaasa, avaa: uuden uimahallin", 13, "Vaasa, avaa…"),
        ("Kaupunginvaltuustonkokous", 10, "Kaupungin…"),  # one long word: cut inside it
        ("abc", 1, "…"),
        ("abc", 0, ""),
    ],
)
def test_truncate_cuts_at_word_boundaries(text: str, limit: int, expected: str) -> None:
    result = truncate(text, limit)
    assert result == expected
    assert len(result) <= max(limit, 0)


def test_fit_keeps_the_escaped_text_within_the_limit() -> None:
    text = "a & b < c > d " * 50
    escaped = fit(text, 100, escape_mrkdwn)
    assert len(escaped) <= 100 and escaped.endswith("…")
    assert "<" not in escaped and ">" not in escaped


def test_slack_escaping() -> None:
    assert escape_mrkdwn("<b> & <!channel>") == "&lt;b&gt; &amp; &lt;!channel&gt;"
    assert mrkdwn_link("https://x.fi/?a=1&b=<2>|", "A | B <c>") == (
        "<https://x.fi/?a=1&amp;b=%3C2%3E%7C|A ¦ B &lt;c&gt;>"
    )


def test_html_escaping() -> None:
    assert escape_html('<a href="x">Ä & Ö</a>') == "&lt;a href=&quot;x&quot;&gt;Ä &amp; Ö&lt;/a&gt;"


@pytest.mark.parametrize(
    ("locale", "read_more", "new", "updated"),
    [
        ("fi", "Lue lisää", "Uusi tiedote", "Päivitetty tiedote"),
        ("sv", "Läs mer", "Nytt pressmeddelande", "Uppdaterat pressmeddelande"),
        ("en", "Read more", "New press release", "Updated press release"),
    ],
)
def test_labels_in_the_destination_locale(
    locale: str, read_more: str, new: str, updated: str
) -> None:
    config = console.Config(kind="console", name="c", locale=locale)
    message = render_message(sample_entry(), "created", config, "k")
    assert message.lang == "fi"  # the content stays in the item's language
    assert message.labels["read_more"] == read_more
    assert message.labels["new_release"] == new
    assert message.labels["updated_release"] == updated
    assert message.labels["locale"] == locale


def test_labels_default_to_the_item_language() -> None:
    config = console.Config(kind="console", name="c")
    message = render_message(sample_entry(lang="sv-FI"), "updated", config, "key-1")
    assert message.lang == "sv" and message.labels["read_more"] == "Läs mer"
    assert message.event == "updated" and message.idempotency_key == "key-1"
    assert message.labels["published_at"] == "12.3.2025 kl. 10.00"
    assert message.labels["locale"] == "sv"


def test_message_fields() -> None:
    config = console.Config(kind="console", name="c")
    message = render_message(sample_entry(lead="", read_more=()), "created", config, "k")
    assert message.lead.startswith("Vaasan uusi uimahalli")  # no lead: the text's beginning
    assert [link.label for link in message.alternates] == ["På svenska", "In English"]
    assert message.image is not None and message.image.alt == "Uimahallin allas"
    assert message.source == "vaasa-fi" and message.release_id == 3
    assert message.published == datetime(2025, 3, 12, 8, 0, tzinfo=UTC)


def test_mask_url() -> None:
    assert mask_url("https://hooks.slack.com/services/T0123ABCD/B01/xyz", visible_segments=1) == (
        "https://hooks.slack.com/services/T01…/***"
    )
    assert mask_url("https://user:pw@h.example:8443/a/b?t=1", visible_segments=9) == (
        "https://h.example:8443/a/b?***"
    )
    assert mask_url("https://h.example/short", visible_segments=0) == "https://h.example/***"


def test_parse_retry_after() -> None:
    now = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("Wed, 12 Mar 2025 08:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 12 Mar 2025 07:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("locale", "withdrawn"),
    [("fi", "Tiedote peruttu"), ("sv", "Meddelandet återkallat"), ("en", "Release withdrawn")],
)
def test_headline_per_event(locale: str, withdrawn: str) -> None:
    config = console.Config(kind="console", name="c", locale=locale)
    headlines = [
        headline(render_message(sample_entry(), event, config, "k"))
        for event in ("created", "updated", "withdrawn")
    ]
    assert headlines[2] == withdrawn
    assert headlines[0] == translate("label.new_release", locale)
    assert headlines[1] == translate("label.updated_release", locale)


def test_edit_fields_are_filled() -> None:
    config = console.Config(kind="console", name="c")
    contact = Contact("Maija Meikäläinen", "liikuntajohtaja", "040 111 2222", "maija@vaasa.fi")
    attachment = Attachment("https://www.vaasa.fi/a.pdf", "Pohjapiirros", "application/pdf")
    entry = replace(sample_entry(contacts=(contact,), attachments=(attachment,)), version=3)
    message = render_message(entry, "updated", config, "k", remote_id="m-1",
                             changes=("Otsikko muuttui: “a” → “b”",))  # fmt: skip
    assert message.version == 3 and message.remote_id == "m-1"
    assert message.contacts == (contact,) and message.attachments == (attachment,)
    assert message.changes == ("Otsikko muuttui: “a” → “b”",)
    plain = render_message(sample_entry(), "created", config, "k")
    assert plain.remote_id is None and plain.changes == () and plain.version == 1
