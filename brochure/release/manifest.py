"""output/manifest.json: what a build made, so a release can be verified and merged."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import OutputError, os_reason
from ..files import write_atomic

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True, order=True)
class Entry:
    """One document in the manifest; ``path`` is relative to the output folder."""

    path: str
    clinic: str
    document: str
    language: str
    version: str
    status: str
    sha256: str
    bytes: int
    pages: int | None
    inputs: str


class ManifestError(OutputError):
    """A manifest cannot be read, or two manifests disagree."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, Entry]:
    """The entries of the manifest at ``path`` by path; none when there is no manifest."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {item["path"]: Entry(**item) for item in data["documents"]}
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ManifestError(f"cannot read {path}: {os_reason(error)}") from None
    except (ValueError, KeyError, TypeError):
        raise ManifestError(f"{path} is damaged: it is not a manifest that brochure wrote. "
                            "Delete it and build again with --force; the documents next to "
                            "it are not touched until they are rebuilt") from None


def write_manifest(path: Path, entries: Iterable[Entry]) -> None:
    """Write the entries sorted by path, in a stable layout, atomically."""
    documents = [asdict(entry) for entry in sorted(entries)]
    text = json.dumps({"format": FORMAT_VERSION, "documents": documents}, indent=2,
                      sort_keys=True, ensure_ascii=False)
    write_atomic(path, (text + "\n").encode("utf-8"))


def merge_manifests(manifests: Iterable[dict[str, Entry]]) -> list[Entry]:
    """The union of several shards' manifests; the same path with different bytes is an error."""
    merged: dict[str, Entry] = {}
    for entries in manifests:
        for path, entry in entries.items():
            if path in merged and merged[path] != entry:
                raise ManifestError(f"{path}: the manifests disagree "
                                    f"({merged[path].sha256[:12]} and {entry.sha256[:12]})")
            merged[path] = entry
    return sorted(merged.values())


def verify(out: Path) -> list[str]:
    """Re-hash every output listed in ``out``'s manifest; describe each mismatch."""
    if not (out / MANIFEST_FILE).is_file():
        raise ManifestError(f"{out / MANIFEST_FILE}: no manifest (build first)")
    entries = read_manifest(out / MANIFEST_FILE)
    problems = []
    for path, entry in sorted(entries.items()):
        file = out / path
        if not file.is_file():
            problems.append(f"{path}: missing")
            continue
        size = file.stat().st_size
        digest = file_sha256(file)
        if size != entry.bytes or digest != entry.sha256:
            problems.append(f"{path}: changed since it was built (sha256 {digest[:12]}, "
                            f"manifest {entry.sha256[:12]}; {size} bytes, "
                            f"manifest {entry.bytes})")
    return problems
