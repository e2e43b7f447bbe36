"""``syndicator extract``: what ops run to check a source after a site redesign."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "extraction"


def _extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "extract", *args],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def test_extract_prints_every_field_of_the_partner_repost() -> None:
    run = _extract(str(DATA / "partner-repost.html"), "--url", "https://partner.example/uutinen/")
    assert run.returncode == 0, run.stderr
    for label in ("title:", "language:", "published:", "updated:", "post id:", "body from:",
                  "lead:", "read more:"):  # fmt: skip
        assert label in run.stdout
    assert "https://www.vaasa.fi/tiedote/akkuteollisuudella-loistava" in run.stdout
    assert "Yksityisyydensuoja" not in run.stdout and "evästeitä" not in run.stdout


def test_extract_json_and_a_windows_1252_file() -> None:
    run = _extract(str(DATA / "cp1252-vaasantori-fi.html"), "--json")
    assert run.returncode == 0, run.stderr
    article = json.loads(run.stdout)
    expected = json.loads((DATA / "cp1252-vaasantori-fi.expected.json").read_text("utf-8"))
    assert article["title"] == expected["title"] and "\ufffd" not in article["text"]


def test_extract_of_a_page_without_an_article_says_why() -> None:
    run = _extract(str(DATA / "noarticle-404-sv.html"))
    assert run.returncode == 1 and "extract.no_article" in run.stderr
