"""One build at a time per output folder."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError, os_reason

LOCK_FILE = ".brochure.lock"


class OutputBusy(OutputError):
    """Another build is writing to the same output folder."""


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` for the duration of a build."""
    path = out / LOCK_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as error:
        raise OutputError(f"cannot write the documents into {out}: {os_reason(error)}. "
                          "Choose a folder you can write to with --out DIR") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputBusy(f"another build ({holder}) is writing to {out}; wait for it to "
                             "finish, or build into another folder with --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
