"""File digests, taken again only when a file's size or modification time changed.

A build fingerprints every input file, and the renderer tells font files apart
by their contents: both ask here. A build saves what it learned next to its
output, so that the next build hashes only the files that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from .build.output import write_atomic

DIGEST_CACHE_FILE = ".brochure-digests.json"

_known: dict[str, tuple[int, int, str]] = {}
"""File digests by path, with the size and modification time they were taken at."""


def file_digest(path: Path) -> str:
    """The SHA-256 of the file at ``path``, in hex."""
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
