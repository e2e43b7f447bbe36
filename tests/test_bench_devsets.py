"""``make bench-extract`` on a machine without the development sets (a bare CI clone)."""

from __future__ import annotations

from pathlib import Path

from bench.devsets import render_devsets, run_devsets


def test_absent_development_sets_are_skipped_with_a_note(tmp_path: Path) -> None:
    assert run_devsets(tmp_path) is None
    assert render_devsets(None, tmp_path) == f"development sets not found at {tmp_path}, skipped"
