"""E-mail rows that go out together: digests (``schedule``) and bilingual mails (``bilingual``).

The outbox hands such a destination here instead of sending row by row. Each pass leases
every due row of the destination at once (``Store.claim_digest``) and:

- puts back the rows whose time has not come: a digest row until its slot
  (``digest.slot_of``); a bilingual row, for at most ``language_wait`` after it was stored,
  until the release exists in every wanted language;
- skips withdrawn events (a mail cannot be taken back), ignored updates and, with
  ``one_language``, versions a preferred language supersedes;
- groups the rest into bundles: one release each, and with ``bilingual`` every wanted
  language version of it (companions read with ``Store.release_entries``);
- sends ONE mail per digest (every bundle) or per bundle (``deliver.emailbundle``), which
  records the outcome of all its rows in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from syndicator.configbase import DestinationBase
from syndicator.decide import superseded
from syndicator.deliver.attempt import Attempt
from syndicator.deliver.digest import digest_ready, slot_of
from syndicator.deliver.email import Config
from syndicator.deliver.emailbundle import Bundle, send_mail, settle_failed
from syndicator.deliver.policy import DrainResult
from syndicator.deliver.render import render_message
from syndicator.errors import PermanentDeliveryError
from syndicator.logs import log_event
from syndicator.model import Delivery, Entry, EventKind

__all__ = ["batched", "run"]

log = logging.getLogger("syndicator.outbox")


def batched(config: DestinationBase) -> bool:
    """Does ``config``'s outbox lane go through ``run`` instead of row by row?"""
    return bool(getattr(config, "schedule", None) or getattr(config, "bilingual", False))


async def run(attempt: Attempt, result: DrainResult, *, dry_run: bool) -> None:
    """The destination's due rows, pass after pass, until a pass sends nothing."""
    config = attempt.config
    if not isinstance(config, Config):
        raise TypeError(f"emailbatch: expected email.Config, got {type(config).__name__}")
    while await _pass(attempt, config, result, dry_run=dry_run):
        pass


async def _pass(attempt: Attempt, config: Config, result: DrainResult, *, dry_run: bool) -> bool:
    """One claim of every due row (see the module docstring); True when it sent a mail or
    handed rows back for lack of time, so another pass may find more."""
    store, now = attempt.store, attempt.clock()
    rows = await attempt.call(store.claim_digest, config.name, owner=attempt.owner, now=now,
                              lease=attempt.policy.lease)  # fmt: skip
    if dry_run:
        await _dry_run(attempt, config, rows, result, now)
        return False
    ready = await _hold_back(attempt, config, rows, now)
    bundles = await _bundles(attempt, config, ready, result)
    mails = [bundles] if config.schedule and bundles else [[bundle] for bundle in bundles]
    budget = now + timedelta(seconds=attempt.policy.deadline)
    for index, mail in enumerate(mails):
        if index and attempt.clock() >= budget:  # the lease must outlast the last send
            rest = [row.id for later in mails[index:] for bundle in later for row in bundle.rows]
            await attempt.call(store.defer_digest, rest, owner=attempt.owner,
                               until=attempt.clock(), now=attempt.clock())  # fmt: skip
            log_event(log, logging.INFO, "delivery.handed_back",
                      f"{len(rest)} deliveries handed back for the next pass: half the lease "
                      "is spent", destination=config.name, count=len(rest))  # fmt: skip
            return True
        await send_mail(attempt, config, mail, result)
    return bool(mails)


async def _dry_run(
    attempt: Attempt, config: Config, rows: Sequence[Delivery], result: DrainResult, now: datetime
) -> None:
    """One line per row saying when it would go; every row handed back exactly as it was
    (the outbox's own hand-back would make it due now, which moves a digest row's slot)."""
    unchanged: dict[datetime, list[int]] = {}
    for row in rows:
        until = await _wait_until(attempt, config, row, now)
        when = "now" if until is None else f"at {until.isoformat()}"
        result.dry_run += 1
        log_event(log, logging.INFO, "delivery.dry_run",
                  f"would send release {row.release_id} to {config.name} {when}",
                  destination=config.name, delivery_id=row.id,
                  release_id=row.release_id)  # fmt: skip
        unchanged.setdefault(row.next_attempt_at, []).append(row.id)
    for due, ids in unchanged.items():
        await attempt.call(attempt.store.defer_digest, ids, owner=attempt.owner, until=due,
                           now=now)  # fmt: skip


async def _hold_back(
    attempt: Attempt, config: Config, rows: Sequence[Delivery], now: datetime
) -> list[Delivery]:
    """The rows to send now; the others handed back until their time."""
    ready: list[Delivery] = []
    waiting: dict[datetime, list[int]] = {}
    for row in rows:
        until = await _wait_until(attempt, config, row, now)
        if until is None:
            ready.append(row)
        else:
            waiting.setdefault(until, []).append(row.id)
    for until, ids in waiting.items():
        await attempt.call(attempt.store.defer_digest, ids, owner=attempt.owner, until=until,
                           now=now)  # fmt: skip
        log_event(log, logging.INFO, "delivery.held",
                  f"{len(ids)} deliveries wait until {until.isoformat()}",
                  destination=config.name, count=len(ids))  # fmt: skip
    return ready


async def _wait_until(
    attempt: Attempt, config: Config, row: Delivery, now: datetime
) -> datetime | None:
    if config.schedule:
        if digest_ready(config.schedule, row, now):
            return None
        return slot_of(config.schedule, row.next_attempt_at)
    if row.attempts or row.created_at is None:
        return None
    until = row.created_at + timedelta(seconds=config.language_wait)
    if until <= now:
        return None
    available = await attempt.call(attempt.store.release_languages, row.release_id)
    return None if set(config.languages) <= set(available) else until


async def _bundles(
    attempt: Attempt, config: Config, rows: Sequence[Delivery], result: DrainResult
) -> list[Bundle]:
    groups: dict[int, list[tuple[Delivery, EventKind, Entry]]] = {}
    for row in rows:
        found = await attempt.call(attempt.store.entry_for_event, row.event_id)
        if found is None:
            vanished = PermanentDeliveryError("event vanished", code="delivery.no_event")
            await settle_failed(attempt, [row], vanished, "delivery.failed", result)
            continue
        event, entry = found
        if reason := await _not_sent(attempt, config, row, event, entry):
            code, words = reason
            await attempt.call(attempt.store.skip_digest, [row.id], owner=attempt.owner,
                               code=code, reason=words, now=attempt.clock())  # fmt: skip
            log_event(log, logging.INFO, "delivery.skipped", words, destination=config.name,
                      delivery_id=row.id, release_id=row.release_id)  # fmt: skip
            result.count(config.name, "skipped")
            continue
        key = row.release_id if config.bilingual else row.id
        groups.setdefault(key, []).append((row, event, entry))
    return [await _bundle(attempt, config, group) for group in groups.values()]


async def _not_sent(
    attempt: Attempt, config: Config, row: Delivery, event: EventKind, entry: Entry
) -> tuple[str, str] | None:
    """Why ``row`` is skipped (code, words), or None to send it."""
    if event == "withdrawn":
        return "delivery.withdrawn", "a sent mail cannot be withdrawn"
    if event == "updated" and config.on_update == "ignore":
        return "delivery.ignored", "updates are ignored by this destination"
    if config.one_language:
        available = await attempt.call(attempt.store.release_languages, row.release_id)
        if superseded(config, entry.article.lang, available):
            return "delivery.superseded", f"release exists in {available}"
    return None


async def _bundle(
    attempt: Attempt, config: Config, group: Sequence[tuple[Delivery, EventKind, Entry]]
) -> Bundle:
    """The group's rows in language order, with every wanted version of the release: each
    at its newest content, all under the first row's event (a reader who never got the
    release gets it as new even when an update is pending too)."""

    def rank(lang: str | None) -> int:
        order = config.languages
        return order.index(lang) if lang in order else len(order)

    group = sorted(group, key=lambda found: rank(found[2].article.lang))
    first, event, _entry = group[0]
    versions = {entry.article.lang: entry for _row, _kind, entry in group}  # the last wins
    if config.bilingual:
        for entry in await attempt.call(attempt.store.release_entries, first.release_id):
            if entry.article.lang in config.languages:
                versions.setdefault(entry.article.lang, entry)
    messages = [
        render_message(entry, event, config, first.idempotency_key)
        for _lang, entry in sorted(versions.items(), key=lambda item: rank(item[0]))
    ]
    return Bundle(tuple(row for row, _kind, _entry in group), tuple(messages))
