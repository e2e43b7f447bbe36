"""The sample site, served once per module on 127.0.0.1:0 with fixed dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from syndicator.demo.site import SampleSite

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite(now=NOW) as running:
        yield running
