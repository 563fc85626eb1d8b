"""The fingerprint of a document's inputs: printed in its footer, and what decides a rebuild."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from ..project import CONTENT_FILE, ClinicSite, Project
from .output import write_atomic

TOOL_VERSION = version("clinic-brochure")
DIGEST_CACHE_FILE = ".brochure-digests.json"

_known: dict[str, tuple[int, int, str]] = {}
"""File digests by path, with the size and modification time they were taken at."""


def input_digest(project: Project, site: ClinicSite, document: str, language: str) -> str:
    """SHA-256 over the tool version, the job, and every file the job may read.

    Those files are content.yaml, the clinic's folder (settings, brand, assets,
    template overrides) and the theme; a change to any of them changes the digest.
    """
    digest = hashlib.sha256(f"{TOOL_VERSION}\0{site.slug}\0{document}\0{language}\0".encode())
    for path in _files(project, site):
        name = path.relative_to(project.root).as_posix()
        digest.update(f"{name}\0{_file_digest(path)}\0".encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    """A file's SHA-256, taken again only when its size or modification time changed."""
    stat = path.stat()
    known = _known.get(str(path))
    if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _known[str(path)] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest


def load_digests(path: Path) -> None:
    """Remember the file digests a previous build saved (a missing or bad file is ignored)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        _known.update({name: (int(size), int(mtime), str(digest))
                       for name, (size, mtime, digest) in data.items()})
    except (OSError, ValueError, TypeError):
        pass


def save_digests(path: Path) -> None:
    """Save the file digests for the next build, so that it hashes only changed files."""
    data = {name: list(value) for name, value in sorted(_known.items())}
    with contextlib.suppress(OSError):  # only a cache: the next build hashes files again
        write_atomic(path, json.dumps(data).encode("utf-8"))


def _files(project: Project, site: ClinicSite) -> Iterator[Path]:
    yield project.root / CONTENT_FILE
    for folder in (site.directory, project.templates):
        yield from sorted(path for path in folder.rglob("*") if path.is_file())
