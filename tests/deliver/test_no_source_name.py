"""Our internal source name never reaches a reader, the organisation's name always does:
every kind's payload (as ``preview`` captures it from the kind's own ``send``, ``edit`` and
``withdraw``) lacks the one and carries the other (issue 7)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from syndicator.deliver import KINDS, can_withdraw
from syndicator.deliver.preview import preview
from syndicator.deliver.render import render_message
from syndicator.model import EventKind
from tests.deliver.conftest import SECRET, sample_entry

SOURCE = "vaasa-sv-internal"
ORGANISATION = "Vasa stad"

# One valid destination per kind. A new kind fails below until it has a line here.
SAMPLES: dict[str, dict[str, Any]] = {
    "webhook": {"url": "https://partner.example/hook", "secret": SECRET},
    "slack": {"webhook_url": "https://hooks.slack.com/services/T000/B000/XXXXXXXX"},
    "email": {
        "host": "smtp.example",
        "sender": "tiedotteet@vaasa.example",
        "recipients": ["toimitus@example.org"],
    },
    "console": {},
    "apprise": {"url": "ntfy://ntfy.example.org/toimitus"},
    "discord": {"webhook_url": "https://discord.com/api/webhooks/123456/abcdefghijklmnop"},
    "teams": {"webhook_url": "https://prod.westeurope.logic.azure.com/workflows/1/triggers"},
    "mattermost": {"webhook_url": "https://chat.example.org/hooks/abcdefghijklmnop"},
    "matrix": {
        "homeserver": "https://matrix.example.org",
        "access_token": "syt_secret_token",
        "room_id": "!room:example.org",
    },
    "wordpress": {
        "url": "https://partner.example",
        "username": "syndicator",
        "application_password": "abcd efgh ijkl mnop qrst uvwx",
        "allow_private_networks": True,  # no DNS lookup of the image's host in a test
    },
    "telegram": {"bot_token": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678", "chat_id": -100123},
}
# Kinds whose withdrawal only takes the post off the site: nothing is left to read.
UNPUBLISHES = {"wordpress"}


def _config(kind: str) -> Any:
    if kind not in SAMPLES:
        pytest.fail(f"add a sample {kind!r} destination to SAMPLES in {__file__}")
    return KINDS[kind].Config.model_validate({"kind": kind, "name": f"to-{kind}", **SAMPLES[kind]})


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("event", ["created", "updated", "withdrawn"])
async def test_no_kind_sends_the_source_name(kind: str, event: EventKind) -> None:
    config = _config(kind)
    entry = replace(
        sample_entry(lang="sv", organisation=ORGANISATION, title="Simhallen öppnar"),
        source=SOURCE,
    )
    message = render_message(entry, event, config, "evt-1")
    if event != "created":  # what an edit or a withdrawal of an earlier send looks like
        message = replace(message, remote_id=_remote_id(kind), changes=("Otsikko muuttui",))
    shown = await preview(config, message)
    sent = shown.text + "".join(str(r["url"]) + str(r["body"]) for r in shown.requests)
    assert SOURCE not in sent
    kind_module = KINDS[kind]
    if event == "withdrawn" and not can_withdraw(kind_module, config):
        assert not sent and shown.problem is not None  # others get nothing
        return
    assert sent.strip(), "the preview captured nothing"
    if not (event == "withdrawn" and kind in UNPUBLISHES):  # a send, an edit, a notice…
        assert ORGANISATION in sent, f"{kind} {event}: the organisation is not shown"


def _remote_id(kind: str) -> str:
    """What each kind's ``send`` returns as the remote id, in its own shape."""
    shapes = {
        "telegram": "-100123:7",
        "slack": "C0:1700000000.000100",
        "discord": "1234567890123456789",
        "matrix": "$event1:example.org",
        "wordpress": "321",
        "email": "<evt-1@vaasa.example>",
    }
    return shapes.get(kind, "remote-1")
