"""The sample site and a fetcher allowed to reach it (loopback), fixed dates."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from syndicator.configbase import HttpSettings
from syndicator.demo.site import SampleSite
from syndicator.http import Fetcher, Validators
from syndicator.model import Candidate
from syndicator.parsing import InlineParser
from syndicator.sources import Listing, SourceKind

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PARSER = InlineParser()


async def read(kind: SourceKind, source: Any, fetcher: Fetcher) -> list[Candidate] | None:
    """The candidates a kind finds (None: everything answered 304)."""
    listing = await kind.candidates(source, fetcher, PARSER)
    return None if listing.candidates is None else list(listing.candidates)


class MemoryValidators:
    """What the pipeline does: save a listing's validators after a good poll."""

    def __init__(self) -> None:
        self.saved: dict[str, Validators] = {}

    async def lookup(self, url: str) -> Validators | None:
        return self.saved.get(url)

    def save(self, listing: Listing) -> None:
        self.saved.update(listing.validators)


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
    async with Fetcher(settings, validators.lookup) as running:
        yield running
