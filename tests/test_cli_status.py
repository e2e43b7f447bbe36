"""``syndicator status``: the real CLI (``cli.main``, and once as a process with its stdout
piped) over a real SQLite store filled through the store's own calls, as polls and the outbox
fill it: a saved release with its deliveries, polls that succeed, fail or find the selectors
broken, a retry and a dead letter."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from syndicator.cli import main
from syndicator.decide import decide
from syndicator.locales import HELSINKI
from syndicator.organisation import stamp
from syndicator.rhythm import Decision
from syndicator.store import Store, open_store
from tests.deliver.conftest import SECRET, sample_article

pytestmark = pytest.mark.usefixtures("keep_logging")

FEEDS = """
[service]
database_url = "{database}"

[[sources]]
name = "vaasa-fi"
kind = "html"
urls = ["https://www.vaasa.fi/uutiset/"]
interval = 600

[[sources]]
name = "vaasa-sv"
kind = "html"
urls = ["https://www.vaasa.fi/sv/nyheter/"]
interval = 900

[[destinations]]
name = "partner-hook"
kind = "webhook"
url = "https://partner.example/hook"
secret = "{secret}"

[[destinations]]
name = "news-hook"
kind = "webhook"
url = "https://news.example/hook"
secret = "{secret}"
"""


@dataclass
class Setup:
    config: Path
    store: Store
    saved: datetime  # when the release and its deliveries were stored
    polled: datetime  # vaasa-fi's last (successful) poll


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    config = tmp_path / "feeds.toml"
    config.write_text(FEEDS.format(database=database, secret=SECRET), encoding="utf-8")
    store = open_store(database)
    now = datetime.now(UTC)
    # Half a minute past the whole minute: the table's minutes stay put while a test runs.
    saved, polled = (
        now - timedelta(hours=2, minutes=3, seconds=30),
        now - timedelta(minutes=4, seconds=30),
    )
    article = stamp(sample_article(), {"fi": "Vaasan kaupunki", "sv": "Vasa stad"})
    store.save_article("vaasa-fi", article, decide(None, article), None,
                       destinations=[("partner-hook", 0.0), ("news-hook", 0.0)],
                       now=saved)  # fmt: skip
    store.record_poll("vaasa-fi", polled)
    yield Setup(config, store, saved, polled)
    store.close()


def status(setup: Setup, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["status", "--config", str(setup.config), *args])
    return code, capsys.readouterr().out


def as_json(setup: Setup, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out = status(setup, capsys, "--json")
    return code, json.loads(out)


def table(out: str, title: str) -> dict[str, dict[str, str]]:
    """The rows of one titled table, by first column. Cells never hold two spaces in a row
    and never stay empty ("-"), so two spaces or more part them."""
    lines = out.splitlines()
    at = lines.index(title)
    names = re.split(r"\s{2,}", lines[at + 1].strip())
    assert set(lines[at + 2]) == {"-"}
    rows: dict[str, dict[str, str]] = {}
    for line in lines[at + 3 :]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line.strip())
        assert len(cells) == len(names), line
        rows[cells[0]] = dict(zip(names, cells, strict=True))
    return rows


def test_a_healthy_service_exits_0_with_every_fact_in_the_table(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = status(setup, capsys)
    assert code == 0, out
    assert "\x1b[" not in out  # not a terminal: no colours
    sources = table(out, "Sources")
    fi, sv = sources["vaasa-fi"], sources["vaasa-sv"]
    assert fi["LAST POLL"] == setup.polled.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M:%S")
    assert fi["AGE"] == "4 min ago" and fi["RESULT"] == "ok" and fi["DEGRADED"] == "-"
    due = setup.polled + timedelta(seconds=600)
    assert fi["NEXT POLL"] == (f"{due.astimezone(HELSINKI):%Y-%m-%d %H:%M:%S} (in 5 min; estimate)")
    assert fi["ITEMS"] == "1"
    assert (sv["LAST POLL"], sv["RESULT"], sv["NEXT POLL"], sv["ITEMS"]) == ("never", "-", "-", "0")
    destinations = table(out, "Destinations")
    for name in ("partner-hook", "news-hook"):
        row = destinations[name]
        assert (row["PENDING"], row["RETRYING"], row["DEAD LETTERS"]) == ("1", "0", "0")
        oldest = setup.saved.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M:%S")
        assert row["OLDEST PENDING"] == f"{oldest} (2 h 3 min ago)"
    size = table(out, "Store (sqlite)")
    assert size["items"]["COUNT"] == "1" and size["deliveries"]["COUNT"] == "2"
    assert size["releases"]["COUNT"] == "1" and size["versions"]["COUNT"] == "1"
    database = Path(str(setup.store.engine.url.database))
    assert size["file size"]["COUNT"].endswith(" B)")
    assert int(size["file size"]["COUNT"].split("(")[1].split()[0]) >= database.stat().st_size
    assert out.rstrip().endswith("all well")


def test_json_has_stable_keys_and_iso_times(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = as_json(setup, capsys)
    assert code == 0 and document["healthy"] is True and document["problems"] == []
    assert list(document) == ["generated_at", "healthy", "problems", "sources", "destinations",
                              "store"]  # fmt: skip
    generated = datetime.fromisoformat(str(document["generated_at"]))
    assert generated.utcoffset() == datetime.now(HELSINKI).utcoffset()
    sources = {s["name"]: s for s in document["sources"]}
    fi = sources["vaasa-fi"]
    assert datetime.fromisoformat(fi["last_poll_at"]) == setup.polled.replace(microsecond=0)
    assert 265 <= fi["last_poll_age_s"] <= 280
    assert fi["result"] == "ok" and fi["error_code"] is None and fi["degraded"] is None
    assert datetime.fromisoformat(fi["next_poll_at"]) == (
        setup.polled + timedelta(seconds=600)
    ).replace(microsecond=0)
    assert fi["next_poll_basis"] == "interval" and fi["items"] == 1 and fi["configured"] is True
    assert sources["vaasa-sv"]["result"] == "never" and sources["vaasa-sv"]["next_poll_at"] is None
    destinations = {d["name"]: d for d in document["destinations"]}
    hook = destinations["partner-hook"]
    assert (hook["pending"], hook["retrying"], hook["dead_letters"]) == (1, 0, 0)
    assert datetime.fromisoformat(hook["oldest_pending_at"]) == setup.saved.replace(microsecond=0)
    assert 7405 <= hook["oldest_pending_age_s"] <= 7425
    store = document["store"]
    assert store == {"database": "sqlite", "releases": 1, "items": 1, "versions": 1, "events": 1,
                     "deliveries": 2, "file_bytes": store["file_bytes"]}  # fmt: skip
    assert store["file_bytes"] > 0


def test_a_failing_source_exits_1_and_shows_its_error_and_backoff(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = datetime.now(UTC) - timedelta(seconds=5)
    setup.store.record_poll("vaasa-sv", failed - timedelta(minutes=1), error_code="fetch.http_503",
                            error="HTTP 503 [maintenance]")  # fmt: skip
    setup.store.record_poll("vaasa-sv", failed, error_code="fetch.http_503", error="HTTP 503 again")
    code, out = status(setup, capsys)
    assert code == 1
    sv = table(out, "Sources")["vaasa-sv"]
    assert sv["RESULT"] == "fetch.http_503 ×2: HTTP 503 again"
    assert re.fullmatch(r"[5-9] s ago", sv["AGE"]), sv["AGE"]
    # 30 s doubled after two failures: a minute after the last one
    assert re.fullmatch(r".* \(in 5[0-5] s; estimate, backoff\)", sv["NEXT POLL"]), sv["NEXT POLL"]
    assert "problems: 1 — vaasa-sv: source.failing (fetch.http_503)" in out

    code, document = as_json(setup, capsys)
    assert code == 1 and document["healthy"] is False
    assert document["problems"] == [
        {"kind": "source.failing", "name": "vaasa-sv", "code": "fetch.http_503"}
    ]
    sv_json = next(s for s in document["sources"] if s["name"] == "vaasa-sv")
    assert sv_json["result"] == "error" and sv_json["consecutive_failures"] == 2
    assert sv_json["next_poll_basis"] == "backoff"
    due = datetime.fromisoformat(sv_json["next_poll_at"])
    assert due == (failed + timedelta(minutes=1)).replace(microsecond=0)


def test_degraded_selectors_exit_1_with_the_reason(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.store.record_poll("vaasa-fi", datetime.now(UTC), degraded="source.no_candidates")
    code, out = status(setup, capsys)
    assert code == 1
    fi = table(out, "Sources")["vaasa-fi"]
    assert fi["RESULT"] == "ok" and fi["DEGRADED"].startswith("source.no_candidates: ")
    code, document = as_json(setup, capsys)
    fi_json = next(s for s in document["sources"] if s["name"] == "vaasa-fi")
    assert code == 1 and fi_json["degraded"] == "source.no_candidates"
    assert fi_json["degraded_reason"] and fi_json["degraded_reason"] in fi["DEGRADED"]


def test_a_dead_letter_exits_1_a_retry_in_progress_does_not(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    news = setup.store.claim_next("news-hook", owner="test", now=now, lease=60)
    assert news is not None
    setup.store.mark_retry(news.id, owner="test", next_attempt_at=now + timedelta(minutes=5),
                           code="delivery.http_503", error="HTTP 503", now=now)  # fmt: skip
    code, out = status(setup, capsys)
    assert code == 0, out
    assert table(out, "Destinations")["news-hook"]["RETRYING"] == "1"

    hook = setup.store.claim_next("partner-hook", owner="test", now=now, lease=60)
    assert hook is not None
    setup.store.mark_failed(hook.id, owner="test", code="delivery.http_404", error="HTTP 404",
                            now=now)  # fmt: skip
    code, out = status(setup, capsys)
    assert code == 1
    row = table(out, "Destinations")["partner-hook"]
    assert (row["PENDING"], row["DEAD LETTERS"], row["OLDEST PENDING"]) == ("0", "1", "-")
    code, document = as_json(setup, capsys)
    assert code == 1
    assert document["problems"] == [
        {"kind": "destination.dead_letters", "name": "partner-hook", "code": "1"}
    ]


def test_a_lease_in_the_store_beats_the_estimate_and_old_sources_are_no_problem(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    until = now + timedelta(minutes=20)
    assert setup.store.claim_poll("vaasa-fi", owner="w1", now=now, until=until, min_gap=0)
    setup.store.record_poll("vaasa-old", now, error_code="fetch.connect", error="refused")
    code, document = as_json(setup, capsys)
    assert code == 0, document["problems"]
    sources = {s["name"]: s for s in document["sources"]}
    assert sources["vaasa-fi"]["next_poll_basis"] == "polling"
    assert datetime.fromisoformat(sources["vaasa-fi"]["next_poll_at"]) == until.replace(
        microsecond=0
    )
    assert sources["vaasa-old"]["configured"] is False and sources["vaasa-old"]["result"] == "error"
    setup.store.release_poll("vaasa-fi", "w1", hold=until)
    code, out = status(setup, capsys)
    assert table(out, "Sources")["vaasa-fi"]["NEXT POLL"].endswith("(in 20 min; held)")
    assert "vaasa-old (not configured)" in table(out, "Sources")


def test_a_config_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "feeds.toml"
    broken.write_text("[[sources]]\nname = 3\n", encoding="utf-8")
    assert main(["status", "--config", str(broken)]) == 2
    assert capsys.readouterr().err


def test_an_adaptive_source_shows_the_interval_the_worker_chose_and_why(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    text = setup.config.read_text(encoding="utf-8")
    setup.config.write_text(text.replace("interval = 600", "interval = 600\nadaptive = true"),
                            encoding="utf-8")  # fmt: skip
    due = (setup.polled + timedelta(minutes=7)).replace(microsecond=0)
    setup.store.record_rhythm("vaasa-fi", Decision(120.0, slot=33, share=0.13, seen=40.0), due)
    code, document = as_json(setup, capsys)
    fi = {s["name"]: s for s in document["sources"]}["vaasa-fi"]
    assert code == 0 and fi["next_poll_basis"] == "adaptive"
    assert datetime.fromisoformat(fi["next_poll_at"]) == due  # not polled + the fixed interval
    assert fi["poll_interval_s"] == 120.0 and fi["poll_reason"] == "Tue 09–10: 13 % of releases"
    code, out = status(setup, capsys)
    assert table(out, "Sources")["vaasa-fi"]["NEXT POLL"].endswith(
        "adaptive: Tue 09–10: 13 % of releases)"
    )
