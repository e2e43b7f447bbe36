"""``syndicator deliveries list | show | retry | preview``: the outbox for the people on call.

``list`` prints one aligned line per delivery, times in Helsinki (``--json``: the same as
objects, times in ISO 8601 with their offset); ``show ID`` the row, its whole attempt history
and what each attempt sent; ``retry ID…`` queues dead letters again (an unknown id exits 2
and retries nothing); ``preview DESTINATION URL`` renders exactly what the destination would
receive for a stored release, sending nothing.
Secrets never appear: payloads are stored masked, targets print through ``redacted()``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from syndicator.config import Config, load_config
from syndicator.locales import HELSINKI
from syndicator.logs import configure_logging
from syndicator.model import Delivery
from syndicator.progress import board, progress

if TYPE_CHECKING:  # the store and the kinds load only for the action that needs them
    from syndicator.store import AttemptRecord, ReleaseLabel, Store

__all__ = ["add_deliveries"]

_HEADER = ("ID", "TIME", "DESTINATION", "RELEASE", "EVENT", "STATUS", "ATTEMPTS", "NEXT", "ERROR")
_TITLE_MAX = 48
_ERROR_MAX = 60
_RETRY_STEP = 500  # rows per UPDATE of ``retry``: well under SQLite's bound parameters


@dataclass(frozen=True, slots=True)
class _Row:
    delivery: Delivery
    release: ReleaseLabel | None
    attempts: int  # the history's count; rows older than the history: the row's own count
    refused: str = ""  # e-mail recipients refused ("refused: a@x (554 …; dead letter)")


def add_deliveries(commands: Any, default_config: str) -> None:
    """Register ``deliveries`` and its actions on the top-level subparsers."""
    deliveries = commands.add_parser("deliveries", help="inspect, retry or preview deliveries")
    actions = deliveries.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        sub.add_argument("--config", default=default_config, help="path to feeds.toml")
        sub.set_defaults(handler=handler)
        return sub

    listing = action("list", "one line per delivery, newest first", _list)
    listing.add_argument("--status", choices=["pending", "sending", "delivered", "failed",
                                              "skipped"])  # fmt: skip
    listing.add_argument("--limit", type=int, default=200)
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = action("show", "a delivery with its attempts and what each sent", _show)
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print JSON")
    retry = action("retry", "queue dead letters again", _retry)
    retry.add_argument("ids", nargs="*", type=int)
    retry.add_argument("--all-failed", action="store_true")
    preview = action("preview", "what a destination would receive; nothing is sent", _preview)
    preview.add_argument("destination")
    preview.add_argument("url", metavar="RELEASE_URL")
    preview.add_argument("--event", choices=["created", "updated", "withdrawn"], default=None)


def _open(args: argparse.Namespace) -> tuple[Config, Store]:
    from syndicator.store import open_store

    config = load_config(args.config)
    configure_logging(config.service.log_level)
    return config, open_store(config.service.database_url)


def _rows(store: Store, deliveries: Sequence[Delivery]) -> list[_Row]:
    ids = [d.id for d in deliveries]
    labels = store.release_labels([d.event_id for d in deliveries])
    counts, refused = store.attempt_counts(ids), store.recipient_summary(ids)
    return [
        _Row(d, labels.get(d.event_id), max(counts.get(d.id, 0), d.attempts), refused.get(d.id, ""))
        for d in deliveries
    ]


def _unknown(store: Store, ids: Sequence[int]) -> list[int]:
    known = {d.id for d in store.list_deliveries(limit=len(ids), ids=ids)}
    return [i for i in dict.fromkeys(ids) if i not in known]


def _refuse(unknown: Sequence[int]) -> int:
    for delivery_id in unknown:
        print(f"syndicator: unknown delivery id {delivery_id}", file=sys.stderr)
    return 2


def _list(args: argparse.Namespace) -> int:
    _config, store = _open(args)
    rows = _rows(store, store.list_deliveries(args.status, limit=max(1, args.limit)))
    if args.json:
        print(json.dumps([_row_json(row) for row in rows], ensure_ascii=False, indent=2))
        return 0
    table: list[tuple[str, ...]] = [_HEADER]
    table += [_row_cells(row) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line, row in zip(table, [None, *rows], strict=True):
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]).rstrip())
        if row is not None and row.refused:
            print(f"{'':{widths[0] + 2}}{row.refused}")  # under the row, past its id
    return 0


def _row_cells(row: _Row) -> tuple[str, ...]:
    d = row.delivery
    error = f"{d.last_error_code}: {d.last_error}" if d.last_error_code else (d.last_error or "")
    waiting = d.status == "pending"
    return (
        str(d.id),
        _time(d.created_at),
        d.destination,
        _cut(f"{_title(row)} [{_lang(row) or '?'}]", _TITLE_MAX),
        d.event,
        d.status,
        str(row.attempts),
        _time(d.next_attempt_at) if waiting else "-",
        _cut(" ".join(error.split()), _ERROR_MAX),
    )


def _row_json(row: _Row) -> dict[str, Any]:
    d = row.delivery
    return {
        "id": d.id,
        "time": _iso(d.created_at),
        "destination": d.destination,
        "release_id": d.release_id,
        "title": _title(row),
        "language": _lang(row),
        "url": row.release.url if row.release else None,
        "event": d.event,
        "status": d.status,
        "attempts": row.attempts,
        "next_attempt_at": _iso(d.next_attempt_at) if d.status == "pending" else None,
        "last_error_code": d.last_error_code,
        "last_error": d.last_error,
        "refused": row.refused or None,
        "remote_id": d.remote_id,
    }


def _show(args: argparse.Namespace) -> int:
    _config, store = _open(args)
    found = store.list_deliveries(limit=1, ids=[args.id])
    if not found:
        return _refuse([args.id])
    (row,) = _rows(store, found)
    history = store.attempts_of(args.id)
    if args.json:
        document = {**_row_json(row), "history": [_attempt_json(a) for a in history]}
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    for key, value in _row_json(row).items():
        print(f"{key + ':':<17} {'' if value is None else value}")
    if not history:
        print("\nno attempts recorded")
    for attempt in history:
        print(_attempt_text(attempt))
    return 0


def _attempt_json(attempt: AttemptRecord) -> dict[str, Any]:
    document = asdict(attempt)
    document["started_at"] = _iso(attempt.started_at)
    document["finished_at"] = _iso(attempt.finished_at)
    document["payload"] = json.loads(attempt.payload) if attempt.payload else []
    return document


def _attempt_text(attempt: AttemptRecord) -> str:
    took = (attempt.finished_at - attempt.started_at).total_seconds()
    status = f" HTTP {attempt.status_code}" if attempt.status_code is not None else ""
    lines = [f"\n── attempt {attempt.number}: {attempt.outcome}{status} at "
             f"{_time(attempt.started_at)} ({took:.2f} s)"]  # fmt: skip
    if attempt.error_code or attempt.error:
        lines.append(f"   {attempt.error_code or ''}: {attempt.error or ''}")
    requests = json.loads(attempt.payload) if attempt.payload else []
    lines += [_request_text(request) for request in requests]
    return "\n".join(lines)


def _request_text(request: dict[str, Any]) -> str:
    status = f" → {request['status']}" if request.get("status") is not None else ""
    head = f"{request.get('method', '?')} {request.get('url', '?')}{status}"
    kind = request.get("content_type") or ""
    return f"\n{head}\n{'Content-Type: ' + kind if kind else ''}\n\n{request.get('body', '')}"


def _retry(args: argparse.Namespace) -> int:
    if not args.ids and not args.all_failed:
        print("deliveries retry: give delivery IDs or --all-failed", file=sys.stderr)
        return 2
    _config, store = _open(args)
    if args.ids and (unknown := _unknown(store, args.ids)):
        return _refuse(unknown)
    # In steps of _RETRY_STEP rows, so a bar can count them: one UPDATE of a large dead
    # letter queue would say nothing until done. Each step still takes only failed rows.
    ids = store.failed_delivery_ids() if args.all_failed else list(dict.fromkeys(args.ids))
    count, now = 0, datetime.now(UTC)
    with board(), progress("deliveries retry", len(ids)) as bar:
        for start in range(0, len(ids), _RETRY_STEP):
            step = ids[start : start + _RETRY_STEP]
            count += store.retry_deliveries(step, now)
            bar.advance(len(step))
    print(f"{count} deliveries queued again")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from syndicator.deliver import kind_of
    from syndicator.deliver.changes import describe_changes
    from syndicator.deliver.preview import preview
    from syndicator.deliver.render import label_language, render_message
    from syndicator.urls import canonical_url

    config, store = _open(args)
    destination = next((d for d in config.destinations if d.name == args.destination), None)
    if destination is None:
        names = ", ".join(d.name for d in config.destinations) or "none"
        print(f"syndicator: unknown destination {args.destination!r} (configured: {names})",
              file=sys.stderr)  # fmt: skip
        return 2
    item = store.find_item(canonical_url(args.url))
    event_id = store.latest_event_of(item.item_id) if item is not None else None
    found = store.entry_for_event(event_id) if event_id is not None else None
    if event_id is None or found is None:
        print(f"syndicator: no stored release at {args.url}", file=sys.stderr)
        return 2
    stored_event, entry = found
    event = args.event or stored_event
    key = f"preview-{event_id}"
    if (delivery_id := store.delivery_of_event(event_id, destination.name)) is not None:
        (delivery,) = store.list_deliveries(limit=1, ids=[delivery_id])
        key = delivery.idempotency_key
    # As the outbox would: the id an earlier send returned, and what changed since then.
    remote_id = None if event == "created" else store.remote_id_for(entry.item_id, destination.name)
    previous = store.previous_article(entry.item_id, entry.version)
    changes: tuple[str, ...] = ()
    if event == "updated" and previous is not None:
        words = label_language(entry, destination)
        changes = describe_changes(previous, entry.article, words)
    message = render_message(entry, event, destination, key, remote_id=remote_id, changes=changes)
    shown = asyncio.run(preview(destination, message))
    print(f"# {kind_of(destination).redacted(destination)} · {event} · "
          f"{entry.article.title} [{entry.article.lang or '?'}] · nothing was sent")  # fmt: skip
    for request in shown.requests:
        print(_request_text(request))
    if shown.text:
        print(shown.text)
    if shown.problem:
        print(f"syndicator: the simulated answer did not satisfy the kind: {shown.problem}",
              file=sys.stderr)  # fmt: skip
    return 0


def _title(row: _Row) -> str:
    return row.release.title if row.release else ""


def _lang(row: _Row) -> str | None:
    return row.release.lang if row.release else None


def _time(moment: datetime | None) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
