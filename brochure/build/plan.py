"""Which documents a build makes: one job per clinic, document and language."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BrochureError
from ..project import Project


@dataclass(frozen=True, order=True)
class Job:
    """One output file to make."""

    slug: str
    document: str
    language: str

    def filename(self, extension: str) -> str:
        """Its path inside the output folder: ``<clinic>/<document>.<language>.<ext>``."""
        return f"{self.slug}/{self.document}.{self.language}.{extension}"

    def __str__(self) -> str:
        return f"{self.slug}/{self.document}.{self.language}"


def in_shard(job: Job, shard: tuple[int, int]) -> bool:
    """Whether ``job`` belongs to shard ``K`` of ``N`` (K counts from 1).

    The split depends on the job alone, so every machine of a CI matrix agrees
    and the shards together hold every job exactly once.
    """
    number, count = shard
    digest = hashlib.sha256(str(job).encode()).digest()
    return int.from_bytes(digest[:8], "big") % count == number - 1


class UnknownClinic(BrochureError):
    """A --clinic option names no clinic folder."""


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
