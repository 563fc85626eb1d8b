"""Run a build: render each job, write it atomically, and report what happened."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Literal

from ..checks import check_project, draft_problems
from ..checks.consent import consent_problems
from ..documents.html import render_html
from ..errors import BrochureError, InputError
from ..project import Project
from .output import write_atomic
from .plan import Job, plan_jobs

OutputFormat = Literal["pdf", "html"]
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What became of one job: the file written, or why it failed."""

    job: Job
    path: Path | None = None
    size: int = 0
    error: str | None = None


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    broken: dict[str, InputError] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.error]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.broken


class ReleaseRefused(InputError):
    """A release build found drafts or failed checks: nothing was built."""


def build(project: Project, out: Path, clinics: Sequence[str] = (),
          documents: Sequence[str] = (), output_format: OutputFormat = "pdf",
          on_outcome: Callable[[Outcome], None] = lambda outcome: None,
          release: bool = False) -> BuildReport:
    """Build the chosen documents into ``out``; one failure does not stop the others.

    A ``release`` builds nothing unless every chosen clinic passes ``check`` and
    every chosen document is approved.
    """
    jobs, broken = plan_jobs(project, clinics, documents)
    if release:
        slugs = sorted({job.slug for job in jobs} | set(broken))
        refused = check_project(project, slugs) + draft_problems(project, jobs)
        if refused:
            raise ReleaseRefused(refused)
    report = BuildReport(broken={slug: project.broken[slug] for slug in broken})
    for job in jobs:
        outcome = _run(project, job, out, output_format)
        report.outcomes.append(outcome)
        on_outcome(outcome)
    return report


def _run(project: Project, job: Job, out: Path, output_format: OutputFormat) -> Outcome:
    path = out / job.filename(output_format)
    site = project.clinics[job.slug]
    gaps = consent_problems(project, site) if job.document == "consent" else []
    if gaps:
        return Outcome(job, error="the consent form is incomplete:\n" +
                       "\n".join(f"    {gap}" for gap in gaps))
    try:
        html = render_html(project, site, job.document, job.language)
        if output_format == "html":
            data = with_base(html, path.parent, project.root).encode("utf-8")
        else:
            from ..pdf.render import render_pdf  # WeasyPrint is slow to import: only when needed

            data = render_pdf(html, project.root, site.theme.font_names,
                              site.clinic.documents[job.document].effective)
        write_atomic(path, data)
    except BrochureError as error:
        return Outcome(job, error=str(error))
    except OSError as error:
        return Outcome(job, error=f"cannot write {path}: {error.strerror}")
    return Outcome(job, path, len(data))


def with_base(html: str, folder: Path, root: Path) -> str:
    """``html`` with a ``<base>`` so that its project-relative assets resolve from ``folder``."""
    target = os.path.relpath(root.resolve(), folder.resolve()).replace(os.sep, "/")
    base = f'<base href="{html_escape(target.rstrip("/"))}/">'
    return _HEAD.sub(lambda match: f"{match.group(0)}\n{base}", html, count=1)
