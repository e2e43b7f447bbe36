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
import logging
import multiprocessing
import os
import resource
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pebble import ProcessExpired, ProcessPool

from syndicator.errors import ExtractError, FetchError, SyndicatorError
from syndicator.logs import log_event

__all__ = ["InlineParser", "ParsePool", "Parser"]

log = logging.getLogger("syndicator.parsing")
T = TypeVar("T")
_ERRORS: dict[str, type[SyndicatorError]] = {"FetchError": FetchError}
_PRELOAD = ["syndicator.extraction", "syndicator.sources"]
_NICENESS = 10


class Parser(Protocol):
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` within the budget; ``ExtractError`` when it overran it."""
        ...


class _PoolBroke(Exception):
    """The pool, not the task, failed; the task is tried once more on a fresh pool."""


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
    # What a dying worker prints (a Rust allocator's abort, multiprocessing's traceback) is not
    # a JSON log line; the parent reports the outcome as parse.memory / parse.crashed instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    # The budget is on top of what the worker already maps (its libraries and models, about
    # 170 MB of address space here), so a small budget still leaves a working worker.
    limit = _address_space() + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """Bytes of address space this process maps now (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


class ParsePool:
    """``await pool.run(fn, *args)``: ``fn`` and its arguments and result must pickle."""

    def __init__(self, *, workers: int, timeout: float, memory_mb: int) -> None:
        self.timeout = timeout
        self._settings = (workers, memory_mb)
        self._started = False
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        workers, memory_mb = self._settings
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return ProcessPool(
            max_workers=workers, initializer=_init_worker, initargs=(memory_mb,), context=context
        )

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await self._run_on(self._pool, fn, args)
        except _PoolBroke:  # not the page's fault: a worker died between tasks
            return await self._run_on(self._pool, fn, args, retried=True)

    async def _run_on(
        self, pool: ProcessPool, fn: Callable[..., T], args: tuple[Any, ...], retried: bool = False
    ) -> T:
        schedule = functools.partial(pool.schedule, _call, args=(fn, args), timeout=self.timeout)
        try:
            # The first task starts the fork server and the workers: off the loop.
            future = schedule() if self._started else await asyncio.to_thread(schedule)
            self._started = True
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
        except (BrokenProcessPool, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) and pool.active:
                raise  # the task's own error (our bug): the per-source boundary records it
            await self._replace(pool, exc)
            if not retried:
                raise _PoolBroke from None
            raise ExtractError(
                f"the parser pool broke twice ({exc})", code="parse.crashed"
            ) from None
        if isinstance(outcome, _Failure):
            raise outcome.error()
        value: T = outcome.value
        return value

    async def _replace(self, broken: ProcessPool, cause: BaseException) -> None:
        """pebble gives up for good when a worker dies between tasks (killed by the kernel,
        say): every later task would fail. Start a fresh pool instead, once per breakage."""
        if self._pool is not broken:
            return  # another task already replaced it
        self._pool = self._new_pool()
        self._started = False
        log_event(log, logging.ERROR, "parse.pool_restarted",
                  f"the parser pool broke ({cause}); started a new one")  # fmt: skip
        await asyncio.to_thread(_stop, broken)

    def close(self) -> None:
        """Stop the workers, a task in flight included."""
        _stop(self._pool)

    async def __aenter__(self) -> ParsePool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.close)


def _stop(pool: ProcessPool) -> None:
    pool.stop()  # type: ignore[no-untyped-call]
    pool.join(timeout=10)


class InlineParser:
    """The same contract, in the calling thread and without a budget (tests, one-off tools)."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        outcome = _call(fn, args)
        if isinstance(outcome, _Failure):
            raise outcome.error()
        value: T = outcome.value
        return value
