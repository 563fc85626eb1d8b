"""Print tasks in this process or in a pool of worker processes.

Workers start from a fork server that has imported WeasyPrint where the system
has one, else with ``spawn`` (as on macOS and Windows): either way each receives
the project once, pickled, and keeps its own :class:`Printer` (and so its own
templates and font configurations) for the whole build. The output does not
depend on how many workers there are, nor on how they start.
"""

from __future__ import annotations

import atexit
import multiprocessing
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext, ForkServerContext
from pathlib import Path

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
    """
    if min(workers, len(tasks)) <= 1:
        printer = Printer(project, out, output_format)
        try:
            for task in tasks:
                yield printer.print(task)
        finally:
            printer.close()
        return
    setup = (project, out, output_format)
    unfinished: list[Task] = []
    with _pool(min(workers, len(tasks)), setup) as pool:
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


def _pool(workers: int, setup: tuple[Project, Path, OutputFormat]) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker,
                               initargs=setup)


def _context() -> BaseContext:
    method = START_METHOD
    if method is None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
            else "spawn"
    context = multiprocessing.get_context(method)
    if isinstance(context, ForkServerContext):
        context.set_forkserver_preload(PRELOADED)
    return context


def _print_alone(task: Task, setup: tuple[Project, Path, OutputFormat]) -> Outcome:
    """Print one task in a worker of its own; the worker's death fails this task only."""
    with _pool(1, setup) as pool:
        try:
            return pool.submit(_print, task).result()
        except BrokenProcessPool:
            return Outcome(task.job, inputs=task.inputs, error=WORKER_DIED)


def _start_worker(project: Project, out: Path, output_format: OutputFormat) -> None:
    """Ignore Ctrl-C (the parent stops the build), import WeasyPrint once, make the printer."""
    global _printer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..pdf import render  # noqa: F401  (the import is the point: pay for it once)

    _printer = Printer(project, out, output_format)
    atexit.register(_printer.close)


def _print(task: Task) -> Outcome:
    assert _printer is not None, "a worker prints only after _start_worker"
    return _printer.print(task)
