"""Every failure a user may see, and where in the input it lies.

Each expected failure is a :class:`BrochureError`: a :class:`click.ClickException`, so the
command line prints its message and exits with its code, never a traceback. A problem in
the input is a :class:`Problem` that carries the facts (file, line, column, key, the value
given, what is allowed) as fields, so that the wording lives in one place.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file; line and column count from 1."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where, which key, the value given, what is allowed."""

    location: Location
    key: str
    message: str
    rule: str = ""
    """The ``brochure check`` rule it breaks, when more precise than ``input.invalid``."""
    value: str | None = None
    """The value given, as text: ``""`` for a key that is missing, ``None`` where no value
    applies (a file that cannot be read)."""
    allowed: tuple[str, ...] = ()
    """The values or keys that would be accepted, where there is a short list."""
    clinic: str = ""
    """The clinic the problem stops, when it concerns one clinic's documents."""
    document: str = ""
    """The document it concerns (``consent``), when it concerns one."""

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.location}:{key} {self.scope}{self.message}"

    @property
    def scope(self) -> str:
        """``[clinic document] `` when the problem belongs to one clinic, else nothing."""
        if not self.clinic:
            return ""
        return f"[{self.clinic}{' ' + self.document if self.document else ''}] "


class BrochureError(click.ClickException):
    """Base class of every failure the command line reports without a traceback."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.secho(f"error: {self.format_message()}", fg="red", err=file is None, file=file)


class InputError(BrochureError):
    """One or more problems in the project's input files, reported together."""

    context = "in the input"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def format_message(self) -> str:
        listed = "".join(f"\n  {problem}" for problem in self.problems)
        return f"{len(self.problems)} problem(s), {self.context}:{listed}"


class ReleaseRefused(InputError):
    """A release build found drafts or failed checks: nothing was built."""

    context = "release refused, nothing built"


class ProjectNotFound(BrochureError):
    """The folder does not hold a brochure project."""


class UnknownClinic(BrochureError):
    """A ``--clinic`` option names no clinic folder: a mistake in the command, not the input."""

    exit_code = 2


class RenderError(BrochureError):
    """A document could not be rendered (a template mistake, a missing font...)."""


class SandboxViolation(RenderError):
    """A template or content asked for a resource outside the sandbox."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused to load {shorten(url)}: {reason}")


class LayoutOverflow(RenderError):
    """Text runs out of its box or off the page: (page, text, ``its column`` or ``the page``)."""

    def __init__(self, overflows: list[tuple[int, str, str]]) -> None:
        self.overflows = overflows
        super().__init__("; ".join(f'page {page}: "{shorten(text, 60)}" runs out of {where}'
                                   for page, text, where in overflows[:5]))


class MissingCharacters(RenderError):
    """The brand fonts lack characters the text uses; ``characters`` lists them."""

    def __init__(self, message: str, characters: list[str]) -> None:
        self.characters = characters
        super().__init__(message)


class OutputError(BrochureError):
    """The output folder or manifest cannot be read or written."""


_OS_REASONS = {
    errno.ENOTDIR: "part of that path is a file, not a folder",
    errno.EISDIR: "that is a folder, not a file",
    errno.EACCES: "you are not allowed to write there",
    errno.EPERM: "the system does not allow writing there",
    errno.EROFS: "that disk is read-only",
    errno.ENOENT: "a folder on the way does not exist and cannot be made",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.ENAMETOOLONG: "the name is too long",
}


def os_reason(error: OSError) -> str:
    """Why the system refused a file operation, in plain words."""
    return _OS_REASONS.get(error.errno or 0) or (error.strerror or "the system refused").lower()


def shorten(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters, with ``...`` where it was cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def relative_name(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
