"""PURE: which call an outbox row becomes — the edit / notice / withdraw contract.

- ``created`` → ``send``.
- ``updated``: ``on_update = "ignore"`` → skipped; ``"edit"`` where the kind can edit with
  these settings and the earlier send's remote id is known → ``edit``; otherwise a
  **notice**: ``send`` with ``message.remote_id`` (if known, to thread under) and
  ``message.changes``. ``on_update`` unset means "edit" where the kind can, else "notify".
- ``withdrawn``: the kind can withdraw and the remote id is known → ``withdraw``; otherwise
  skipped (others get nothing).

A notice's ``message.changes`` says what changed; an edit gets them too (a kind may reply
with them in the thread of the message it edits, as Slack does).

The remote id stored on the row afterwards (``kept_remote_id``): an edit or withdrawal that
returns none keeps the one it targeted; a notice keeps the first message's id when one is
known, so later edits, withdrawals and notices still address the first message (and threads
stay under it) rather than the notice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from syndicator.configbase import DestinationBase
from syndicator.deliver import DestinationKind
from syndicator.model import EventKind, Message, Receipt

__all__ = ["Path", "Plan", "action_of", "kept_remote_id", "logged_as", "plan"]

Path = Literal["send", "notice", "edit", "withdraw", "skip"]
Action = Callable[[DestinationBase, Message, httpx.AsyncClient], Awaitable[Receipt]]

_LOGGED: dict[Path, str] = {
    "send": "delivery.done",
    "notice": "delivery.notice",
    "edit": "delivery.edited",
    "withdraw": "delivery.withdrawn",
}


@dataclass(frozen=True, slots=True)
class Plan:
    path: Path
    code: str = ""  # why skipped: a stable code (``delivery.ignored``…)
    reason: str = ""  # ... and in words


def plan(
    event: EventKind,
    on_update: Literal["edit", "notify", "ignore"] | None,
    *,
    remote_id: str | None,
    editable: bool,
    withdrawable: bool,
) -> Plan:
    """PURE. ``editable``/``withdrawable``: ``deliver.can_edit``/``can_withdraw`` for this
    destination; ``remote_id``: what its earlier send of the item returned, if anything."""
    if event == "created":
        return Plan("send")
    if event == "withdrawn":
        if not withdrawable:
            return Plan("skip", "delivery.not_withdrawable", "this destination cannot withdraw")
        if remote_id is None:
            return Plan("skip", "delivery.nothing_sent", "nothing was sent here to withdraw")
        return Plan("withdraw")
    mode = on_update or ("edit" if editable else "notify")
    if mode == "ignore":
        return Plan("skip", "delivery.ignored", "updates are ignored (on_update = ignore)")
    if mode == "edit" and editable and remote_id is not None:
        return Plan("edit")
    return Plan("notice")


def kept_remote_id(path: Path, returned: str | None, targeted: str | None) -> str | None:
    """PURE. The remote id to store for a delivered row (see the module docstring)."""
    if path == "notice":
        return targeted or returned
    return returned or targeted


def action_of(kind: DestinationKind, path: Path) -> Action:
    """The kind's function for ``path`` (``plan`` checked that it exists)."""
    name = "send" if path in ("send", "notice") else path
    action: Action = getattr(kind, name)
    return action


def logged_as(path: Path) -> str:
    """The log event of a delivered row: ``delivery.done``, ``delivery.edited``…"""
    return _LOGGED.get(path, "delivery.done")
