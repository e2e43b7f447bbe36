"""What one poll of one source did: counts, the failure, the health verdict, the hub seen."""

from __future__ import annotations

from dataclasses import dataclass

from syndicator.hubs.discovery import HubLink

__all__ = ["PollResult"]


@dataclass(slots=True)
class PollResult:
    source: str
    ok: bool = True
    not_modified: bool = False
    skipped: bool = False  # another poller held the source's lease
    candidates: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    errors: int = 0
    extracted: int = 0
    generic: int = 0  # pages where the site profile found no body
    error_code: str | None = None
    retry_after: float | None = None
    degraded: str | None = None
    hub: HubLink | None = None  # the WebSub hub the listing advertised (``hubs``)
