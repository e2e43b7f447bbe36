"""The event loop the long-running commands (``run``, ``demo``) run on.

uvloop where it is installed (a declared dependency on Linux and macOS): on a cached feed it
takes one process from about 19,000 to 25,000 requests/s, the gap between a Python server and
nginx being per-request loop overhead. Elsewhere the standard loop; nothing here depends on
which one runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run"]

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on uvloop when it is available."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows, or an install without it
        return asyncio.run(main)
    return uvloop.run(main)
