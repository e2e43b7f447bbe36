"""Suite-wide settings. CI runs Hypothesis derandomised (``HYPOTHESIS_PROFILE=ci``), so a
failure there reproduces with the same examples; the header says which profile ran."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", print_blob=True)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(_PROFILE)


def pytest_report_header() -> str:
    derandomized = " (derandomised: same examples every run)" if _PROFILE == "ci" else ""
    return f"hypothesis profile: {_PROFILE}{derandomized}"


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """``cli.main`` points the root logger at the test's stderr; give pytest its own back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
