"""Fixtures of the fetcher tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.http.scripted import ScriptServer


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    running = ScriptServer()
    yield running
    running.stop()
