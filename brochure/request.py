"""What to render: one document of one clinic in one language, and the fingerprint of its inputs.

A :class:`Job` names a document (it is what a build plans, shards and reports); a
:class:`DocumentRequest` is a job with everything needed to render it. The fingerprint
covers every file the render may read, so it decides when a document must be built again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .digests import DigestCache
from .models.clinic import DocumentControl, DocumentKind
from .project import CONTENT_FILE, ClinicSite, Project

TOOL_VERSION = version("clinic-brochure")


@dataclass(frozen=True, order=True)
class Job:
    """One output to make: a clinic's document in one language."""

    slug: str
    document: DocumentKind
    language: str

    def filename(self, extension: str) -> str:
        """Its path inside the output folder: ``<clinic>/<document>.<language>.<ext>``."""
        return f"{self.slug}/{self.document}.{self.language}.{extension}"

    def __str__(self) -> str:
        return f"{self.slug}/{self.document}.{self.language}"


@dataclass(frozen=True)
class DocumentRequest:
    """Everything one render needs: the project, the clinic, the document, the language,
    and ``inputs``, the fingerprint of the files it is made from."""

    project: Project
    site: ClinicSite
    document: DocumentKind
    language: str
    inputs: str

    @classmethod
    def for_job(cls, project: Project, job: Job, digests: DigestCache) -> DocumentRequest:
        """The request for ``job``, its inputs fingerprinted through ``digests``."""
        site = project.clinics[job.slug]
        return cls(project, site, job.document, job.language,
                   input_digest(project, site, job, digests))

    @property
    def job(self) -> Job:
        return Job(self.site.slug, self.document, self.language)

    @property
    def control(self) -> DocumentControl:
        """The document's id, version, status and effective date."""
        return self.site.clinic.documents[self.document]

    @property
    def template(self) -> Path:
        """The document's own template: the clinic's, where it has one, else the theme's."""
        name = f"{self.document}.html"
        return next((folder / name for folder in self.template_folders
                     if (folder / name).is_file()), self.project.templates / name)

    @property
    def template_folders(self) -> list[Path]:
        """Where its templates are looked up: the clinic's own folder first, then the theme."""
        return self.project.template_folders(self.site)


def input_digest(project: Project, site: ClinicSite, job: Job, digests: DigestCache) -> str:
    """SHA-256 over the tool version, the job, and every file the job may read.

    Those files are content.yaml, the clinic's folder (settings, brand, assets,
    template overrides) and the theme; a change to any of them changes the digest.
    """
    digest = hashlib.sha256(f"{TOOL_VERSION}\0{job.slug}\0{job.document}\0{job.language}\0"
                            .encode())
    for path in _files(project, site):
        name = path.relative_to(project.root).as_posix()
        digest.update(f"{name}\0{digests.digest(path)}\0".encode())
    return digest.hexdigest()


def _files(project: Project, site: ClinicSite) -> Iterator[Path]:
    yield project.root / CONTENT_FILE
    for folder in (site.directory, project.templates):
        yield from sorted(path for path in folder.rglob("*") if path.is_file())
