"""Print tasks in this process or in a pool of worker processes.

Workers start from a fork server that has imported WeasyPrint where the system
has one, else with ``spawn`` (as on macOS and Windows): either way each receives
the project once, pickled, and keeps its own :class:`Printer` (and so its own
templates and font configurations) for the whole build. The output does not
depend on how many workers there are, nor on how they start.
"""

from __future__ import annotations

import multiprocessing
import signal
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import util
from multiprocessing.context import BaseContext, ForkServerContext
from pathlib import Path

from ..compat import (
    children_import_installed_code,
    keep_temporary_files_in,
    temporary_files_in,
)
from ..project import Project
from .outcome import Outcome, OutputFormat
from .render import Printer, Task

START_METHOD: str | None = None
"""How workers start; ``None`` picks ``forkserver`` where the system has it (a server that
has imported WeasyPrint forks each worker), else ``spawn``. Both pickle what a worker gets,
so nothing is shared by accident."""
PRELOADED = ["brochure.pdf.render"]

WORKER_DIED = ("the worker process rendering this document stopped, also when tried again alone "
               "(it ran out of memory, or the renderer crashed on this document)")

_printer: Printer | None = None
"""A worker process's printer, made by :func:`_start_worker` when the process starts."""


def print_all(project: Project, out: Path, output_format: OutputFormat, tasks: Sequence[Task],
              workers: int) -> Iterator[Outcome]:
    """Print ``tasks``, yielding each outcome as it ends.

    With one worker (or one task) they are printed here, one after another. When a
    worker dies, the pool stops: the tasks it left unfinished are tried again one at a
    time, each in a worker of its own, so that only the task that kills its worker fails.
    Every temporary file goes into one folder, removed at the end whatever happened.
    """
    with tempfile.TemporaryDirectory(prefix="brochure-") as scratch:
        setup = _Setup(project, out, output_format, Path(scratch))
        if min(workers, len(tasks)) <= 1:
            with temporary_files_in(setup.scratch):
                yield from _print_here(setup, tasks)
        else:
            yield from _print_in_pool(setup, tasks, min(workers, len(tasks)))


@dataclass(frozen=True)
class _Setup:
    """What each printer needs: the project, where to write, and the scratch folder."""

    project: Project
    out: Path
    output_format: OutputFormat
    scratch: Path

    def printer(self) -> Printer:
        return Printer(self.project, self.out, self.output_format)


def _print_here(setup: _Setup, tasks: Sequence[Task]) -> Iterator[Outcome]:
    printer = setup.printer()
    try:
        for task in tasks:
            yield printer.print(task)
    finally:
        printer.close()


def _print_in_pool(setup: _Setup, tasks: Sequence[Task], workers: int) -> Iterator[Outcome]:
    unfinished: list[Task] = []
    with _pool(workers, setup) as pool:
        futures: dict[Future[Outcome], Task] = {pool.submit(_print, task): task
                                                for task in tasks}
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    unfinished.append(futures[future])
        except BaseException:
            for future in futures:  # Ctrl-C: start nothing new, let running tasks finish
                future.cancel()
            raise
    for task in sorted(unfinished, key=lambda task: task.job):
        yield _print_alone(task, setup)


def _pool(workers: int, setup: _Setup) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                               initargs=(setup,))


def _context() -> BaseContext:
    method = START_METHOD
    if method is None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
            else "spawn"
    context = multiprocessing.get_context(method)
    if isinstance(context, ForkServerContext):
        children_import_installed_code()
        context.set_forkserver_preload(PRELOADED)
    return context


def _print_alone(task: Task, setup: _Setup) -> Outcome:
    """Print one task in a worker of its own; the worker's death fails this task only."""
    with _pool(1, setup) as pool:
        try:
            return pool.submit(_print, task).result()
        except BrokenProcessPool:
            return Outcome(task.job, inputs=task.inputs, error=WORKER_DIED)


def _start_worker(setup: _Setup) -> None:
    """Ignore Ctrl-C (the parent stops the build), import WeasyPrint once, make the printer."""
    global _printer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..pdf import render  # noqa: F401  (the import is the point: pay for it once)

    keep_temporary_files_in(setup.scratch)
    _printer = setup.printer()
    util.Finalize(None, _printer.close, exitpriority=10)  # runs as the worker ends


def _print(task: Task) -> Outcome:
    assert _printer is not None, "a worker prints only after _start_worker"
    return _printer.print(task)
