"""The exceptions a user may see. Every input problem carries its file, line and key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


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
    """One thing wrong with the input: where, which key, and what was expected."""

    location: Location
    key: str
    message: str
    rule: str = ""
    """The ``brochure check`` rule it breaks, when more precise than ``input.invalid``."""

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.location}:{key} {self.message}"


class BrochureError(Exception):
    """Base class of every failure the command line reports without a traceback."""


class InputError(BrochureError):
    """One or more problems in the project's input files, reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class ProjectNotFound(BrochureError):
    """The directory does not hold a brochure project."""


class RenderError(BrochureError):
    """A document could not be rendered (a refused URL, a missing font...)."""


def relative_name(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
