"""The pure decisions: new / updated / unchanged, routing, retry and poll backoff."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from syndicator.decide import (
    assess_health,
    content_hash,
    decide,
    recheck_due,
    route,
    superseded,
)
from syndicator.deliver import console, webhook
from syndicator.deliver.outbox import RetryPolicy, retry_delay
from syndicator.model import Article, EventKind, Link, StoredItem
from syndicator.scheduler import failure_backoff

BASE = Article(
    url="https://www.vaasa.fi/tiedote/akkutehdas/",
    title="Akkuteollisuudella loistava mahdollisuus",
    lang="fi",
    published=datetime(2026, 11, 27, 8, 15, tzinfo=UTC),
    updated=None,
    lead="Vaasan akkutehdashanke on koonnut laajan verkoston.",
    body_html="<p>Vaasan akkutehdashanke on koonnut laajan verkoston.</p>",
    text="Vaasan akkutehdashanke on koonnut laajan verkoston.",
    read_more=(Link("https://www.energyvaasa.fi/akku/", "Lue lisää"),),
)


def _stored(article: Article) -> StoredItem:
    return StoredItem(
        1, 1, article.url, 3, content_hash(article), BASE.published or datetime.now(UTC)
    )


@pytest.mark.parametrize(
    ("change", "action"),
    [
        ({}, "skip"),
        ({"text": "  Vaasan akkutehdashanke   on koonnut\nlaajan verkoston. "}, "skip"),
        (
            {"body_html": "<p class='x'>Vaasan akkutehdashanke on koonnut laajan verkoston.</p>"},
            "skip",
        ),
        ({"updated": datetime(2026, 11, 28, tzinfo=UTC)}, "skip"),
        ({"title": "Akkuteollisuudella upea mahdollisuus"}, "update"),
        ({"text": "Uusi kappale lisätty."}, "update"),
        ({"published": datetime(2026, 11, 28, 8, 15, tzinfo=UTC)}, "update"),
        ({"read_more": (Link("https://www.energyvaasa.fi/toinen/"),)}, "update"),
    ],
)
def test_decide_table(change: dict[str, object], action: str) -> None:
    decision = decide(_stored(BASE), replace(BASE, **change))  # type: ignore[arg-type]
    assert decision.action == action
    assert decision.version == (4 if action == "update" else 3)
    assert decision.event == {"update": "updated", "skip": None}[action]


def test_new_item_is_created_as_version_one() -> None:
    decision = decide(None, BASE)
    assert (decision.action, decision.version, decision.event) == ("create", 1, "created")


def test_route_filters_language_source_event_and_enabled() -> None:
    destinations = [
        console.Config(name="all", kind="console"),
        console.Config(name="sv-only", kind="console", languages=("sv",)),
        console.Config(name="other-source", kind="console", sources=("vaasa-sv",)),
        console.Config(name="created-only", kind="console", events=("created",)),
        webhook.Config(
            name="off", kind="webhook", url="https://x.example/", secret="whsec_eA==", enabled=False
        ),
    ]

    def names(source: str, lang: str, event: EventKind) -> list[str]:
        return [name for name, _hold in route(destinations, source=source, lang=lang, event=event)]

    assert names("vaasa-fi", "fi", "created") == ["all", "created-only"]
    assert names("vaasa-sv", "sv", "updated") == ["all", "sv-only", "other-source"]
    assert names("vaasa-fi", "fi", "withdrawn") == ["all"]


def test_a_withdrawn_item_that_answers_again_is_an_update() -> None:
    withdrawn = replace(_stored(BASE), withdrawn_at=datetime(2026, 11, 28, tzinfo=UTC))
    decision = decide(withdrawn, BASE)  # the same content as before it went away
    assert (decision.action, decision.version, decision.event) == ("update", 4, "updated")


def test_one_language_holds_fallbacks_and_supersedes() -> None:
    journalist = console.Config(
        name="sv-desk",
        kind="console",
        languages=("sv", "fi"),
        one_language=True,
        language_wait="10m",
    )
    assert route([journalist], source="s", lang="sv", event="created") == [("sv-desk", 0.0)]
    assert route([journalist], source="s", lang="fi", event="created") == [("sv-desk", 600.0)]
    assert route([journalist], source="s", lang="en", event="created") == []
    assert superseded(journalist, "fi", ["fi", "sv"])
    assert not superseded(journalist, "fi", ["fi"])
    assert not superseded(journalist, "sv", ["fi", "sv"])
    every = console.Config(name="all", kind="console", languages=("sv", "fi"))
    assert route([every], source="s", lang="fi", event="created") == [("all", 0.0)]
    assert not superseded(every, "fi", ["fi", "sv"])


@pytest.mark.parametrize(
    ("attempts", "retry_after", "low", "high"),
    [
        (1, None, 8.0, 12.0),
        (2, None, 16.0, 24.0),
        (4, None, 64.0, 96.0),
        (5, None, 80.0, 100.0),
        (30, None, 80.0, 100.0),  # capped at 100 s, jitter stays under the cap
        (1, 2.0, 8.0, 12.0),  # Retry-After shorter than our backoff: ours wins
        (1, 60.0, 60.0, 60.0),  # Retry-After longer: never sooner than asked
    ],
)
def test_retry_delay(attempts: int, retry_after: float | None, low: float, high: float) -> None:
    policy = RetryPolicy(base=10.0, cap=100.0)
    for rand in (0.0, 0.5, 0.999):
        delay = retry_delay(attempts, retry_after, policy, rand=lambda r=rand: r)
        assert low <= delay <= min(high, 100.0 if retry_after is None else max(high, retry_after))


@pytest.mark.parametrize(
    ("failures", "interval", "retry_after", "expected"),
    [(1, 900, None, 30), (3, 900, None, 120), (20, 900, None, 3600), (1, 900, 600, 600)],
)
def test_failure_backoff(
    failures: int, interval: float, retry_after: float | None, expected: float
) -> None:
    assert failure_backoff(failures, interval, retry_after) == expected


@pytest.mark.parametrize(
    ("candidates", "not_modified", "known", "extracted", "generic", "previous", "verdict"),
    [
        (5, False, 10, 5, 0, None, None),  # healthy
        (0, False, 10, 0, 0, None, "source.no_candidates"),  # listing suddenly empty
        (0, False, 0, 0, 0, None, None),  # a new, empty source is not "degraded"
        (0, True, 10, 0, 0, "source.no_candidates", "source.no_candidates"),  # 304 proves nothing
        (5, False, 10, 4, 3, None, "source.profile_misses"),  # mostly generic extraction
        (5, False, 10, 4, 2, None, None),  # half is not "mostly"
        (5, False, 10, 0, 0, "source.profile_misses", "source.profile_misses"),  # nothing read
        (5, False, 10, 0, 0, "source.no_candidates", None),  # the listing works again
        (5, False, 10, 3, 0, "source.profile_misses", None),  # recovered
    ],
)
def test_assess_health(
    candidates: int,
    not_modified: bool,
    known: int,
    extracted: int,
    generic: int,
    previous: str | None,
    verdict: str | None,
) -> None:
    assert (
        assess_health(
            candidates=candidates,
            not_modified=not_modified,
            known_items=known,
            extracted=extracted,
            generic=generic,
            previous=previous,
        )
        == verdict
    )


@pytest.mark.parametrize(
    ("age", "since_check", "due"),
    [
        (timedelta(hours=1), None, True),  # never checked
        (timedelta(hours=1), timedelta(minutes=10), False),  # young: every 15 min at most
        (timedelta(hours=1), timedelta(minutes=16), True),
        (timedelta(days=2), timedelta(hours=5), False),  # two days old: every 6 h
        (timedelta(days=2), timedelta(hours=6), True),
        (timedelta(days=12), timedelta(hours=23), False),  # old: once a day
        (timedelta(days=12), timedelta(hours=24), True),
        (timedelta(days=15), timedelta(days=3), False),  # past recheck_days: never
    ],
)
def test_recheck_due(age: timedelta, since_check: timedelta | None, due: bool) -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    stored = StoredItem(1, 1, "https://x/", 1, "h", now - age,
                        None if since_check is None else now - since_check)  # fmt: skip
    assert recheck_due(stored, now, recheck_days=14) is due
