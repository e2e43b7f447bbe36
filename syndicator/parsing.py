"""Parsing off the event loop: worker processes, each task within a time and memory budget.

A pathological page (100,000 nested ``<div>``, a 65,000-entry feed) costs one worker, never
the loop: pebble kills the worker at the deadline and starts a fresh one, and the worker's
``RLIMIT_AS`` turns a runaway allocation into a ``MemoryError`` inside the worker. Outcomes
become ``ExtractError`` codes: ``parse.timeout``, ``parse.memory``, ``parse.crashed``.

Processes start from a fork server (the worker process has threads, so plain ``fork`` is
unsafe); the pool is created once per process and started on its first task. A task's own
``SyndicatorError`` comes back with its code (pickling an exception drops keyword
arguments, so it travels as data). :class:`InlineParser` runs tasks in the calling thread:
for tests and one-off tools that parse trusted input.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pebble import ProcessExpired, ProcessPool

from syndicator.errors import ExtractError, FetchError, SyndicatorError

__all__ = ["InlineParser", "ParsePool", "Parser"]

T = TypeVar("T")
_ERRORS: dict[str, type[SyndicatorError]] = {"FetchError": FetchError}
_PRELOAD = ["syndicator.extraction", "syndicator.sources"]
_NICENESS = 10


class Parser(Protocol):
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` within the budget; ``ExtractError`` when it overran it."""
        ...


@dataclass(frozen=True, slots=True)
class _Failure:
    kind: str
    code: str
    message: str

    def error(self) -> SyndicatorError:
        return _ERRORS.get(self.kind, ExtractError)(self.message, code=self.code)


@dataclass(frozen=True, slots=True)
class _Done:
    value: Any


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> _Done | _Failure:
    try:
        return _Done(fn(*args))
    except SyndicatorError as exc:
        return _Failure(type(exc).__name__, exc.code, exc.message)


def _init_worker(memory_mb: int) -> None:
    """Worker initializer: an address-space cap, so an allocation storm fails in here, and a
    lower CPU priority, so on a busy machine the loop process (``/healthz``, deliveries)
    gets the CPU before a pathological page does."""
    os.nice(_NICENESS)
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class ParsePool:
    """``await pool.run(fn, *args)``: ``fn`` and its arguments and result must pickle."""

    def __init__(self, *, workers: int, timeout: float, memory_mb: int) -> None:
        self.timeout = timeout
        self._started = False
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        self._pool = ProcessPool(
            max_workers=workers,
            initializer=_init_worker,
            initargs=(memory_mb,),
            context=context,
        )

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        schedule = functools.partial(
            self._pool.schedule, _call, args=(fn, args), timeout=self.timeout
        )
        # The first task starts the fork server and the workers: half a second off the loop.
        future = schedule() if self._started else await asyncio.to_thread(schedule)
        self._started = True
        try:
            outcome = await asyncio.wrap_future(future)
        except TimeoutError:
            raise ExtractError(
                f"parsing took longer than {self.timeout:g} s; cut off", code="parse.timeout"
            ) from None
        except MemoryError:
            raise ExtractError(
                "parsing ran out of its memory budget", code="parse.memory"
            ) from None
        except ProcessExpired as exc:
            raise ExtractError(
                f"the parser process died (exit code {exc.exitcode})", code="parse.crashed"
            ) from None
        if isinstance(outcome, _Failure):
            raise outcome.error()
        value: T = outcome.value
        return value

    def close(self) -> None:
        """Stop the workers, a task in flight included."""
        self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join(timeout=10)

    async def __aenter__(self) -> ParsePool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.close)


class InlineParser:
    """The same contract, in the calling thread and without a budget (tests, one-off tools)."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        outcome = _call(fn, args)
        if isinstance(outcome, _Failure):
            raise outcome.error()
        value: T = outcome.value
        return value
