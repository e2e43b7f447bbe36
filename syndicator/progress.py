"""Progress bars for long command-line work: counts, rate and time left, on stderr.

A command opens a ``board()`` around its work; loops anywhere below it (the poll's items,
the feed documents, the retried deliveries) say ``with progress(label, total) as bar:`` and
``bar.advance()``. Without a board — the worker's routine polls, tests, library use — or when
stderr is not a terminal, ``progress`` hands out a tracker that does nothing: no bar, no
control characters, and rich is never imported. The board lives in a context variable, so
``asyncio.run`` and ``offload``'s threads see the one the command opened.

While a bar is shown, the log handlers write above it (through the bar's console) instead of
through it; when the last bar of a moment ends, its final state stays on the screen and the
handlers get their stream back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["QUIET", "Tracker", "board", "progress"]


class Tracker:
    """One bar's handle. This one is quiet: it is what loops get when no bar is shown."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more done."""

    def expect(self, steps: int) -> None:
        """``steps`` more to do than the total said (work found on the way)."""


QUIET = Tracker()


@dataclass(eq=False)
class _Board:
    stream: TextIO
    routine: bool  # show bars for ordinary work too, not only the long kind (catch-up)
    console: Console | None = None
    bars: Progress | None = None
    shown: int = 0
    handlers: list[tuple[logging.StreamHandler[Any], Any]] = field(default_factory=list)


_BOARD: ContextVar[_Board | None] = ContextVar("syndicator_progress_board", default=None)


@contextmanager
def board(*, routine: bool = True, stream: TextIO | None = None) -> Iterator[None]:
    """Let ``progress`` show bars on ``stream`` (stderr) while inside, when it is a terminal.
    ``routine=False`` (the worker): only work flagged long — a catch-up — gets a bar."""
    target = stream if stream is not None else sys.stderr
    if not _is_terminal(target):
        yield
        return
    token = _BOARD.set(_Board(target, routine))
    try:
        yield
    finally:
        _BOARD.reset(token)


@contextmanager
def progress(label: str, total: int | None, *, routine: bool = False) -> Iterator[Tracker]:
    """A bar named ``label`` out of ``total`` steps (None: unknown) for the block, when a
    board allows it; ``routine``: ordinary work, shown only on a board that wants all."""
    current = _BOARD.get()
    if current is None or (routine and not current.routine):
        yield QUIET
        return
    bars = _open(current)
    tracker = _Bar(bars, bars.add_task(label, total=total))
    try:
        yield tracker
    finally:
        bars.refresh()
        current.shown -= 1
        if current.shown == 0:
            _close(current)


class _Bar(Tracker):
    def __init__(self, bars: Progress, task: TaskID) -> None:
        self._bars, self._task = bars, task

    def advance(self, steps: int = 1) -> None:
        self._bars.advance(self._task, steps)

    def expect(self, steps: int) -> None:
        total = next(task.total for task in self._bars.tasks if task.id == self._task)
        self._bars.update(self._task, total=(total or 0) + steps)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


def _open(current: _Board) -> Progress:
    """The board's live bars, started with the first bar of a moment."""
    current.shown += 1
    if current.bars is not None:
        return current.bars
    from syndicator.progressbars import make_bars  # rich loads only for a bar shown

    current.console, current.bars = make_bars(current.stream)
    _lift_logs(current)
    current.bars.start()
    return current.bars


def _close(current: _Board) -> None:
    if current.bars is not None:
        current.bars.stop()  # the last frame stays: the counts the work ended with
    for handler, stream in current.handlers:
        handler.setStream(stream)
    current.handlers.clear()
    current.bars = current.console = None


def _lift_logs(current: _Board) -> None:
    """Point the handlers writing to the board's terminal at the bars' console."""
    assert current.console is not None
    above = _Above(current.console)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is current.stream:
            current.handlers.append((handler, handler.setStream(above)))


class _Above:
    """A text stream whose whole lines the console prints above its live bars, unchanged:
    no markup, no highlighting, no wrapping."""

    def __init__(self, console: Console) -> None:
        self._console, self._pending = console, ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._console.out(line, highlight=False)
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._console.out(self._pending, highlight=False)
            self._pending = ""
