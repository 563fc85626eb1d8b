"""``brochure check``: everything that must hold before documents go to patients."""

from __future__ import annotations

from collections.abc import Iterable

from ..build.plan import Job
from ..errors import Problem
from ..project import Project
from .consent import consent_problems


def check_project(project: Project, slugs: Iterable[str]) -> list[Problem]:
    """The problems of the given clinics: invalid input first, then missing consent elements."""
    problems: list[Problem] = []
    for slug in slugs:
        if slug in project.broken:
            problems.extend(project.broken[slug].problems)
        elif "consent" in project.clinics[slug].clinic.documents:
            problems.extend(consent_problems(project, project.clinics[slug]))
    return problems


def draft_problems(project: Project, jobs: Iterable[Job]) -> list[Problem]:
    """One problem per document of ``jobs`` that is still a draft: a release refuses them."""
    problems = []
    for job in sorted(set(jobs)):
        site = project.clinics[job.slug]
        control = site.clinic.documents[job.document]
        if control.status == "draft":
            problems.append(site.source.problem(
                ("documents", job.document, "status"),
                f"[{job.slug}] {control.id} ({job.document}) is a draft; a release needs "
                "every document approved (status: approved, approved_by)"))
    return problems
