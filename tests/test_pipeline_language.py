"""A poll decides each page's language as ``syndicator extract`` does: a page in a language
we do not publish is stored without one, and the poll says why in one log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.pagepoll import SOURCE_NAME, poll_pages

GERMAN = (
    "<html><head><title>Hallenbad</title></head><body><article><h1>Neues Hallenbad</h1>"
    "<p>Julkaistu 12.11.2026</p><p>Die Stadt hat den neuen Plan für den Bau vorgestellt. Den "
    "Auftrag erhält eine Firma aus Vaasa, die den Bau im Sommer beginnt.</p></article></body>"
    "</html>"
)


def test_a_page_in_an_unpublished_language_is_stored_without_one_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    polled = poll_pages(tmp_path, {"/uutiset/hallenbad.html": GERMAN.encode()})
    [article] = polled.articles
    assert polled.result.created == 1 and article.lang is None
    [said] = [r for r in caplog.records if getattr(r, "event", None) == "extract.no_language"]
    assert "reads as de" in said.getMessage() and getattr(said, "source", None) == SOURCE_NAME
