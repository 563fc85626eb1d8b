"""Which documents a build makes: one job per clinic, document and language."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..errors import Problem, UnknownClinic
from ..project import Project
from ..request import Job


def in_shard(job: Job, shard: tuple[int, int]) -> bool:
    """Whether ``job`` belongs to shard ``K`` of ``N`` (K counts from 1).

    The split depends on the job alone, so every machine of a CI matrix agrees
    and the shards together hold every job exactly once.
    """
    number, count = shard
    digest = hashlib.sha256(str(job).encode()).digest()
    return int.from_bytes(digest[:8], "big") % count == number - 1


def plan_jobs(project: Project, clinics: Sequence[str] = (),
              documents: Sequence[str] = ()) -> tuple[list[Job], list[str]]:
    """The jobs to run, and the slugs of requested clinics that failed to load.

    Empty ``clinics`` or ``documents`` mean all of them.
    """
    unknown = sorted(set(clinics) - set(project.slugs))
    if unknown:
        raise UnknownClinic(f"no clinic folder named {', '.join(unknown)}; clinics: "
                            f"{', '.join(project.slugs)}")
    wanted = set(clinics or project.slugs)
    jobs = [Job(slug, document, language)
            for slug, site in project.clinics.items() if slug in wanted
            for document in site.clinic.documents if not documents or document in documents
            for language in site.clinic.languages]
    broken = sorted(slug for slug in project.broken if slug in wanted)
    return sorted(jobs), broken


def draft_problems(project: Project, jobs: Iterable[Job]) -> list[Problem]:
    """One problem per document of ``jobs`` that is still a draft: a release refuses them."""
    problems = []
    for job in sorted(set(jobs)):
        site = project.clinics[job.slug]
        control = site.clinic.documents[job.document]
        if control.status == "draft":
            problem = site.source.problem(
                ("documents", job.document, "status"),
                f"{control.id} ({job.document}) is a draft; a release needs every document "
                "approved (status: approved, approved_by)",
                value=control.status, allowed=("approved",))
            problems.append(replace(problem, clinic=job.slug, document=job.document))
    return problems
