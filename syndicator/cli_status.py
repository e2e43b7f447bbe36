"""``syndicator status``: the ``/status`` page's facts in the terminal, for people and cron.

Tables are drawn by rich: colours and the terminal's width on a terminal, plain text without
escape codes and never wrapped (as wide as the widest row) when piped. ``--json`` prints one
object with stable keys and ISO 8601 times (Helsinki offset). Exit 0 when all is well, 1 on
any problem ``syndicator.status.problems`` names (a configured source failing or degraded, a
destination with dead letters); a config error exits 2 in ``cli.main``.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from syndicator.config import Config
from syndicator.i18n import translate
from syndicator.locales import HELSINKI
from syndicator.status import DestinationStatus, Overview, SourceStatus, gather, problems

__all__ = ["show_status"]

_ERROR_MAX = 60
_BASIS = {
    "interval": "estimate",
    "backoff": "estimate, backoff",
    "held": "held",
    "polling": "polling now",
    "adaptive": "adaptive",
}


def show_status(config: Config, *, as_json: bool) -> int:
    from syndicator.store import open_store

    store = open_store(config.service.database_url)
    try:
        overview = gather(config, store, datetime.now(UTC))
    finally:
        store.close()
    found = problems(overview)
    if as_json:
        print(json.dumps(_document(overview, found), ensure_ascii=False, indent=2))
    else:
        _print_tables(overview, found)
    return 1 if found else 0


def _print_tables(overview: Overview, found: list[tuple[str, str, str]]) -> None:
    tables = [_sources_table(overview), _destinations_table(overview), _size_table(overview)]
    terminal = Console(file=sys.stdout).is_terminal
    # Piped: as wide as the widest table and without the padding at line ends, so cron mail
    # and grep get whole lines, not wraps; rich writes no escape codes there.
    out = sys.stdout if terminal else io.StringIO()
    console = Console(file=out, highlight=False, width=None if terminal else _widest(tables))
    for table in tables:
        console.print(table)
        console.print()
    if found:
        console.print(f"[red]problems: {len(found)}[/red] — " + "; ".join(
            f"{escape(name)}: {kind} ({escape(code)})" for kind, name, code in found))  # fmt: skip
    else:
        console.print("[green]all well[/green]")
    if isinstance(out, io.StringIO):
        sys.stdout.write("".join(line.rstrip() + "\n" for line in out.getvalue().splitlines()))


def _widest(tables: list[Table]) -> int:
    measuring = Console(file=io.StringIO(), width=10_000)
    return max(measuring.measure(table).maximum for table in tables)


# rich's SIMPLE_HEAD in ASCII: a rule under the header that survives any locale and mailer.
_PLAIN = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=_PLAIN, show_edge=False,
                  header_style="bold")  # fmt: skip
    for column in columns:
        table.add_column(column, no_wrap=True, justify="right" if column in _NUMERIC else "left")
    return table


_NUMERIC = {"ITEMS", "PENDING", "RETRYING", "DEAD LETTERS", "COUNT"}


def _sources_table(overview: Overview) -> Table:
    table = _table(
        "Sources", "SOURCE", "LAST POLL", "AGE", "RESULT", "DEGRADED", "NEXT POLL", "ITEMS"
    )
    for row in overview.sources:
        state = row.state
        degraded = f"[red]{state.degraded}[/red]: {translate(f'error.{state.degraded}', 'en')}"
        table.add_row(
            escape(state.name) if row.configured else f"{escape(state.name)} (not configured)",
            _time(state.last_poll_at) if state.last_poll_at else "never",
            _age(overview.now, state.last_poll_at),
            _result(row),
            degraded if state.degraded else "-",
            _next(overview.now, row),
            str(state.items),
        )
    return table


def _destinations_table(overview: Overview) -> Table:
    columns = ("DESTINATION", "PENDING", "RETRYING", "DEAD LETTERS", "OLDEST PENDING")
    table = _table("Destinations", *columns)
    for row in overview.destinations:
        dead = f"[red]{row.dead_letters}[/red]" if row.dead_letters else "0"
        table.add_row(
            escape(row.name) if row.configured else f"{escape(row.name)} (not configured)",
            str(row.pending), str(row.retrying or 0), dead,
            f"{_time(row.oldest_pending_at)} ({_age(overview.now, row.oldest_pending_at)})"
            if row.oldest_pending_at else "-",
        )  # fmt: skip
    return table


def _size_table(overview: Overview) -> Table:
    table = _table(f"Store ({overview.database})", "WHAT", "COUNT")
    size = overview.size
    for name in ("releases", "items", "versions", "events", "deliveries"):
        table.add_row(name, str(getattr(size, name)))
    if overview.file_bytes is not None:
        table.add_row("file size", _bytes(overview.file_bytes))
    return table


def _result(row: SourceStatus) -> str:
    state = row.state
    if state.last_poll_at is None:
        return "-"
    if not state.last_error_code:
        return "[green]ok[/green]"
    message = " ".join((state.last_error or "").split())
    if len(message) > _ERROR_MAX:
        message = message[: _ERROR_MAX - 1] + "…"
    times = f" ×{state.consecutive_failures}" if state.consecutive_failures > 1 else ""
    return f"[red]{state.last_error_code}[/red]{times}: {escape(message)}"  # page text: no markup


def _next(now: datetime, row: SourceStatus) -> str:
    if row.next_poll is None or row.basis is None:
        return "-"
    when = (
        "due now" if row.next_poll <= now else f"in {_span((row.next_poll - now).total_seconds())}"
    )
    why = (
        f": {row.state.rhythm.describe('en')}"
        if row.basis == "adaptive" and row.state.rhythm
        else ""
    )
    return f"{_time(row.next_poll)} ({when}; {_BASIS[row.basis]}{why})"


def _document(overview: Overview, found: list[tuple[str, str, str]]) -> dict[str, Any]:
    size = overview.size
    return {
        "generated_at": _iso(overview.now),
        "healthy": not found,
        "problems": [{"kind": kind, "name": name, "code": code} for kind, name, code in found],
        "sources": [_source_json(overview.now, row) for row in overview.sources],
        "destinations": [_destination_json(overview.now, row) for row in overview.destinations],
        "store": {
            "database": overview.database,
            "releases": size.releases,
            "items": size.items,
            "versions": size.versions,
            "events": size.events,
            "deliveries": size.deliveries,
            "file_bytes": overview.file_bytes,
        },
    }


def _source_json(now: datetime, row: SourceStatus) -> dict[str, Any]:
    state = row.state
    result = "never" if state.last_poll_at is None else "error" if state.last_error_code else "ok"
    return {
        "name": state.name,
        "configured": row.configured,
        "last_poll_at": _iso(state.last_poll_at),
        "last_poll_age_s": _seconds(now, state.last_poll_at),
        "last_success_at": _iso(state.last_success_at),
        "result": result,
        "error_code": state.last_error_code,
        "error": state.last_error,
        "consecutive_failures": state.consecutive_failures,
        "degraded": state.degraded,
        "degraded_reason": translate(f"error.{state.degraded}", "en") if state.degraded else None,
        "next_poll_at": _iso(row.next_poll),
        "next_poll_basis": row.basis,
        "poll_interval_s": state.rhythm.interval if state.rhythm else None,
        "poll_reason": state.rhythm.describe("en") if state.rhythm else None,
        "items": state.items,
    }


def _destination_json(now: datetime, row: DestinationStatus) -> dict[str, Any]:
    return {
        "name": row.name,
        "configured": row.configured,
        "pending": row.pending,
        "retrying": row.retrying or 0,
        "dead_letters": row.dead_letters,
        "oldest_pending_at": _iso(row.oldest_pending_at),
        "oldest_pending_age_s": _seconds(now, row.oldest_pending_at),
    }


def _time(moment: datetime | None) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(HELSINKI).isoformat(timespec="seconds") if moment else None


def _seconds(now: datetime, moment: datetime | None) -> int | None:
    return None if moment is None else round((now - moment).total_seconds())


def _age(now: datetime, moment: datetime | None) -> str:
    return "-" if moment is None else f"{_span((now - moment).total_seconds())} ago"


def _span(seconds: float) -> str:
    """A short duration: 45 s, 12 min, 3 h 5 min, 2 d 4 h."""
    total = max(0, round(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def _bytes(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    scaled, unit = size / 1024, "KiB"
    for larger in ("MiB", "GiB"):
        if scaled < 1024:
            break
        scaled, unit = scaled / 1024, larger
    return f"{scaled:.1f} {unit} ({size} B)"
