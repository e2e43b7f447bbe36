"""Finnish, Swedish and English date texts → aware datetimes in Europe/Helsinki.

Press pages write dates many ways ("29.11.2026 klo 10.15", "29. marraskuuta 2026",
"November 29, 2026", ISO 8601 in attributes). Every pattern is searched in the text and the
earliest valid match wins, so labels such as "Julkaistu" or "Updated" around it do no harm.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

from syndicator.locales import HELSINKI

__all__ = ["parse_date"]

_MAX_TEXT = 20_000  # a date label is short; never scan a whole page

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "tammi january januari jan",
        "helmi february februari feb",
        "maalis march mars mar",
        "huhti april apr",
        "touko may maj",
        "kesä june juni jun",
        "heinä july juli jul",
        "elo august augusti aug",
        "syys september sep sept",
        "loka october oktober oct okt",
        "marras november nov",
        "joulu december dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_FI_STEMS = "tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu"
_FI_MONTH = rf"(?:{_FI_STEMS})(?:kuuta|kuu|k\.)"
_WORD_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{_FI_MONTH}|(?:{_WORD_MONTH})\b\.?)"

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d)")
_SLASHED = re.compile(r"(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?!\d)")
_DAY_MONTH = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![^\W\d_]){_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\s*,?\s*(?:klo\.?|kl\.?|kello|at|@|-|–)?\s*"
    r"(?P<H>\d{1,2})[.:](?P<M>\d{2})(?:[.:](?P<S>\d{2}))?(?!\d)"
    r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?",
    re.IGNORECASE,
)


def parse_date(text: str, lang: str | None = None) -> datetime | None:
    """The first date (and time) in ``text``, aware in Europe/Helsinki; None if there is none.

    Naive times are Helsinki wall-clock time; offsets and ``Z`` are converted. ``lang`` is a
    hint only: month names of all three languages are understood whatever it says.
    """
    if not isinstance(text, str) or not text:
        return None
    text = text[:_MAX_TEXT]
    found: list[tuple[int, datetime]] = []
    for pattern, build in _PARSERS:
        for match in pattern.finditer(text):
            moment = _safely(build, match, text)
            if moment is not None:
                found.append((match.start(), moment))
                break
    if not found:
        return None
    return min(found, key=lambda pair: pair[0])[1]


def _safely(
    build: Callable[[re.Match[str], str], datetime | None], match: re.Match[str], text: str
) -> datetime | None:
    try:
        return build(match, text)
    except (ValueError, OverflowError):  # 31.2., hour 25, year 9999 + offset…
        return None


def _from_iso(match: re.Match[str], _text: str) -> datetime | None:
    hour, minute, second = (int(match.group(g) or 0) for g in ("H", "M", "S"))
    moment = datetime(int(match["y"]), int(match["m"]), int(match["d"]), hour, minute, second)
    offset = match["tz"]
    if not offset:
        return _local(moment)
    if offset.upper() == "Z":
        return _checked(moment.replace(tzinfo=UTC).astimezone(HELSINKI))
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    zone = timezone(delta if offset[0] == "+" else -delta)
    return _checked(moment.replace(tzinfo=zone).astimezone(HELSINKI))


def _from_numeric(match: re.Match[str], text: str) -> datetime | None:
    return _with_time(int(match["y"]), int(match["m"]), int(match["d"]), text, match.end())


def _from_slashed(match: re.Match[str], text: str) -> datetime | None:
    day, month = int(match["d"]), int(match["m"])
    if month > 12 >= day:  # 11/29/2026: an American order, unambiguous only this way round
        day, month = month, day
    return _with_time(int(match["y"]), month, day, text, match.end())


def _from_words(match: re.Match[str], text: str) -> datetime | None:
    month = _month_number(match["month"])
    if month is None:
        return None
    return _with_time(int(match["y"]), month, int(match["d"]), text, match.end())


def _month_number(word: str) -> int | None:
    key = word.lower().rstrip(".")
    for suffix in ("kuuta", "kuu", "k"):
        if key.endswith(suffix) and key[: -len(suffix)] in _MONTHS:
            return _MONTHS[key[: -len(suffix)]]
    return _MONTHS.get(key)


def _with_time(year: int, month: int, day: int, text: str, end: int) -> datetime | None:
    hour = minute = second = 0
    time = _TIME.match(text, end)
    if time is not None:
        hour, minute, second = (int(time.group(g) or 0) for g in ("H", "M", "S"))
        ampm = (time["ampm"] or "").lower()
        if ampm and 1 <= hour <= 12:
            hour = hour % 12 + (12 if ampm == "p" else 0)
        if hour > 23 or minute > 59 or second > 59:
            hour = minute = second = 0  # not a time after all (a score, a price…)
    return _local(datetime(year, month, day, hour, minute, second))


def _local(moment: datetime) -> datetime | None:
    # Through UTC and back: a wall-clock time inside the spring-forward gap becomes the real
    # instant it stands for, and every result carries the offset valid at that instant.
    return _checked(moment.replace(tzinfo=HELSINKI).astimezone(UTC).astimezone(HELSINKI))


def _checked(moment: datetime) -> datetime | None:
    return moment if 1900 <= moment.year <= 2200 else None


_PARSERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], str], datetime | None]], ...] = (
    (_ISO, _from_iso),
    (_NUMERIC, _from_numeric),
    (_SLASHED, _from_slashed),
    (_DAY_MONTH, _from_words),
    (_MONTH_DAY, _from_words),
)
