"""Broken YAML, dates, characters and values: every one answered in plain words.

Each corpus case breaks a copy of a project whose documents were built once for this module,
runs ``brochure build`` (and ``brochure check`` where marked: both must refuse), and hands the
result to :func:`corpus.assert_refused`: exit status 1, no traceback, no library wording, the
file, line and value named, the earlier PDFs unchanged. The cases are grouped by class: YAML
syntax and encoding, dates, characters in text, wrong values in clinic.yaml and content.yaml.
"""

from __future__ import annotations

import copy
import shutil
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, build, copy_project, edit, line_of, run_cli
from corpus import Expected, assert_refused, library_wording, snapshot
from pydantic import BaseModel, ValidationError

from brochure.models.base import Slug
from brochure.models.clinic import Clinic
from brochure.models.content import Content
from brochure.project import load_project
from brochure.source import KeyPath, SourceFile, load_yaml
from brochure.validation import PATTERNS, problems_from

HARBOR = "clinics/harbor-hair-clinic"
CLINIC = f"{HARBOR}/clinic.yaml"
CONTENT = "content.yaml"


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project, every document built once for the module."""
    root = copy_project(tmp_path_factory.mktemp("broken-text"))
    result = build(root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def root(baseline: Path, tmp_path: Path) -> Path:
    """A copy of the built project that one case may break."""
    return Path(shutil.copytree(baseline, tmp_path / "project", symlinks=True))


@dataclass(frozen=True)
class Case:
    """One broken input: how to break the project, what the answer must name, and whether
    ``brochure check`` is run too."""

    name: str
    breaks: Callable[[Path], Expected]
    words: str
    """Plain words the answer must hold."""
    check: bool = False


def _replace(file: str, pattern: str, replacement: str, value: str,
             line_offset: int = 0) -> Callable[[Path], Expected]:
    def breaks(root: Path) -> Expected:
        line = edit(root / file, pattern, replacement)
        return Expected(file, line + line_offset, value)
    return breaks


def _raw(file: str, pattern: str, replacement: bytes, value: str) -> Callable[[Path], Expected]:
    """Replace the first line matching ``pattern`` with raw bytes (not UTF-8, controls...)."""
    def breaks(root: Path) -> Expected:
        path = root / file
        line = line_of(path, pattern)
        lines = path.read_bytes().split(b"\n")
        lines[line - 1] = replacement
        path.write_bytes(b"\n".join(lines))
        return Expected(file, line, value)
    return breaks


def _utf16(root: Path) -> Expected:
    path = root / CLINIC
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return Expected(CLINIC, 1, "UTF-16")


SYNTAX = [
    Case("tab-indent", _replace(CLINIC, r"^  session: 350$", "\tsession: 350", "session: 350"),
         "a tab; indent with spaces", check=True),
    Case("unclosed-quote", _replace(CONTENT, r"^  title: (.*)$", r'  title: "\1',
                                    'title: "'), 'the quote " that starts here', check=True),
    Case("colon-in-value", _replace(CLINIC, r"^tagline: .*$", "tagline: Note: we care",
                                    "tagline: Note: we care"), "put the whole value in quotes"),
    Case("colon-missing", _replace(CLINIC, r"^paper: letter$", "paper letter", "paper letter"),
         "a colon is missing"),
    Case("indented-too-far", _replace(CLINIC, r"^locale: en_US$", "  locale: en_US",
                                      "locale: en_US"), "indented further"),
    Case("unclosed-bracket", _replace(CLINIC, r"^languages: \[en\]$", "languages: [en",
                                      "languages: [en"), "never closed", check=True),
    Case("item-out-of-line", _replace(CLINIC, r"^  - United States$",
                                      "  country: United States", "country: United States"),
         "not lined up"),
    Case("second-document", _replace(CLINIC, r"^paper: letter$", "---", "---"),
         "a file holds one"),
    Case("value-starts-with-at", _replace(CLINIC, r"^email: .*$", "email: @harborhair",
                                          "email: @harborhair"), "cannot start with '@'"),
    Case("latin-1-byte", _raw(CLINIC, r"^name: ", b"name: Caf\xe9 Harbor", "Caf<byte 0xE9>"),
         "save the file as UTF-8", check=True),
    Case("utf-16-file", _utf16, "save it as UTF-8"),
]

DATES = [
    Case("month-13", _replace(CLINIC, r"effective: 2026-12-01", "effective: 2026-13-01",
                              "2026-13-01"), "there is no month 13", check=True),
    Case("month-13-quoted", _replace(CLINIC, r"effective: 2026-12-01",
                                     'effective: "2026-13-01"', "2026-13-01"),
         "there is no month 13"),
    Case("february-30", _replace(CONTENT, r"effective: 2026-12-01", "effective: 2026-02-30",
                                 "2026-02-30"), "no day 30 in February 2026", check=True),
    Case("number-yyyymmdd", _replace(CLINIC, r"effective: 2026-12-01", "effective: 20270101",
                                     "20270101"), "is a number, not a date"),
    Case("unix-time", _replace(CLINIC, r"effective: 2026-12-01", "effective: 1767225600",
                               "1767225600"), "is a number, not a date"),
    Case("time-of-day", _replace(CLINIC, r"effective: 2026-12-01",
                                 "effective: 2026-12-01 10:30:00", "2026-12-01 10:30:00"),
         "without a time of day"),
    Case("words", _replace(CONTENT, r"effective: 2026-12-01", "effective: next week",
                           "next week"), "year-month-day"),
]

TEXT = [
    Case("right-to-left-override", _replace(CLINIC, r"^name: Harbor Hair Clinic$",
                                            "name: Harbor \u202eHair Clinic", "<U+202E>"),
         "U+202E RIGHT-TO-LEFT OVERRIDE, invisible, it prints words backwards", check=True),
    Case("isolate", _replace(CONTENT, r"^  subtitle: (.*)$", "  subtitle: \u2066\\1",
                             "<U+2066>"), "U+2066 LEFT-TO-RIGHT ISOLATE", check=True),
    Case("bell", _raw(CLINIC, r"^hours: ", b"hours: Monday\x07 to Friday", "<U+0007>"),
         "U+0007 BELL, an invisible control character"),
    Case("nul", _raw(CLINIC, r"^tagline: ", b"tagline: Calm\x00 care", "<U+0000>"),
         "U+0000 NULL"),
    Case("escaped-control", _replace(CLINIC, r"^tagline: .*$", 'tagline: "Calm\\\\x1b care"',
                                     "<U+001B>"), "U+001B ESCAPE"),
    Case("next-line-c1", _replace(CONTENT, r"^  title: (.*)$", "  title: A\u0085B", "<U+0085>"),
         "U+0085 NEXT LINE"),
    Case("line-separator", _replace(CLINIC, r"^hours: (.*)$", "hours: 8 am\u2028to 6 pm",
                                    "<U+2028>"), "an invisible line break"),
]

CLINIC_VALUES = [
    Case("protocol-pattern", _replace(CLINIC, r"^protocol: .*$", "protocol: Injection",
                                      "'Injection'"),
         "use lower-case letters, digits and _ only, starting with a letter", check=True),
    Case("price-with-currency-sign", _replace(CLINIC, r"^  session: 350$", "  session: $350",
                                              "'$350'"), "is not a number"),
    Case("currency-code", _replace(CLINIC, r"^  currency: USD$", "  currency: dollars",
                                   "'dollars'"), "three capital letters"),
    Case("pemat-too-large", _replace(CLINIC, r"^paper: letter$",
                                     "paper: letter\nchecks:\n  pemat_min: 150", "150", 2),
         "too large: write a number at most 100"),
    Case("paper-choice", _replace(CLINIC, r"^paper: letter$", "paper: A4", "'A4'"),
         "is not one of the choices: 'a4' or 'letter'"),
    Case("website-no-scheme", _replace(CLINIC, r"^website: .*$", "website: harborhair",
                                       "'harborhair'"), "is not a web address"),
    Case("witness-maybe", _replace(CLINIC, r"^  witness: false", "  witness: maybe",
                                   "'maybe'"), "write true or false"),
    Case("version-as-number", _replace(CLINIC, r'^    version: "2.0"', "    version: 2.0",
                                       "2.0"), "put it in quotes"),
    Case("phone-words", _replace(CLINIC, r"^phone: .*$", "phone: call us", "'call us'"),
         "phone number"),
    Case("empty-practitioners", _replace(CLINIC, r"^practitioners:$",
                                         "practitioners: []\nformer_practitioners:",
                                         "practitioners"), "must not be empty"),
]

CONTENT_VALUES = [
    Case("frequency-choice", _replace(CONTENT, r"^(\s+)frequency: \w+", r"\1frequency: often",
                                      "'often'"), "'common', 'uncommon' or 'rare'", check=True),
    Case("title-as-list", _replace(CONTENT, r"^  title: .*$", "  title: [Hair, loss]",
                                   "a list of 2 item(s)"), "this should be text"),
    Case("minimum-sessions-words", _replace(CONTENT, r"^(\s+)maintenance:",
                                            r"\1minimum_sessions: lots\n\1maintenance:",
                                            "'lots'"),
         "is not a whole number"),
    Case("heading-typo", _replace(CONTENT, r"^(\s+)heading:", r"\1hedaing:", "hedaing"),
         "did you mean 'heading'"),
    Case("prescription-perhaps", _replace(CONTENT, r"^(\s+)prescription_only: \w+",
                                          r"\1prescription_only: perhaps", "'perhaps'"),
         "write true or false"),
]

CASES = SYNTAX + DATES + TEXT + CLINIC_VALUES + CONTENT_VALUES


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_broken_input_is_refused_in_plain_words(root: Path, case: Case) -> None:
    out = root / "output"
    before = snapshot(out)
    assert before, "the baseline has no PDFs"
    expected = case.breaks(root)
    result = build(root)
    assert_refused(result, expected, out, before)
    assert case.words in result.output, (case.words, result.output)
    if case.check:
        checked = run_cli("check", "--project", root)
        assert_refused(checked, expected, out, before)
        assert case.words in checked.output, (case.words, checked.output)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


# --- what is accepted ------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2026-12-01", '"2026-12-01"', "'2026-12-01'"])
def test_a_date_quoted_or_not_is_read(project: Path, written: str) -> None:
    edit(project / CLINIC, r"effective: 2026-12-01", f"effective: {written}")
    edit(project / CONTENT, r"effective: 2026-12-01", f"effective: {written}")
    loaded = load_project(project)
    assert loaded.broken == {}
    assert str(loaded.content.meta.effective) == "2026-12-01"
    assert str(loaded.clinics["harbor-hair-clinic"].clinic.documents["brochure"].effective) \
        == "2026-12-01"


def test_combining_characters_are_composed(project: Path) -> None:
    """An e and a combining acute accent (as some keyboards and PDFs paste it) become one é."""
    edit(project / CLINIC, r"^tagline: .*$", "tagline: Caf\u0065\u0301 care")
    loaded = load_project(project)
    assert loaded.clinics["harbor-hair-clinic"].clinic.tagline == "Caf\u00e9 care"


def test_direction_marks_and_tabs_in_text_are_accepted(project: Path) -> None:
    """U+200F RIGHT-TO-LEFT MARK only places punctuation in right-to-left text; a tab inside
    a value is not indentation."""
    edit(project / CLINIC, r"^tagline: .*$", "tagline: \"Calm\\tcare \u200f!\"")
    loaded = load_project(project)
    assert loaded.clinics["harbor-hair-clinic"].clinic.tagline == "Calm\tcare \u200f!"


def test_a_problem_in_a_comment_is_ignored(project: Path) -> None:
    """Comments are not printed: a stray control character there does no harm."""
    path = project / CLINIC
    path.write_bytes(path.read_bytes().replace(b"# Harbor Hair Clinic:", b"# Harbor\x07 Hair:"))
    assert "harbor-hair-clinic" in load_project(project).clinics


def test_no_library_wording_in_the_corpus_words() -> None:
    for case in CASES:
        assert not library_wording(case.words), case.name


# --- every error the models raise, in plain words ---------------------------------------------

WRONG_VALUES: list[object] = [
    None, "", "Not Valid!", "x" * 300, -5, 0, 10**30, 1.5, True, "maybe", [], ["x", 1], {},
    {"zz": 1}, "2026-13-01", "20270101", date(2026, 1, 1), "\u202e", "http//", "ftp://x",
    ["3 months"] * 7,
]
"""A wrong value of each kind: nothing, text, numbers, yes/no, lists, blocks, dates, URLs."""

ERROR_TYPES = {
    "missing", "extra_forbidden", "string_type", "string_pattern_mismatch", "string_too_short",
    "string_too_long",
    "too_short", "too_long", "int_type", "int_parsing", "int_from_float", "decimal_parsing",
    "decimal_type", "float_parsing", "float_type", "bool_parsing", "bool_type", "url_parsing",
    "url_type", "url_scheme", "literal_error", "greater_than", "greater_than_equal",
    "less_than_equal", "value_error", "dict_type", "list_type", "model_type",
}
"""The pydantic error types the models of content.yaml and clinic.yaml raise."""


_BY_ID = {("ingredients",), ("protocols",), ("sources",), ("documents",)}
"""Blocks keyed by id: their entries share a model, so the first one stands for all."""

_OPTIONAL = {
    CLINIC: {"checks": {"readability": {"smog_max": 9, "reason": "ours"}, "pemat_min": 70},
             "overrides": {"minimum_sessions": 3}},
    CONTENT: {},
}
"""Optional keys the shipped files leave out, added so that their errors are provoked too."""


def _paths(data: Any, path: KeyPath = ()) -> Iterator[KeyPath]:
    """Every key path of ``data``, list items only at index 0 (they share a model)."""
    if path:
        yield path
    if isinstance(data, dict):
        items = list(data.items())
        for key, value in items[:1] if path in _BY_ID else items:
            yield from _paths(value, (*path, key))
    elif isinstance(data, list) and data:
        yield from _paths(data[0], (*path, 0))


def _set(data: Any, path: KeyPath, value: object) -> Any:
    """``data`` with ``value`` at ``path`` (or the key deleted); only the containers on the
    path are copied."""
    copied = copy.copy(data)
    if len(path) > 1:
        copied[path[0]] = _set(data[path[0]], path[1:], value)
    elif value is _DELETE:
        del copied[path[0]]
    else:
        copied[path[0]] = value
    return copied


_DELETE = object()


def test_every_error_the_models_raise_is_in_plain_words() -> None:
    """Feed every key of both files a wrong value of each kind, delete it, add a stranger
    beside it: each problem names file, line, key and value, in words of our own."""
    seen: set[str] = set()
    checked = 0
    for model, file in ((Clinic, REPO / CLINIC), (Content, REPO / CONTENT)):  # ~5 s
        source = load_yaml(file, REPO)
        source.data.update(_OPTIONAL[source.name])
        for path in _paths(source.data):
            variants = [*WRONG_VALUES, _DELETE]
            if isinstance(_get(source.data, path), dict):
                variants.append({**_get(source.data, path), "zzz_unknown": 1})
            for wrong in variants:
                data = _set(source.data, path, wrong)
                try:
                    model.model_validate(data)
                except ValidationError as error:
                    seen.update(item["type"] for item in error.errors())
                    broken = SourceFile(source.name, data, source.positions)
                    for problem in problems_from(error, model, broken):
                        checked += 1
                        text = str(problem)
                        assert not library_wording(text), (path, wrong, text)
                        assert problem.location.file == source.name, text
                        assert problem.location.line is not None, text
                        assert problem.key, text
                        assert problem.value is not None, text
                        if problem.value and not problem.value.startswith(("a list", "a block")):
                            assert problem.value in problem.message, text  # a value written
    missing = ERROR_TYPES - seen
    assert not missing, f"not provoked: {sorted(missing)}"
    assert seen <= ERROR_TYPES, f"worded only by the fallback: {sorted(seen - ERROR_TYPES)}"
    assert checked > 1000


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def test_every_pattern_of_the_models_is_worded() -> None:
    patterns = {str(meta.pattern) for model in (Clinic, Content, *_models(Clinic),
                                                *_models(Content))
                for field in model.model_fields.values() for meta in field.metadata
                if getattr(meta, "pattern", None)}
    patterns |= {str(meta.pattern) for meta in typing.get_args(Slug)[1:]
                 if getattr(meta, "pattern", None)}
    assert patterns, "no patterns found"
    assert patterns <= set(PATTERNS), sorted(patterns - set(PATTERNS))


def _models(model: type[BaseModel]) -> set[type[BaseModel]]:
    """Every model reachable from ``model``'s fields."""
    found: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        for field in todo.pop().model_fields.values():
            for inner in _types(field.annotation):
                if isinstance(inner, type) and issubclass(inner, BaseModel) \
                        and inner not in found:
                    found.add(inner)
                    todo.append(inner)
    return found


def _types(annotation: Any) -> Iterator[Any]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from _types(argument)
