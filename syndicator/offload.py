"""Blocking calls (the store) run on a bounded thread pool of their own, so the event loop
only awaits: a busy SQLite file or an unreachable PostgreSQL never stalls ``/healthz``,
signal handling or another source's poll.

A dedicated pool, not the loop's default executor, so a hung database cannot starve DNS
lookups (``getaddrinfo`` runs on the default executor).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["offload"]

P = ParamSpec("P")
T = TypeVar("T")

_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="syndicator-store")


async def offload(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` on the store's thread pool; the loop awaits the result."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args, **kwargs)
    return await loop.run_in_executor(_POOL, call)
