"""Suite-wide settings. CI runs Hypothesis derandomised (``HYPOTHESIS_PROFILE=ci``), so a
failure there reproduces with the same examples; the header says which profile ran."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("dev", print_blob=True)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
settings.load_profile(_PROFILE)


def pytest_report_header() -> str:
    derandomized = " (derandomised: same examples every run)" if _PROFILE == "ci" else ""
    return f"hypothesis profile: {_PROFILE}{derandomized}"
