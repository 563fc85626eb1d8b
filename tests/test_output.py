"""Atomic output: a file is either its old self or its complete new self, never half."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from brochure.files import write_atomic


def _debris(folder: Path) -> list[str]:
    """Files in ``folder`` other than the target: temporary files left behind."""
    return sorted(path.name for path in folder.iterdir() if path.name != "brochure.en.pdf")


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "out" / "brochure.en.pdf"
    path.parent.mkdir()
    path.write_bytes(b"old complete file")
    return path


def test_writes_the_new_bytes_and_nothing_else(target: Path) -> None:
    write_atomic(target, b"new complete file")
    assert target.read_bytes() == b"new complete file"
    assert _debris(target.parent) == []


def test_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "output" / "new-clinic" / "consent.en.pdf"
    write_atomic(path, b"%PDF-")
    assert path.read_bytes() == b"%PDF-"


def test_the_file_is_readable_like_any_other_output(target: Path) -> None:
    """mkstemp makes private files; the output must not stay owner-only."""
    write_atomic(target, b"data")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_an_interrupt_keeps_the_old_file_and_leaves_no_temporary(
        target: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """Ctrl-C while the new file is written or renamed: the old file is intact, no debris."""
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, step, interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new file, never completed")
    monkeypatch.undo()
    assert target.read_bytes() == b"old complete file"
    assert _debris(target.parent) == []


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(
        target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old complete file"
    assert _debris(target.parent) == []


def test_the_temporary_file_is_hidden_in_the_same_folder(
        target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rename stays on one file system: the temporary lives next to the target."""
    renamed: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str, destination: str) -> None:
        renamed.append((str(source), str(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(target, b"new")
    assert len(renamed) == 1
    source = Path(renamed[0][0])
    assert source.parent == target.parent
    assert source.name.startswith(".") and source.name.endswith(".tmp")
    assert Path(renamed[0][1]) == target
