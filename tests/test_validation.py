"""Input problems are reported with file:line and key, all of a run together.

Each test breaks a copy of the shipped project, computes the line it broke
from the text it wrote, and checks both ``load_project`` and ``brochure build``.
Builds here only ever request broken clinics, so nothing is rendered.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import build, edit, line_of

from brochure.errors import InputError
from brochure.project import load_project

HARBOR = "clinics/harbor-hair-clinic"
LUMEN = "clinics/lumen-dermatology"


def _clinic_problems(root: Path, slug: str) -> str:
    """The problems of one clinic as load_project reports them (the clinic must be broken)."""
    loaded = load_project(root)
    assert slug not in loaded.clinics, f"{slug} loaded although it is broken"
    return str(loaded.broken[slug])


def _cli_problems(root: Path, *slugs: str) -> str:
    """`brochure build --clinic SLUG...` on broken clinics: exit 1, no traceback; the output."""
    args = [arg for slug in slugs for arg in ("--clinic", slug)]
    result = build(root, *args)
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (root / "output" / slugs[0]).exists()
    return result.output


def test_shipped_clinics_load(project: Path) -> None:
    loaded = load_project(project)
    assert sorted(loaded.clinics) == ["harbor-hair-clinic", "lumen-dermatology"]
    assert loaded.broken == {}


def test_typo_in_a_clinic_key_suggests_the_right_one(project: Path) -> None:
    line = edit(project / HARBOR / "clinic.yaml", r"^phone:", "phnoe:")
    where = f"{HARBOR}/clinic.yaml:{line}:"
    for problems in (_clinic_problems(project, "harbor-hair-clinic"),
                     _cli_problems(project, "harbor-hair-clinic")):
        located = [row for row in problems.splitlines() if where in row]
        assert located, problems
        assert "did you mean 'phone'" in located[0]


def test_wrong_paper_type_names_line_and_key(project: Path) -> None:
    line = edit(project / HARBOR / "clinic.yaml", r"^paper:.*$", "paper: 5")
    for problems in (_clinic_problems(project, "harbor-hair-clinic"),
                     _cli_problems(project, "harbor-hair-clinic")):
        assert f"{HARBOR}/clinic.yaml:{line}:1: paper:" in problems, problems
        assert "'a4' or 'letter'" in problems


def test_wrong_override_type_names_line_and_key(project: Path) -> None:
    line = edit(project / LUMEN / "clinic.yaml", r"^overrides:[ \t]*\n",
                "overrides:\n  minimum_sessions: many\n") + 1
    assert line == line_of(project / LUMEN / "clinic.yaml", r"^  minimum_sessions: many")
    for problems in (_clinic_problems(project, "lumen-dermatology"),
                     _cli_problems(project, "lumen-dermatology")):
        assert f"{LUMEN}/clinic.yaml:{line}:3: overrides.minimum_sessions:" in problems, problems
        assert "'many'" in problems


def test_wrong_duration_in_a_phase_override(project: Path) -> None:
    line = edit(project / LUMEN / "clinic.yaml", r"^overrides:[ \t]*\n",
                "overrides:\n  phases:\n    - interval: fortnightly\n") + 2
    problems = _clinic_problems(project, "lumen-dermatology")
    assert f"{LUMEN}/clinic.yaml:{line}:" in problems, problems
    assert "overrides.phases[0].interval" in problems
    assert "expected a duration" in problems


def test_more_phase_overrides_than_phases(project: Path) -> None:
    phases = len(load_project(project).content.protocols["microneedling"].phases)
    extra = "".join("    - sessions: 2\n" for _ in range(phases + 1))
    line = edit(project / LUMEN / "clinic.yaml", r"^overrides:[ \t]*\n",
                "overrides:\n  phases:\n" + extra) + 1
    problems = _clinic_problems(project, "lumen-dermatology")
    assert f"{LUMEN}/clinic.yaml:{line}:" in problems, problems
    assert f"{phases} phases; {phases + 1} overrides given" in problems


def test_unknown_ingredient_in_overrides(project: Path) -> None:
    line = edit(project / LUMEN / "clinic.yaml", r"^overrides:[ \t]*\n",
                "overrides:\n  ingredients: [hyaluronic_acid, unicorn_dust]\n") + 1
    problems = _clinic_problems(project, "lumen-dermatology")
    assert f"{LUMEN}/clinic.yaml:{line}:" in problems, problems
    assert "'unicorn_dust'" in problems


def test_a_language_without_content(project: Path) -> None:
    line = edit(project / HARBOR / "clinic.yaml", r"^languages:.*$", "languages:\n  - en\n  - fr")
    problems = _clinic_problems(project, "harbor-hair-clinic")
    assert f"{HARBOR}/clinic.yaml:{line + 2}:" in problems, problems
    assert "'fr'" in problems


@pytest.mark.parametrize(("clinic", "slug", "written", "missing"), [
    (HARBOR, "harbor-hair-clinic", r"assets/logo\.svg", "assets/no-such-logo.svg"),
    (LUMEN, "lumen-dermatology", r"fonts/Lato-Regular\.ttf", "fonts/Lato-Missing.ttf"),
], ids=["logo", "font"])
def test_missing_brand_file(project: Path, clinic: str, slug: str, written: str,
                            missing: str) -> None:
    """A logo or font file named in _brand.yml that does not exist, at its line."""
    line = edit(project / clinic / "_brand.yml", written, missing)
    for problems in (_clinic_problems(project, slug), _cli_problems(project, slug)):
        assert f"{clinic}/_brand.yml:{line}:" in problems, problems
        assert "not found" in problems
        assert missing.rsplit("/", 1)[-1] in problems


def test_a_file_that_is_not_a_font(project: Path) -> None:
    shutil.copy(project / LUMEN / "clinic.yaml", project / LUMEN / "fonts/Fake.ttf")
    line = edit(project / LUMEN / "_brand.yml", r"fonts/Lato-Regular\.ttf", "fonts/Fake.ttf")
    problems = _clinic_problems(project, "lumen-dermatology")
    assert f"{LUMEN}/_brand.yml:{line}:" in problems, problems
    assert "not a usable font file" in problems


def test_a_font_outside_the_project(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "Outside.ttf"
    outside.parent.mkdir()
    shutil.copy(project / LUMEN / "fonts/Lato-Regular.ttf", outside)
    relative = os.path.relpath(outside, project / LUMEN)  # brand.yml paths are relative
    line = edit(project / LUMEN / "_brand.yml", r"fonts/Lato-Regular\.ttf", relative)
    problems = _clinic_problems(project, "lumen-dermatology")
    assert f"{LUMEN}/_brand.yml:{line}:" in problems, problems
    assert "outside the project" in problems


def test_a_font_path_refused_by_brand_yml_points_at_its_line(project: Path) -> None:
    """A font path without an extension is refused by the brand.yml schema itself; the
    problem must still point at the line of that path and name the key as written."""
    brand = project / LUMEN / "_brand.yml"
    line = edit(brand, r"fonts/Lato-Regular\.ttf", "fonts/Lato-Regular")
    problems = _clinic_problems(project, "lumen-dermatology")
    assert "extension" in problems
    assert f"{LUMEN}/_brand.yml:{line}:" in problems, problems
    assert ".file." not in problems and "FileLocation" not in problems, problems


def test_a_bad_brand_colour(project: Path) -> None:
    line = edit(project / HARBOR / "_brand.yml", r"^  primary:.*$", '  primary: "#12345"')
    problems = _clinic_problems(project, "harbor-hair-clinic")
    assert f"{HARBOR}/_brand.yml:{line}:" in problems, problems
    assert "not a colour" in problems


def test_unknown_protocol_id(project: Path) -> None:
    line = edit(project / HARBOR / "clinic.yaml", r"^protocol:.*$", "protocol: laser_therapy")
    for problems in (_clinic_problems(project, "harbor-hair-clinic"),
                     _cli_problems(project, "harbor-hair-clinic")):
        assert f"{HARBOR}/clinic.yaml:{line}:" in problems, problems
        assert "'laser_therapy'" in problems
        assert "injection" in problems and "microneedling" in problems  # the defined ids


def test_undefined_source_cited_in_content(project: Path) -> None:
    line = edit(project / "content.yaml", r"^(\s+)sources: \[(.*?)\]",
                r"\1sources: [\2, nosuch2099]")
    with pytest.raises(InputError) as error:
        load_project(project)
    assert f"content.yaml:{line}:" in str(error.value), str(error.value)
    assert "'nosuch2099'" in str(error.value)
    result = build(project)
    assert result.crash is None, result.crash
    assert result.exit_code == 1
    assert f"content.yaml:{line}:" in result.output
    assert not (project / "output").exists()


def test_every_problem_of_a_run_is_reported_together(project: Path) -> None:
    """Problems in two clinics, their brand and the shared content: one run lists them all."""
    harbor = project / HARBOR / "clinic.yaml"
    typo = edit(harbor, r"^phone:", "phnoe:")
    paper = edit(harbor, r"^paper:.*$", "paper: 5")
    logo = edit(project / LUMEN / "_brand.yml", r"assets/logo\.svg", "assets/gone.svg")
    protocol = edit(project / LUMEN / "clinic.yaml", r"^protocol:.*$", "protocol: laser")

    harbor_problems = _clinic_problems(project, "harbor-hair-clinic")
    assert f"clinic.yaml:{typo}:" in harbor_problems
    assert f"clinic.yaml:{paper}:" in harbor_problems
    lumen_problems = _clinic_problems(project, "lumen-dermatology")
    assert f"_brand.yml:{logo}:" in lumen_problems
    assert f"clinic.yaml:{protocol}:" in lumen_problems

    output = _cli_problems(project, "harbor-hair-clinic", "lumen-dermatology")
    for where in (f"{HARBOR}/clinic.yaml:{typo}:", f"{HARBOR}/clinic.yaml:{paper}:",
                  f"{LUMEN}/_brand.yml:{logo}:", f"{LUMEN}/clinic.yaml:{protocol}:"):
        assert where in output, f"{where} not reported:\n{output}"

    source = edit(project / "content.yaml", r"^(\s+)sources: \[(.*?)\]",
                  r"\1sources: [\2, nosuch2099]")
    with pytest.raises(InputError) as error:
        load_project(project)
    everything = str(error.value)
    for where in (f"content.yaml:{source}:", f"{HARBOR}/clinic.yaml:{typo}:",
                  f"{LUMEN}/_brand.yml:{logo}:"):
        assert where in everything, f"{where} not reported:\n{everything}"


def test_a_deeply_nested_clinic_file_is_an_input_error(project: Path) -> None:
    """A clinic.yaml of nested brackets is reported like any bad input, without a traceback."""
    (project / HARBOR / "clinic.yaml").write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    result = build(project, "--clinic", "harbor-hair-clinic")
    if result.crash is not None:
        pytest.fail("the command crashed: " + result.crash.strip().splitlines()[-1])
    assert result.exit_code == 1
    assert f"{HARBOR}/clinic.yaml" in result.output
