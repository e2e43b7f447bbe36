"""poll → extract → store → feeds → deliver, through the real CLI, against local servers."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import feedparser

from syndicator.demo.releases import ReleaseText
from syndicator.demo.site import SampleSite, SiteHandle
from syndicator.locales import HELSINKI
from syndicator.store import open_store
from tests.e2e.conftest import (
    ARENA,
    COOKIE_PHRASES,
    LIBRARY,
    Sinks,
    all_destinations,
    log_lines,
    sources_toml,
    syndicator,
    write_config,
)


def _feed(tmp_path: Path, name: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((tmp_path / "public" / "feeds" / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def _email_text(message: EmailMessage) -> str:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return str(plain.get_content()) + str(html.get_content())


def _everything_sent(sinks: Sinks) -> str:
    bodies = [r.body.decode() for r in sinks.webhook.requests + sinks.slack.requests]
    return "\n".join(bodies + [_email_text(m) for m in sinks.smtp.messages])


def test_poll_publish_deliver_edit_restart(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    config = write_config(
        tmp_path, sources_toml(handle.url, catch_up=False), all_destinations(sinks)
    )

    syndicator("poll", "--once", "--config", str(config))

    # Feeds: both releases in both languages, with titles, dates, language and read-more.
    combined = _feed(tmp_path, "atom.xml")
    titles = {entry.title for entry in combined.entries}
    assert titles == {
        LIBRARY["fi"].title,
        LIBRARY["sv"].title,
        ARENA["fi"].title,
        ARENA["sv"].title,
    }
    fi = _feed(tmp_path, "fi/atom.xml")
    assert [entry.title for entry in fi.entries] == [ARENA["fi"].title, LIBRARY["fi"].title]
    library = fi.entries[1]
    published = sample.release("kirjasto").published.astimezone(HELSINKI)
    assert library.published == published.isoformat()
    assert library.link == f"{handle.url}tiedote/{LIBRARY['fi'].slug}/"
    related = [link.href for link in library.links if link.rel == "related"]
    assert related == ["https://www.energyvaasa.fi/kirjasto/"]  # tracking parameters dropped
    alternates = {
        link.get("hreflang"): link.href for link in library.links if link.rel == "alternate"
    }
    assert alternates["sv"] == f"{handle.url}sv/tiedote/{LIBRARY['sv'].slug}/"
    sv = _feed(tmp_path, "sv/rss.xml")
    assert {entry.title for entry in sv.entries} == {LIBRARY["sv"].title, ARENA["sv"].title}
    json_feed = json.loads(
        (tmp_path / "public" / "feeds" / "feed.json").read_text(encoding="utf-8")
    )
    assert {item["language"] for item in json_feed["items"]} == {"fi", "sv"}

    # Deliveries: every item to the webhook (signed), fi to Slack, sv by e-mail.
    assert len(sinks.webhook.requests) == 4 and all(sinks.webhook.verified)
    payloads = [request.json() for request in sinks.webhook.requests]
    assert {p["type"] for p in payloads} == {"release.created"}
    assert {p["data"]["title"] for p in payloads} == titles
    assert len({request.headers["webhook-id"] for request in sinks.webhook.requests}) == 4
    assert len(sinks.slack.requests) == 2 and not any(r.problems for r in sinks.slack.requests)
    headers = {
        block["text"]["text"]
        for r in sinks.slack.requests
        for block in r.json()["blocks"]
        if block["type"] == "header"
    }
    assert headers == {LIBRARY["fi"].title, ARENA["fi"].title}
    subjects = sorted(str(message["Subject"]) for message in sinks.smtp.messages)
    assert subjects == sorted(f"Nytt pressmeddelande: {t['sv'].title}" for t in (LIBRARY, ARENA))
    assert any("Maija Meikäläinen" in _email_text(m) for m in sinks.smtp.messages)

    # The site publishes one release and edits another: exactly one created, one updated.
    store = open_store(f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
    last_event = store.events_after(0)[-1].id
    sample.add_release(
        "uimahalli",
        {
            "fi": ReleaseText(
                slug="uimahalli-avataan",
                title="Uimahalli avataan joulun alla",
                lead="Vaasan uimahalli avataan remontin jälkeen 20. joulukuuta.",
                paragraphs=("Remontissa uusittiin altaat ja saunat.",),
            )
        },
    )
    sample.edit_release(
        "jaahalli", "fi", body="Korjaus koskee myös valaistusta.\n\nTyöt alkavat toukokuussa."
    )
    syndicator("poll", "--once", "--config", str(config))
    events = store.events_after(last_event)
    assert sorted((e.kind, e.url.rsplit("/", 2)[-2]) for e in events) == [
        ("created", "uimahalli-avataan"),
        ("updated", ARENA["fi"].slug),
    ]
    new_payloads = [request.json() for request in sinks.webhook.requests[4:]]
    assert sorted(p["type"] for p in new_payloads) == ["release.created", "release.updated"]
    assert len(sinks.slack.requests) == 4 and len(sinks.smtp.messages) == 2
    edited = next(e for e in _feed(tmp_path, "fi/atom.xml").entries if e.title == ARENA["fi"].title)
    assert edited.id == f"{handle.url}tiedote/{ARENA['fi'].slug}/"  # ids survive edits
    assert edited.updated != edited.published

    # Restart: a new process on the same SQLite file sends nothing twice.
    syndicator("poll", "--once", "--config", str(config))
    assert (len(sinks.webhook.requests), len(sinks.slack.requests), len(sinks.smtp.messages)) == (
        6,
        4,
        2,
    )
    listing = syndicator("deliveries", "list", "--config", str(config)).stdout
    assert listing.count("delivered") == 12

    # No consent-banner text anywhere: feeds, webhook bodies, Slack messages, e-mails.
    published_text = _everything_sent(sinks) + "".join(
        path.read_text(encoding="utf-8")
        for path in (tmp_path / "public").rglob("*")
        if path.is_file()
    )
    for phrase in COOKIE_PHRASES:
        assert phrase not in published_text
    store.close()


def test_first_poll_of_a_new_source_is_a_catch_up(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    sample, handle = site
    config = write_config(
        tmp_path, sources_toml(handle.url, catch_up=True, langs=("fi",)), all_destinations(sinks)
    )
    first = syndicator("poll", "--once", "--config", str(config))
    catch_up_lines = [
        line for line in log_lines(first.stderr) if line.get("event") == "delivery.catch_up"
    ]
    assert len(catch_up_lines) == 2 and all(line["source"] == "site-fi" for line in catch_up_lines)
    assert sinks.webhook.requests == [] and sinks.slack.requests == []
    assert len(_feed(tmp_path, "fi/atom.xml").entries) == 2  # the feeds are filled all the same

    sample.add_release(
        "uusi",
        {
            "fi": ReleaseText(
                slug="uusi-tiedote",
                title="Torin joulumarkkinat alkavat",
                lead="Joulumarkkinat avataan kauppatorilla perjantaina.",
                paragraphs=("Markkinoilla on yli viisikymmentä myyjää.",),
            )
        },
    )
    syndicator("poll", "--once", "--config", str(config))
    assert [r.json()["data"]["title"] for r in sinks.webhook.requests] == [
        "Torin joulumarkkinat alkavat"
    ]
    assert len(sinks.slack.requests) == 1


def test_dead_letters_are_listed_and_retried_and_feeds_build_writes_files(
    site: tuple[SampleSite, SiteHandle], sinks: Sinks, tmp_path: Path
) -> None:
    _sample, handle = site
    config = write_config(
        tmp_path, sources_toml(handle.url, catch_up=False, langs=("fi",)), all_destinations(sinks)
    )
    sinks.webhook.respond(400, 400)  # the partner rejects both releases: permanent, no retry
    syndicator("poll", "--once", "--config", str(config))
    failed = syndicator("deliveries", "list", "--status", "failed", "--config", str(config))
    assert failed.stdout.count("partner-hook") == 2 and "delivery.http_400" in failed.stdout
    syndicator("poll", "--once", "--config", str(config))
    assert len(sinks.webhook.requests) == 2  # dead letters are not retried by themselves

    retried = syndicator("deliveries", "retry", "--all-failed", "--config", str(config))
    assert retried.stdout.strip() == "2 deliveries queued again"
    syndicator("poll", "--once", "--config", str(config))
    assert [r.headers["webhook-id"] for r in sinks.webhook.requests[2:]] == [
        r.headers["webhook-id"] for r in sinks.webhook.requests[:2]
    ]
    assert "failed" not in syndicator("deliveries", "list", "--config", str(config)).stdout

    out = tmp_path / "built"
    built = syndicator("feeds", "build", "--out", str(out), "--config", str(config))
    written = built.stdout.splitlines()
    # combined, fi, sv, en and the source's own feeds (3 formats each), and the archive
    # pages of the documents that hold releases: combined, fi and the source (one page each)
    assert len(written) == 3 * (4 + 1) + 3 * 3
    assert str(out / "feeds" / "source" / "site-fi" / "atom.xml") in written
    assert str(out / "feeds" / "fi" / "archive" / "1" / "atom.xml") in written
    parsed = feedparser.parse((out / "feeds" / "fi" / "rss.xml").read_bytes())
    assert parsed.bozo == 0 and len(parsed.entries) == 2
    assert syndicator("deliveries", "retry", "--config", str(config), check=False).returncode == 2
