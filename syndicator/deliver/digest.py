"""E-mail digests: when the next one goes out, and what it says.

``schedule = "hourly"`` or ``"daily 08:00"`` (Helsinki time). PURE: ``next_slot`` and
``digest_ready`` decide; ``digest_text`` / ``digest_html`` render one mail that lists
several releases (title, time, lead, read-more link), each in its language, our words in
the destination's. ``deliver.emailbatch`` claims, sends and records.

A row's slot is the first slot at or after the moment it became due (its
``next_attempt_at``: when it was stored, or when its language wait ended). A row first
claimed before its slot is put back until the slot; at the slot it is ready. A row that
was tried already (``attempts > 0``: the digest failed and is retried) is ready at once,
so a retried digest lists the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator

from syndicator.deliver.render import escape_html
from syndicator.i18n import LANGUAGE_NAMES, format_datetime
from syndicator.locales import HELSINKI
from syndicator.model import Delivery, Message

__all__ = [
    "Schedule",
    "digest_html",
    "digest_ready",
    "digest_subject",
    "digest_text",
    "next_slot",
    "slot_of",
]

_DAILY = re.compile(r"^daily ([01]\d|2[0-3]):([0-5]\d)$")
_JUST_BEFORE = timedelta(microseconds=1)


def _check_schedule(value: str) -> str:
    if value != "hourly" and not _DAILY.match(value):
        raise ValueError('expected "hourly" or "daily HH:MM" (Europe/Helsinki), e.g. "daily 08:00"')
    return value


Schedule = Annotated[str, AfterValidator(_check_schedule)]


def next_slot(schedule: str, now: datetime) -> datetime:
    """PURE. The first digest time strictly after ``now`` (aware), in UTC.

    Daily slots are Helsinki wall-clock times: 08:00 stays 08:00 across DST. A time the
    spring change skips is sent an hour later (its fold-0 reading); a time the autumn
    change repeats is sent once, at its first occurrence."""
    if schedule == "hourly":  # Helsinki's offsets are whole hours: UTC hours are its hours
        hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        return hour + timedelta(hours=1)
    match = _DAILY.match(schedule)
    if match is None:
        raise ValueError(f"not a schedule: {schedule!r}")
    at = time(int(match.group(1)), int(match.group(2)))
    day = now.astimezone(HELSINKI).date()
    while True:
        slot = datetime.combine(day, at, tzinfo=HELSINKI).astimezone(UTC)
        if slot > now:
            return slot
        day += timedelta(days=1)


def slot_of(schedule: str, due: datetime) -> datetime:
    """PURE. The slot a row that became due at ``due`` goes out in (``due`` itself when
    it is a slot)."""
    return next_slot(schedule, due - _JUST_BEFORE)


def digest_ready(schedule: str, row: Delivery, now: datetime) -> bool:
    """PURE. Does ``row`` go out in a digest at ``now`` (else: wait for ``slot_of``)?"""
    return row.attempts > 0 or slot_of(schedule, row.next_attempt_at) <= now


def digest_subject(labels: dict[str, str], now: datetime, count: int) -> str:
    """``Tiedotekooste 3.12.2026 (3)``: the digest word, the local date, how many."""
    local = now.astimezone(HELSINKI)
    word = labels.get("digest", "Press releases")
    return f"{word} {local.day}.{local.month}.{local.year} ({count})"


def digest_text(items: Sequence[Sequence[Message]], labels: dict[str, str]) -> str:
    """Each item (one release: its language versions) as a numbered block."""
    lines: list[str] = []
    for number, versions in enumerate(items, start=1):
        for index, message in enumerate(versions):
            prefix = f"{number}. " if index == 0 else "   "
            lines.append(f"{prefix}{_heading(message, versions)}{_title(message)}")
            lines.append(f"   {format_datetime(message.published, labels.get('locale'))}")
            if message.lead:
                lines.append(f"   {message.lead}")
            lines.append(f"   {message.labels.get('read_more', 'Read more')}: {message.url}")
        lines.append("")
    return "\n".join(lines)


def digest_html(items: Sequence[Sequence[Message]], labels: dict[str, str], title: str) -> str:
    lang = escape_html(labels.get("locale", "en"))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape_html(title)}</title></head><body>",
        f"<h1>{escape_html(title)}</h1>",
        "<ol>",
    ]
    for versions in items:
        parts.append("<li>")
        for message in versions:
            when = format_datetime(message.published, labels.get("locale"))
            read_more = message.labels.get("read_more", "Read more")
            parts += [
                f'<div lang="{escape_html(message.lang)}"><h2>'
                f"{escape_html(_heading(message, versions))}"
                f'<a href="{escape_html(message.url)}">{escape_html(_title(message))}</a></h2>',
                f"<p><small>{escape_html(when)}</small></p>",
                f"<p>{escape_html(message.lead)}</p>" if message.lead else "",
                f'<p><a href="{escape_html(message.url)}">{escape_html(read_more)}</a></p></div>',
            ]
        parts.append("</li>")
    parts += ["</ol>", "</body></html>"]
    return "\n".join(part for part in parts if part) + "\n"


def _title(message: Message) -> str:
    """The title, marked when the release was updated since it was first listed."""
    if message.event != "updated":
        return message.title
    return f"{message.title} ({message.labels.get('updated', 'Updated')})"


def _heading(message: Message, versions: Sequence[Message]) -> str:
    """``[svenska] `` before each version of a release listed in several languages."""
    if len(versions) < 2:
        return ""
    return f"[{LANGUAGE_NAMES.get(message.lang, message.lang)}] "
