"""What a build reports: the outcome of each job, and how a build was asked to run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import InputError
from ..request import Job

OutputFormat = Literal["pdf", "html"]


@dataclass(frozen=True)
class BuildOptions:
    """How to build: which documents, in what form, how many at once."""

    clinics: Sequence[str] = ()
    documents: Sequence[str] = ()
    output_format: OutputFormat = "pdf"
    release: bool = False
    force: bool = False
    jobs: int = 1
    shard: tuple[int, int] | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one job: the file written or found up to date, or why it failed."""

    job: Job
    path: Path | None = None
    size: int = 0
    pages: int | None = None
    sha256: str | None = None
    inputs: str | None = None
    error: str | None = None
    skipped: bool = False
    seconds: float = 0.0


@dataclass
class BuildReport:
    """Every job's outcome, in job order, and the clinics that could not be loaded."""

    outcomes: list[Outcome] = field(default_factory=list)
    broken: dict[str, InputError] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.error]

    @property
    def skipped(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.skipped]

    @property
    def built(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.error and not outcome.skipped]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.broken
