"""The package as the next maintainer reads it: imports one way, typed, self-contained; and
the structured facts its errors carry."""

from __future__ import annotations

import ast
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import REPO, copy_project, request_for

from brochure.checks.printed import read_printed
from brochure.documents.html import render_html
from brochure.errors import InputError, Problem
from brochure.project import Project, load_project

PACKAGE = REPO / "brochure"


def _part(module: str) -> str:
    """The top-level module or subpackage of ``brochure`` that ``module`` belongs to."""
    return module.split(".")[1] if module.count(".") else ""


def _imports(path: Path) -> set[str]:
    """Every ``brochure`` module ``path`` imports, at its top or inside a function."""
    parts = path.relative_to(REPO).with_suffix("").parts
    package = ".".join(parts if parts[-1] == "__init__" else parts[:-1]).removesuffix(
        ".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("brochure.")}


def _part_graph() -> dict[str, set[str]]:
    parts = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
             if (path.suffix == ".py" and path.stem != "__init__")
             or (path / "__init__.py").is_file()}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _part(".".join(path.relative_to(REPO).with_suffix("").parts))
        for name in _imports(path):
            target = _part(name)
            if target in parts and source and target != source:
                graph[source].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph``, as the parts around it, or None."""
    done: set[str] = set()
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in trail:
            return [*trail[trail.index(node):], node]
        if node in done:
            return None
        trail.append(node)
        for target in sorted(graph.get(node, ())):
            found = visit(target)
            if found:
                return found
        trail.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        found = visit(start)
        if found:
            return found
    return None


def test_the_walk_finds_a_cycle_when_there_is_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_import_cycle_between_the_parts_of_the_package() -> None:
    """Counting imports inside functions: the stages import one way only."""
    graph = _part_graph()
    assert graph["release"] >= {"checks", "documents", "request"}  # the walk sees the package
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


@pytest.mark.parametrize(("earlier", "later"), [
    ("source", "validation"), ("validation", "project"), ("project", "request"),
    ("request", "documents"), ("documents", "checks"), ("checks", "release"),
    ("pdf", "release"), ("release", "cli")])
def test_a_stage_never_imports_a_later_one(earlier: str, later: str) -> None:
    assert later not in _part_graph()[earlier]


def test_the_package_is_typed_and_stands_alone() -> None:
    """py.typed ships with the package; nothing in the repository points outside it."""
    assert (PACKAGE / "py.typed").is_file()
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    outside = "/".join(["..", "shared"])
    pointing = [name for name in files if (REPO / name).is_file()
                and outside in (REPO / name).read_bytes().decode("utf-8", "replace")]
    assert pointing == []


# --- the form font ---------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["harbor-hair-clinic", "lumen-dermatology"])
def test_only_documents_with_fields_carry_the_form_font(shipped_project: Project,
                                                        slug: str) -> None:
    """The form font is a whole font file in the HTML: a brochure has no field to need it."""
    family = shipped_project.clinics[slug].theme.form_css_family
    sizes = {}
    for document in ("brochure", "consent", "aftercare"):
        html = render_html(request_for(shipped_project, slug, document))
        sizes[document] = len(html)
        has_font = "data:font/" in html and family in html
        assert has_font == (document != "brochure"), (document, has_font)
    assert sizes["brochure"] < 200_000


# --- structured facts of validation errors -----------------------------------------------------


BROKEN_CLINIC = {
    r"^paper: .*$": "paper: a5",
    r"^protocol: .*$": "protocl: injection",
    r"^languages:.*$": "languages: 5",
    r"^phone: .*$": "phone: [1, 2]",
    r"^name: .*$": "name: Harbor\nshoe_size: 9",
}
BROKEN_CONTENT = {r"^(\s+)route: injected$": r"\1route: sideways"}


def _break(path: Path, changes: dict[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in changes.items():
        text, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        assert count == 1, pattern
    path.write_text(text, encoding="utf-8")


def _problems(root: Path) -> list[Problem]:
    try:
        project = load_project(root)
    except InputError as error:
        return error.problems
    return [problem for error in project.broken.values() for problem in error.problems]


def _assert_facts(problems: list[Problem]) -> None:
    assert problems
    for problem in problems:
        assert problem.location.file.endswith(".yaml"), problem
        assert problem.location.line is not None and problem.location.column is not None, problem
        assert problem.key, problem
        assert problem.value is not None, problem


def test_every_validation_error_carries_file_line_key_and_value(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    _break(root / "clinics/harbor-hair-clinic/clinic.yaml", BROKEN_CLINIC)
    problems = _problems(root)
    _assert_facts(problems)
    by_key = {problem.key: problem for problem in problems}
    assert (by_key["paper"].value, by_key["paper"].allowed) == ("a5", ("a4", "letter"))
    assert by_key["protocl"].value == "protocl" and "protocol" in by_key["protocl"].allowed
    assert by_key["shoe_size"].value == "shoe_size"
    assert by_key["languages"].value == "5"
    assert by_key["protocol"].value == ""  # missing
    assert by_key["phone"].value == "a list of 2 item(s)"


def test_cross_checks_carry_the_value_and_the_ids_allowed(tmp_path: Path) -> None:
    clinic = copy_project(tmp_path / "clinic")
    _break(clinic / "clinics/lumen-dermatology/clinic.yaml", {r"^protocol: .*$": "protocol: laser"})
    problems = _problems(clinic)
    _assert_facts(problems)
    assert [(problem.key, problem.value) for problem in problems] == [("protocol", "laser")]
    assert set(problems[0].allowed) >= {"injection", "microneedling"}
    content = copy_project(tmp_path / "content")
    _break(content / "content.yaml", BROKEN_CONTENT)
    problems = _problems(content)
    _assert_facts(problems)
    assert "sideways" in {problem.value for problem in problems}


# --- render once -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["harbor-hair-clinic", "lumen-dermatology"])
def test_tighter_spacing_prints_the_text_that_was_checked(shipped_project: Project,
                                                          slug: str) -> None:
    """A sheet set again with tighter spacing (to fit its page) is the HTML that was checked
    with one class more: the same text, in the same order."""
    request = request_for(shipped_project, slug, "aftercare")
    normal, compact = render_html(request), render_html(request, compact=True)
    assert normal != compact
    texts = [[block.text for block in read_printed(html).blocks] for html in (normal, compact)]
    assert texts[0] == texts[1]
    assert len(texts[0]) > 20
