"""File digests, taken again only when a file's size or modification time changed.

A build fingerprints every input file. The digests it took are saved next to its
output, so that the next build hashes only the files that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from .files import write_atomic

DIGEST_CACHE_FILE = ".brochure-digests.json"


class DigestCache:
    """The SHA-256 of files by path, with the size and modification time each was taken at."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[int, int, str]] = {}

    def digest(self, path: Path) -> str:
        """The SHA-256 of the file at ``path``, in hex."""
        stat = path.stat()
        known = self._known.get(str(path))
        if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
            return known[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self._known[str(path)] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    @classmethod
    def load(cls, path: Path) -> DigestCache:
        """The digests a previous build saved at ``path`` (none when missing or damaged)."""
        cache = cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cache._known = {name: (int(size), int(mtime), str(digest))
                            for name, (size, mtime, digest) in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        return cache

    def save(self, path: Path) -> None:
        """Save the digests for the next build, so that it hashes only changed files."""
        data = {name: list(value) for name, value in sorted(self._known.items())}
        with contextlib.suppress(OSError):  # only a cache: the next build hashes files again
            write_atomic(path, json.dumps(data).encode("utf-8"))
