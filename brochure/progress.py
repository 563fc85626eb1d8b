"""How a build reports as it goes: a progress bar on a terminal, one line per document in CI."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from .release.outcome import Outcome


class Reporter:
    """Prints each outcome; ``quiet`` keeps only failures, ``verbose`` adds up-to-date ones."""

    def __init__(self, quiet: bool = False, verbose: bool = False,
                 terminal: bool | None = None) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.terminal = sys.stdout.isatty() if terminal is None else terminal
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def plan(self, count: int) -> None:
        """Start the bar, on a terminal, once the number of documents is known."""
        if self.terminal and not self.quiet and count:
            self._progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("build", total=count)

    def outcome(self, outcome: Outcome) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)
        if outcome.error:
            self._say(f"failed  {outcome.job}: {outcome.error}", error=True)
        elif outcome.skipped:
            if self.verbose:
                self._say(f"current {shown(outcome.path)}  (up to date)")
        elif not self.quiet:
            timing = f", {outcome.seconds:.2f} s" if self.verbose else ""
            self._say(f"built   {shown(outcome.path)}  ({outcome.size / 1024:.0f} KB{timing})")

    def _say(self, line: str, error: bool = False) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False,
                                         style="red" if error else None)
        else:
            click.secho(line, fg="red" if error else None, err=error)


def shown(path: Path | None) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    if path is None:
        return "?"
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
