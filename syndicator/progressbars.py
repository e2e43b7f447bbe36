"""The rich side of ``syndicator.progress``: imported only when a bar is about to show."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["make_bars"]


class _Rate(ProgressColumn):
    """Steps per second, once rich has measured some."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("–/s" if speed is None else f"{speed:.1f}/s")


def make_bars(stream: TextIO) -> tuple[Console, Progress]:
    """A console on ``stream`` and its bars: label, bar, done/total, rate, elapsed, ETA."""
    console = Console(file=stream, highlight=False)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        redirect_stdout=False,  # stdout may be a pipe: its lines must not land on stderr
        redirect_stderr=False,  # the log handlers are pointed above the bars instead
    )
    return console, bars
