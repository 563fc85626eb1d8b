"""The fingerprint of a document's inputs, printed in its footer for traceability."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from ..project import CONTENT_FILE, ClinicSite, Project

TOOL_VERSION = version("clinic-brochure")


def input_digest(project: Project, site: ClinicSite, document: str, language: str) -> str:
    """SHA-256 over the tool version, the job, and every file the job may read."""
    digest = hashlib.sha256(f"{TOOL_VERSION}\0{site.slug}\0{document}\0{language}\0".encode())
    for path in _files(project, site):
        digest.update(path.relative_to(project.root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(project: Project, site: ClinicSite) -> Iterator[Path]:
    yield project.root / CONTENT_FILE
    for folder in (site.directory, project.templates):
        yield from sorted(path for path in folder.rglob("*") if path.is_file())
