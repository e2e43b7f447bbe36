"""The index page takes its words and dates from ``syndicator.i18n``, like the messages do."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from lxml import html

from syndicator.i18n import LANGUAGES
from syndicator.web.index import render_index
from tests.publish.samples import make_config, make_entry
from tests.web.conftest import sample_states

EARLY = datetime(2026, 3, 1, 7, 5, tzinfo=UTC)  # 9.05 on 1 March in Helsinki


def _page(lang: str) -> html.HtmlElement:
    entry = make_entry("fi")
    entry = replace(entry, article=replace(entry.article, published=EARLY))
    states = [replace(state, last_poll_at=EARLY) for state in sample_states()]
    return html.fromstring(render_index(lang, make_config(), {"fi": [entry]}, states))


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("fi", "1.3.2026 klo 9.05"), ("sv", "1.3.2026 kl. 9.05"), ("en", "1 March 2026, 9:05")],
)
def test_index_dates_as_in_messages(lang: str, shown: str) -> None:
    times = _page(lang).xpath("//time")
    assert times and {time.text for time in times} == {shown}
    assert {time.get("datetime") for time in times} == {"2026-03-01T09:05:00+02:00"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_shows_no_raw_keys(lang: str) -> None:
    """A missing word shows its key; the index must never need that fallback."""
    text = _page(lang).text_content()
    assert "index." not in text and "error." not in text


@pytest.mark.parametrize(
    ("lang", "copy", "copied"),
    [("fi", "Kopioi", "Kopioitu"), ("sv", "Kopiera", "Kopierad"), ("en", "Copy", "Copied")],
)
def test_copy_buttons_get_their_words_from_the_feed_lists(
    lang: str, copy: str, copied: str
) -> None:
    """``static/copy.js`` labels its buttons with these attributes of each list of addresses."""
    lists = _page(lang).xpath("//ul[.//input[@type='url']]")
    assert len(lists) == 4  # combined + one per language
    assert {(ul.get("data-copy"), ul.get("data-copied")) for ul in lists} == {(copy, copied)}
