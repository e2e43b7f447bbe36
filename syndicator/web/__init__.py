"""The HTTP face: feeds (ETag/304), the multilingual index page, /healthz, /readyz, /metrics."""

from __future__ import annotations

from syndicator.web.app import ReadStore, create_app

__all__ = ["ReadStore", "create_app"]
