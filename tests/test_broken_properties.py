"""Property tests: whatever a clinic manager writes, loading answers in plain words.

Random values (text with odd characters, numbers, lists, nested blocks, dates), random text
written as YAML and random bytes go into a copy of clinic.yaml or content.yaml. Loading the
project either succeeds or raises :class:`InputError` whose problems are all located and free
of library wording; no other exception ever escapes. Each property runs a bounded number of
examples (loading takes ~40 ms), so the file runs in well under 30 s.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, copy_project
from corpus import library_wording
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brochure.errors import InputError, Problem
from brochure.project import load_project
from brochure.source import load_yaml

CLINIC = "clinics/harbor-hair-clinic/clinic.yaml"
CONTENT = "content.yaml"
EXAMPLES = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
"""Bounded and repeatable: the same examples on every run."""

ODD = ("\x00\x07\x1b\x7f\x85\u00a0\u200b\u200e\u200f\u202a\u202e\u2028\u2066\u2069\ufeff"
       "e\u0301\t\n\r :#'\"-[]{}&*!|>%@`,?\\")
text = st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(ODD)), max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), text,
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)), max_leaves=10)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project copy for the module; each example rewrites a file from the original."""
    return copy_project(tmp_path_factory.mktemp("properties"))


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


_DATA = {name: load_yaml(REPO / name, REPO).data for name in (CLINIC, CONTENT)}
_PATHS = {name: _paths(data) for name, data in _DATA.items()}


def _answer(root: Path) -> list[Problem]:
    """Load the project: the problems it reports (none when it loads), never a crash."""
    try:
        loaded = load_project(root)
    except InputError as error:
        return list(error.problems)
    return [problem for error in loaded.broken.values() for problem in error.problems]


def _assert_plain(problems: list[Problem]) -> None:
    for problem in problems:
        text = str(problem)
        assert not library_wording(text), text
        assert problem.location.file in (CLINIC, CONTENT), text
        assert problem.location.line is not None, text


def _restore(root: Path, name: str) -> None:
    shutil.copy2(REPO / name, root / name)


@EXAMPLES
@given(file=st.sampled_from([CLINIC, CONTENT]), choice=st.integers(min_value=0), value=values)
def test_any_value_at_any_key(root: Path, file: str, choice: int, value: Any) -> None:
    """A random value in place of any key's value, the file written back as YAML."""
    data = _DATA[file]
    path = _PATHS[file][choice % len(_PATHS[file])]
    changed = yaml.safe_load(yaml.safe_dump(data))  # a deep copy, dates kept
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    try:
        (root / file).write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False),
                                 encoding="utf-8", errors="surrogatepass")
        _assert_plain(_answer(root))
    finally:
        _restore(root, file)


@EXAMPLES
@given(file=st.sampled_from([CLINIC, CONTENT]), line=st.integers(min_value=0), written=text)
def test_any_text_after_a_key(root: Path, file: str, line: int, written: str) -> None:
    """Random characters typed after the colon of a line, as a person edits the file."""
    lines = (REPO / file).read_text(encoding="utf-8").split("\n")
    keyed = [index for index, row in enumerate(lines) if ": " in row]
    index = keyed[line % len(keyed)]
    lines[index] = lines[index].split(": ", 1)[0] + ": " + written
    try:
        (root / file).write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        _assert_plain(_answer(root))
    finally:
        _restore(root, file)


@EXAMPLES
@given(file=st.sampled_from([CLINIC, CONTENT]), offset=st.integers(min_value=0),
       inserted=st.binary(min_size=1, max_size=6))
def test_any_bytes_anywhere(root: Path, file: str, offset: int, inserted: bytes) -> None:
    """Random bytes inserted into the file, as a bad copy and paste or another encoding."""
    raw = (REPO / file).read_bytes()
    at = offset % len(raw)
    try:
        (root / file).write_bytes(raw[:at] + inserted + raw[at:])
        _assert_plain(_answer(root))
    finally:
        _restore(root, file)
