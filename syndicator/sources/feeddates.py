"""When a feed entry was published or updated, read from the text the feed wrote.

feedparser's ``published_parsed`` is a UTC ``struct_time`` that has already lost the zone:
it reads an unknown zone name (``EET``, ``EEST``: Finnish feeds write them) as UTC, a date
with no zone as UTC too, and drops an RFC 822 date without one altogether. Here RFC 822 and
ISO 8601 text are parsed directly; a time without a zone is Helsinki time (the sites we
read); only what neither form reads falls back to feedparser's struct.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from syndicator.locales import HELSINKI

__all__ = ["entry_moment", "parse_moment"]

_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3,},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]+|[+-]\d{4}|[+-]\d{2}:\d{2})?$"
)
_MONTHS = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_ZONES = {"GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EET": 2, "EEST": 3}  # hours east of UTC


def entry_moment(entry: Any, name: str) -> datetime | None:
    """``published`` or ``updated`` of a feedparser entry, aware, in Europe/Helsinki."""
    # dict.get: FeedParserDict maps a missing updated* to published* with a warning.
    raw = dict.get(entry, name)
    moment = parse_moment(raw) if isinstance(raw, str) else None
    if moment is None:
        parsed = dict.get(entry, f"{name}_parsed")
        if isinstance(parsed, time.struct_time):
            moment = datetime(*parsed[:6], tzinfo=UTC)
    return moment.astimezone(HELSINKI) if moment is not None else None


def parse_moment(text: str) -> datetime | None:
    """RFC 822 or ISO 8601 text → an aware datetime; None for anything else."""
    text = text.strip()
    try:
        moment: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        moment = _rfc822(text)
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=HELSINKI)


def _rfc822(text: str) -> datetime | None:
    match = _RFC822.match(text)
    month = _MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), month, int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    if zone is None:
        return moment  # naive: the caller's local time
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return moment.replace(tzinfo=timezone(-offset if zone[0] == "-" else offset))
    hours = _ZONES.get(zone.upper())
    # Other names (EST, CET, ...): feedparser knows more of them; let it read this one.
    return None if hours is None else moment.replace(tzinfo=timezone(timedelta(hours=hours)))
