"""What the benchmarks share: a helper process (sources, receivers) in its own process, so
its CPU is not counted as ours, answering one JSON line per command; and the run that
prints the figures and keeps them under ``build/``."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self

__all__ = ["ROOT", "JsonChild", "run_figures"]

ROOT = Path(__file__).resolve().parents[1]


class JsonChild:
    """``python -m MODULE ARGS…``; its first line is ``first``, ``ask`` sends a command."""

    def __init__(self, module: str, *args: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.first: Any = self._read()

    def ask(self, command: str) -> Any:
        assert self._process.stdin is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self) -> Any:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's helper process died")
        return json.loads(line)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_figures(measure: Callable[[Path], Awaitable[list[str]]], name: str) -> int:
    """Run ``measure`` in a temporary directory; its lines also go to build/NAME.txt."""
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as tmp:
        lines = asyncio.run(measure(Path(tmp)))
    out = ROOT / "build" / f"{name}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"(also in {out.relative_to(ROOT)})")
    return 0
