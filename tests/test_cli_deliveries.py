"""``syndicator deliveries list | show | retry | preview``: the real CLI (``cli.main``) against
a real SQLite store filled as a poll would, delivered by the real outbox to local sinks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from syndicator.cli import main
from syndicator.config import load_config
from syndicator.decide import decide
from syndicator.deliver.outbox import RetryPolicy, drain_all
from syndicator.locales import HELSINKI
from syndicator.organisation import stamp
from syndicator.store import Store, open_store
from tests.deliver.conftest import SECRET, sample_article
from tests.sinks import SlackSink, SmtpSink, WebhookSink

pytestmark = pytest.mark.usefixtures("keep_logging")

SLACK_PATH = "/services/T0SECRET1/B0SECRET2/xoxSecretTokenValue123"
TITLE = "Kaupunki avaa uuden uimahallin Hietalahteen"


@dataclass
class Setup:
    config: Path
    store: Store
    webhook: WebhookSink
    slack: SlackSink
    url: str  # the stored release

    def drain(self, at: datetime | None = None) -> None:
        drain(self.config, self.store, at)


def drain(path: Path, store: Store, at: datetime | None = None) -> None:
    """Every due delivery, by the real outbox, as ``poll --once`` would at ``at``."""
    config = load_config(path)
    moment = at or datetime.now(UTC)

    async def run() -> None:
        async with httpx.AsyncClient(timeout=5.0) as client:
            await drain_all(store, config.destinations, client,
                            policy=RetryPolicy(base=60.0), clock=lambda: moment)  # fmt: skip

    asyncio.run(run())


def _feeds(database: str) -> str:
    """feeds.toml up to its destinations: the store and the one source the rows came from."""
    return f"""
[service]
database_url = "{database}"

[[sources]]
name = "vaasa-fi"
kind = "html"
urls = ["https://www.vaasa.fi/uutiset/"]
organisation = {{ fi = "Vaasan kaupunki", sv = "Vasa stad" }}
"""


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    config = tmp_path / "feeds.toml"
    with WebhookSink(SECRET) as webhook, SlackSink() as slack:
        config.write_text(
            _feeds(database)
            + f"""
[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "{webhook.url}/syndicator"
secret = "{SECRET}"

[[destinations]]
name = "newsroom-slack"
kind = "slack"
webhook_url = "{slack.url}{SLACK_PATH}"

[[destinations]]
name = "journalists"
kind = "email"
host = "127.0.0.1"
port = 2525
security = "none"
sender = "tiedotteet@vaasa.example"
recipients = ["toimitus@example.org"]
""",
            encoding="utf-8",
        )
        store = open_store(database)
        article = stamp(sample_article(), {"fi": "Vaasan kaupunki", "sv": "Vasa stad"})
        store.save_article("vaasa-fi", article, decide(None, article), None,
                           destinations=[("partner-hook", 0.0), ("newsroom-slack", 0.0)],
                           now=datetime.now(UTC))  # fmt: skip
        yield Setup(config, store, webhook, slack, article.url)
        store.close()


def cli(setup: Setup, *args: str) -> int:
    return main(["deliveries", *args, "--config", str(setup.config)])


def _cells(header: str, line: str) -> dict[str, str]:
    """A line of the aligned table, cut where the header's columns start."""
    names = header.split()
    starts = [header.index(name) for name in names]
    ends = [*starts[1:], None]
    return {n: line[a:b].strip() for n, a, b in zip(names, starts, ends, strict=True)}


def _ids(setup: Setup) -> dict[str, int]:
    return {d.destination: d.id for d in setup.store.list_deliveries()}


def test_list_shows_time_destination_release_event_status_attempts_next_and_error(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.webhook.respond(503)
    setup.drain()
    assert cli(setup, "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "ID", "TIME", "DESTINATION", "RELEASE", "EVENT", "STATUS", "ATTEMPTS", "NEXT", "ERROR"
    ]  # fmt: skip
    rows = {cells["DESTINATION"]: cells for cells in (_cells(lines[0], x) for x in lines[1:])}
    hook, slack = rows["partner-hook"], rows["newsroom-slack"]
    assert hook["ID"] == str(_ids(setup)["partner-hook"])
    assert hook["RELEASE"] == f"{TITLE} [fi]" and hook["EVENT"] == "created"
    assert hook["STATUS"] == "pending" and hook["ATTEMPTS"] == "1"
    assert hook["ERROR"].startswith("delivery.http_503: webhook http://127.0.0.1:")
    due = datetime.fromisoformat(hook["NEXT"]).replace(tzinfo=HELSINKI)
    assert timedelta(seconds=40) < due - datetime.now(UTC) < timedelta(seconds=80)  # 60 s ±20 %
    assert (slack["STATUS"], slack["ATTEMPTS"], slack["NEXT"]) == ("delivered", "1", "-")
    assert datetime.fromisoformat(slack["TIME"]).year == datetime.now(UTC).year

    assert cli(setup, "list", "--json") == 0
    listed = {row["destination"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["partner-hook"]["title"] == TITLE
    assert listed["partner-hook"]["language"] == "fi"
    assert listed["partner-hook"]["status"] == "pending"
    assert listed["partner-hook"]["attempts"] == 1
    assert listed["partner-hook"]["last_error_code"] == "delivery.http_503"
    assert listed["partner-hook"]["next_attempt_at"] is not None
    assert listed["newsroom-slack"]["next_attempt_at"] is None


def test_show_prints_every_attempt_with_the_exact_body_sent(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.webhook.respond(503)
    setup.drain()
    setup.drain(at=datetime.now(UTC) + timedelta(hours=1))  # the retry is due
    assert [r.verified for r in setup.webhook.requests] == [True, True]
    hook = _ids(setup)["partner-hook"]

    assert cli(setup, "show", str(hook), "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "delivered" and shown["attempts"] == 2
    history = shown["history"]
    assert [(a["number"], a["outcome"], a["status_code"]) for a in history] == [
        (1, "retry", 503),
        (2, "delivered", 200),
    ]
    assert history[0]["error_code"] == "delivery.http_503"
    for attempt, received in zip(history, setup.webhook.requests, strict=True):
        (sent,) = attempt["payload"]
        assert sent["method"] == "POST" and sent["url"] == f"{setup.webhook.url}/syndicator"
        assert sent["body"] == received.body.decode("utf-8")  # byte for byte what went out
        assert sent["content_type"] == "application/json"

    assert cli(setup, "show", str(hook)) == 0
    text = capsys.readouterr().out
    assert "attempt 1: retry HTTP 503" in text and "attempt 2: delivered HTTP 200" in text
    assert text.count(setup.webhook.requests[1].body.decode("utf-8")) == 2  # both bodies


def test_no_secret_reaches_the_store(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    setup.drain()
    slack = _ids(setup)["newsroom-slack"]
    assert cli(setup, "show", str(slack), "--json") == 0
    (attempt,) = json.loads(capsys.readouterr().out)["history"]
    (sent,) = attempt["payload"]
    assert sent["url"].startswith(setup.slack.url) and "xoxSecretTokenValue123" not in sent["url"]
    assert setup.slack.requests[0].path == SLACK_PATH  # what was really called
    setup.store.close()
    raw = Path(str(setup.config.parent / "store.sqlite3")).read_bytes()
    for secret in (SECRET, "xoxSecretTokenValue123", "T0SECRET1", "B0SECRET2"):
        assert secret.encode() not in raw


def test_history_is_kept_across_a_manual_retry(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.webhook.respond(400)  # permanent: a dead letter at once
    setup.drain()
    hook = _ids(setup)["partner-hook"]
    assert cli(setup, "retry", str(hook)) == 0
    assert capsys.readouterr().out.strip() == "1 deliveries queued again"
    setup.drain()
    assert cli(setup, "show", str(hook), "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(a["number"], a["outcome"]) for a in shown["history"]] == [
        (1, "failed"),
        (2, "delivered"),
    ]
    assert shown["attempts"] == 2  # the row's own counter restarted at 0; the history did not


def test_unknown_ids_exit_2_and_change_nothing(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.webhook.respond(400)
    setup.drain()
    hook = _ids(setup)["partner-hook"]
    assert cli(setup, "retry", str(hook), "123") == 2
    assert capsys.readouterr().err.strip() == "syndicator: unknown delivery id 123"
    assert {d.id: d.status for d in setup.store.list_deliveries()}[hook] == "failed"
    assert cli(setup, "show", "123") == 2
    assert "unknown delivery id 123" in capsys.readouterr().err
    assert cli(setup, "retry") == 2  # neither ids nor --all-failed


def test_preview_prints_what_would_be_sent_and_sends_nothing(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(setup, "preview", "partner-hook", setup.url) == 0
    out = capsys.readouterr().out
    assert setup.webhook.requests == [] and setup.slack.requests == []
    assert f"\nPOST {setup.webhook.url}/syndicator\n" in out  # no simulated status
    body = json.loads(out.split("Content-Type: application/json\n\n", 1)[1].split("\n\n")[0])
    assert body["type"] == "release.created"
    assert body["data"]["title"] == TITLE and body["data"]["organisation"] == "Vaasan kaupunki"

    setup.drain()  # the real send carries the same body as the preview
    assert json.loads(setup.webhook.requests[0].body)["data"] == body["data"]

    assert cli(setup, "preview", "newsroom-slack", setup.url) == 0
    out = capsys.readouterr().out
    assert "xoxSecretTokenValue123" not in out and "Vaasan kaupunki" in out
    assert len(setup.slack.requests) == 1  # only the drain's


def test_preview_of_an_update_is_what_the_outbox_would_send(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a send, an edited release previews as the notice the outbox would send: it
    names the first message (``previous_id``) and says what changed."""
    setup.drain()
    first = setup.webhook.requests[0].headers["webhook-id"]
    stored = setup.store.find_item(setup.url)
    assert stored is not None
    edited = replace(setup.store.entry_for_event(
        setup.store.latest_event_of(stored.item_id) or 0)[1].article,  # type: ignore[index]
        title="Uimahallin avajaiset siirtyvät")  # fmt: skip
    setup.store.save_article("vaasa-fi", edited, decide(stored, edited), stored,
                             destinations=[("partner-hook", 0.0)],
                             now=datetime.now(UTC))  # fmt: skip
    assert cli(setup, "preview", "partner-hook", setup.url) == 0
    out = capsys.readouterr().out
    body = json.loads(out.split("Content-Type: application/json\n\n", 1)[1].split("\n\n")[0])
    assert body["type"] == "release.updated" and body["data"]["previous_id"] == first
    assert any("Uimahallin avajaiset siirtyvät" in change for change in body["data"]["changes"])
    assert len(setup.webhook.requests) == 1  # nothing sent by the preview


def test_preview_of_an_email_destination_shows_the_message(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(setup, "preview", "journalists", setup.url) == 0
    out = capsys.readouterr().out
    assert "SMTP 127.0.0.1:2525" in out and "Subject:" in out and "Vaasan kaupunki" in out


def test_preview_of_an_unknown_destination_or_release_exits_2(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(setup, "preview", "nobody", setup.url) == 2
    assert "unknown destination 'nobody'" in capsys.readouterr().err
    assert cli(setup, "preview", "partner-hook", "https://www.vaasa.fi/ei-ole/") == 2
    assert "no stored release at https://www.vaasa.fi/ei-ole/" in capsys.readouterr().err


def test_an_email_attempt_keeps_the_message_it_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    config = tmp_path / "feeds.toml"
    with SmtpSink(auth={"syndicator": "smtp-Passw0rd-secret"}) as smtp:
        config.write_text(
            _feeds(database)
            + f"""
[[destinations]]
name = "journalists"
kind = "email"
host = "127.0.0.1"
port = {smtp.port}
security = "none"
username = "syndicator"
password = "smtp-Passw0rd-secret"
sender = "tiedotteet@vaasa.example"
recipients = ["toimitus@example.org"]
""",
            encoding="utf-8",
        )
        store = open_store(database)
        article = stamp(sample_article(), "Vaasan kaupunki")
        store.save_article("vaasa-fi", article, decide(None, article), None,
                           destinations=[("journalists", 0.0)], now=datetime.now(UTC))  # fmt: skip
        drain(config, store)
        assert len(smtp.messages) == 1
        (delivery,) = store.list_deliveries()
        assert (
            main(["deliveries", "show", str(delivery.id), "--json", "--config", str(config)]) == 0
        )
        store.close()
    (attempt,) = json.loads(capsys.readouterr().out)["history"]
    (sent,) = attempt["payload"]
    assert sent["method"] == "SMTP" and sent["content_type"] == "message/rfc822"
    assert sent["url"] == f"smtp+none://syndicator@127.0.0.1:{smtp.port} → 1 recipient"
    assert "Subject: " in sent["body"] and "Vaasan kaupunki" in sent["body"]
    assert smtp.messages[0]["Message-ID"] in sent["body"]  # the very message that went out
    assert b"smtp-Passw0rd-secret" not in (tmp_path / "mail.sqlite3").read_bytes()
