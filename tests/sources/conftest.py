"""The sample site and a fetcher allowed to reach it (loopback), fixed dates."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from syndicator.configbase import HttpSettings
from syndicator.demo.site import SampleSite
from syndicator.http import Fetcher

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class MemoryValidators:
    """What the pipeline does: save the fetcher's pending validators after a good poll."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[str | None, str | None]] = {}

    def get_validators(self, url: str) -> tuple[str | None, str | None] | None:
        return self.saved.get(url)

    def save(self, fetcher: Fetcher) -> None:
        self.saved.update(fetcher.pending_validators)
        fetcher.pending_validators.clear()


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with SampleSite(now=NOW) as running:
        yield running


@pytest.fixture
def validators() -> MemoryValidators:
    return MemoryValidators()


@pytest.fixture
async def fetcher(validators: MemoryValidators) -> AsyncIterator[Fetcher]:
    settings = HttpSettings(
        min_host_delay=0,
        max_retries=0,
        backoff_base=0.01,
        allow_private_networks=True,
        respect_robots=True,
        user_agent="syndicator-test/1",
    )
    async with Fetcher(settings, validators) as running:
        yield running
