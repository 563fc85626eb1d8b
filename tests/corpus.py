"""The harness of the broken-input corpus: what every answer to a broken input must be.

A case breaks a copy of the shipped project (whose documents were built before), runs a
command, and hands the result to :func:`assert_refused`: exit status 1, a message in plain
words that names the file, line and value, no traceback and no library wording, and the
earlier PDFs untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conftest import CliResult

LIBRARY_WORDING = [
    r"\bpydantic\b", r"ValidationError", r"\bInput should\b", r"\bString should\b",
    r"should match pattern", r"Value error,", r"\bTraceback\b", r"\bErrno\b",
    r"\b\w+Error\b", r"\b\w+Exception\b", r"object has no attribute", r"\bNoneType\b",
    r"found character that cannot start any token", r"\[type=", r"For further information",
    r"Datetimes provided to dates", r"invalid character in year", r"\^\[", r"\]\*\$",
    r"can't be", r"codec can't",
]
"""Patterns of library or Python wording that must never reach a clinic manager."""
_LIBRARY = re.compile("|".join(LIBRARY_WORDING))


def library_wording(text: str) -> list[str]:
    """The pieces of ``text`` that are library or Python wording."""
    return [match.group(0) for match in _LIBRARY.finditer(text)]


@dataclass(frozen=True)
class Expected:
    """Where the problem lies and what was given there, as the message must name them."""

    file: str
    line: int | None
    value: str


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under ``out``, by relative path: the earlier output a failure must keep."""
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*.pdf"))}


def assert_refused(result: CliResult, expected: Expected, out: Path | None = None,
                   before: dict[str, bytes] | None = None, status: int = 1) -> None:
    """The command refused the input as a clinic manager needs it refused."""
    assert result.crash is None, result.crash
    assert result.exit_code == status, result.output
    output = result.output
    assert not library_wording(output), (library_wording(output), output)
    where = expected.file if expected.line is None else f"{expected.file}:{expected.line}"
    assert where in output, (where, output)
    assert expected.value in output, (expected.value, output)
    if out is not None and before is not None:
        assert snapshot(out) == before, "an earlier PDF changed"
        leftovers = [path.name for path in out.rglob("*") if path.name.endswith(".tmp")]
        assert leftovers == [], leftovers
