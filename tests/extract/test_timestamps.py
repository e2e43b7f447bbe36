"""Published and updated: a date shown without a time, a modified time that is no update."""

from __future__ import annotations

import pytest

from syndicator.extract import extract_article

URL = "https://www.vaasa.fi/tiedote/testi/"
TEXT = "<p>Kaupunki tiedottaa, että uusi koulu avataan syksyllä ja se on kaikkien käytössä.</p>"


def page(head: str, byline: str) -> str:
    return (
        f'<html lang="fi"><head>{head}</head><body><article><h1 class="entry-title">Otsikko</h1>'
        f'<div class="entry-meta">{byline}</div><div class="entry-content">{TEXT}</div>'
        "</article></body></html>"
    )


def meta(published: str, modified: str) -> str:
    return (
        f'<meta property="article:published_time" content="{published}">'
        f'<meta property="article:modified_time" content="{modified}">'
    )


@pytest.mark.parametrize(
    ("html", "published", "updated"),
    [
        # the theme shows the day only; the meta of the same day knows the time
        (
            page(meta("2026-04-20T10:00:00+00:00", "2026-04-20T10:00:00+00:00"),
                 '<span class="published">20.4.2026</span>'),
            "2026-04-20T13:00:00+03:00",
            None,  # modified_time = published_time: never edited
        ),
        (
            page(meta("2026-04-20T10:00:00+00:00", "2026-04-21T07:00:00+00:00"), ""),
            "2026-04-20T13:00:00+03:00",
            "2026-04-21T10:00:00+03:00",
        ),
        # "entry-date updated" on one <time> is the published time, not an update
        (
            page(meta("", "2026-11-03T13:02:00+00:00"),
                 '<time class="entry-date updated" datetime="2026-11-03T11:20:00+02:00">x</time>'),
            "2026-11-03T11:20:00+02:00",
            "2026-11-03T15:02:00+02:00",
        ),
        # 03.30 EEST, then 03.30 EET an hour later: the night the clocks go back
        (
            page("", '<time class="published" datetime="2026-10-25T03:30:00+03:00">a</time>'
                     '<time class="updated" datetime="2026-10-25T03:30:00+02:00">b</time>'),
            "2026-10-25T03:30:00+03:00",
            "2026-10-25T03:30:00+02:00",
        ),
    ],
)  # fmt: skip
def test_dates(html: str, published: str, updated: str | None) -> None:
    article = extract_article(html, URL)
    assert article.published.isoformat() == published
    assert (article.updated.isoformat() if article.updated else None) == updated
