"""The edit / notice / withdraw contract as one table (seam.md), apart from any I/O."""

from __future__ import annotations

import pytest

from syndicator.deliver import KINDS
from syndicator.deliver.dispatch import Path, action_of, kept_remote_id, logged_as, plan
from syndicator.model import EventKind

R = "remote-1"


@pytest.mark.parametrize(
    ("event", "on_update", "remote_id", "editable", "withdrawable", "path", "code"),
    [
        ("created", None, None, True, True, "send", ""),
        ("created", "ignore", R, False, False, "send", ""),
        # updates: the default is edit where the kind can edit, else a notice
        ("updated", None, R, True, False, "edit", ""),
        ("updated", None, R, False, False, "notice", ""),
        ("updated", None, None, True, False, "notice", ""),  # nothing to edit: tell instead
        ("updated", "edit", R, True, False, "edit", ""),
        ("updated", "edit", R, False, False, "notice", ""),  # asked to edit, cannot
        ("updated", "notify", R, True, False, "notice", ""),
        ("updated", "ignore", R, True, True, "skip", "delivery.ignored"),
        ("updated", "ignore", None, False, False, "skip", "delivery.ignored"),
        # withdrawals: only where the kind can, and only what was sent
        ("withdrawn", None, R, True, True, "withdraw", ""),
        ("withdrawn", "ignore", R, False, True, "withdraw", ""),
        ("withdrawn", None, None, True, True, "skip", "delivery.nothing_sent"),
        ("withdrawn", None, R, True, False, "skip", "delivery.not_withdrawable"),
    ],
)
def test_plan(
    event: EventKind,
    on_update: str | None,
    remote_id: str | None,
    editable: bool,
    withdrawable: bool,
    path: Path,
    code: str,
) -> None:
    chosen = plan(event, on_update, remote_id=remote_id, editable=editable,  # type: ignore[arg-type]
                  withdrawable=withdrawable)  # fmt: skip
    assert (chosen.path, chosen.code) == (path, code)
    assert bool(chosen.reason) == (path == "skip")


@pytest.mark.parametrize(
    ("path", "returned", "targeted", "kept"),
    [
        ("send", "new", None, "new"),
        ("edit", None, "old", "old"),  # an edit that returns nothing keeps the id it edited
        ("edit", "new", "old", "new"),
        ("withdraw", None, "old", "old"),
        ("notice", "notice-id", "old", "old"),  # later edits and threads: the first message
        ("notice", "notice-id", None, "notice-id"),
        ("notice", None, None, None),
    ],
)
def test_kept_remote_id(path: Path, returned: str | None, targeted: str | None,
                        kept: str | None) -> None:  # fmt: skip
    assert kept_remote_id(path, returned, targeted) == kept


def test_actions_and_log_events() -> None:
    webhook = KINDS["webhook"]
    assert action_of(webhook, "notice") is action_of(webhook, "send") is webhook.send
    assert action_of(webhook, "withdraw") is webhook.withdraw
    assert [logged_as(p) for p in ("send", "notice", "edit", "withdraw")] == [
        "delivery.done", "delivery.notice", "delivery.edited", "delivery.withdrawn",
    ]  # fmt: skip
