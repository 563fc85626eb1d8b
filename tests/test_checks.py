"""``brochure check``: the shipped project passes; a missing consent element fails ``check``
and ``build`` alike, naming the clinic, the file and the line that should fill it.

Each bad input is made in a copy of the project, and the expected line is computed from
the text of the file that was edited. Builds here only build what they look at, and a
consent form that fails its checks fails before anything is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CLINICS, Built, CliResult, build, delete_key, edit, line_of, run_cli
from pypdf import PdfReader

HARBOR, LUMEN = CLINICS


def check(root: Path, *args: str | Path) -> CliResult:
    """``brochure check --project ROOT ARGS``."""
    return run_cli("check", "--project", root, *args)


def line_below(path: Path, first: str, then: str) -> int:
    """The 1-based line of the first match of ``then`` below the first match of ``first``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = line_of(path, first)
    for number in range(start, len(lines) + 1):
        if re.search(then, lines[number - 1]):
            return number
    raise AssertionError(f"test set-up: {then!r} not found below {first!r} in {path}")


@dataclass(frozen=True)
class Gap:
    """Where a missing consent element must be reported, and for which clinics."""

    file: str
    line: int
    element: str
    clinics: tuple[str, ...]

    def pattern(self, slug: str) -> str:
        """A reported problem: ``file:line:column: key: [slug] element...`` from a build, or
        ``file:line:column: error consent.element: [slug] key: element...`` from check."""
        return (rf"{re.escape(self.file)}:{self.line}:\d+: (?:\S+: |error consent\.element: )"
                rf"\[{re.escape(slug)}(?: consent)?\] (?:\S+: )?{re.escape(self.element)}\b")


# --- the bad inputs --------------------------------------------------------------------------


def no_rare_risk_for_injection(root: Path) -> Gap:
    """The rare risks of injections called uncommon: Harbor's form has no rare but serious
    risk; Lumen's, with its own rare risk of microneedling, is complete."""
    path = root / "content.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  items:\n", text.index("\nrisks:\n"))
    end = text.index("\ncontraindications:\n")
    items = re.split(r"(?m)^(?=    - id: )", text[start:end])
    changed = [item.replace("      frequency: rare\n", "      frequency: uncommon\n")
               if "protocols: [injection]" in item else item for item in items]
    assert changed != items, "test set-up: no rare risk of injections"
    path.write_text(text[:start] + "".join(changed) + text[end:], encoding="utf-8")
    return Gap("content.yaml", line_below(path, r"^risks:$", r"^  items:$"), "C6", (HARBOR,))


def contraindication_without_question(root: Path) -> Gap:
    path = root / "content.yaml"
    delete_key(path, r"^      question:", after=r"^    - id: pregnancy$")
    item = line_below(path, r"^contraindications:$", r"^    - id: pregnancy$")
    return Gap("content.yaml", item, "screening", CLINICS)


def no_voluntary_statement(root: Path) -> Gap:
    path = root / "content.yaml"
    delete_key(path, r"^    voluntary:", after=r"^  statements:$")
    return Gap("content.yaml", line_below(path, r"^consent:$", r"^  statements:$"), "C9",
               CLINICS)


def no_cooling_off_period(root: Path) -> Gap:
    path = root / "clinics" / LUMEN / "clinic.yaml"
    delete_key(path, r"^  cooling_off:", after=r"^consent:$")
    return Gap(f"clinics/{LUMEN}/clinic.yaml", line_of(path, r"^consent:$"), "C10", (LUMEN,))


def no_no_treatment_alternative(root: Path) -> Gap:
    path = root / "content.yaml"
    edit(path, r"^      kind: no_treatment$", "      kind: other")
    return Gap("content.yaml", line_below(path, r"^alternatives:$", r"^  items:$"), "C7",
               CLINICS)


def no_witness_statement(root: Path) -> Gap:
    """Only Lumen asks for a witness: only Lumen's form misses the witness's statement."""
    path = root / "content.yaml"
    delete_key(path, r"^  witness:", after=r"^consent:$")
    return Gap("content.yaml", line_of(path, r"^consent:$"), "C13", (LUMEN,))


BAD_INPUTS: list[Callable[[Path], Gap]] = [
    no_rare_risk_for_injection, contraindication_without_question, no_voluntary_statement,
    no_cooling_off_period, no_no_treatment_alternative, no_witness_statement]


def assert_reported(result: CliResult, gap: Gap) -> None:
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    for slug in gap.clinics:
        assert re.search(gap.pattern(slug), result.output), (
            f"expected a problem matching {gap.pattern(slug)!r} in:\n{result.output}")
    for slug in set(CLINICS) - set(gap.clinics):
        assert f"[{slug}]" not in result.output, result.output
        assert f"[{slug} consent]" not in result.output, result.output


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_shipped_project_passes(shipped: Built) -> None:
    result = check(shipped.root)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    assert re.search(r"^0 errors, \d+ warnings?, \d+ notes? in 2 clinics$", result.output,
                     re.MULTILINE), result.output


@pytest.mark.parametrize("bad_input", BAD_INPUTS, ids=lambda function: function.__name__)
def test_a_missing_consent_element_fails_check_and_build(project: Path,
                                                         bad_input: Callable[[Path], Gap]
                                                         ) -> None:
    gap = bad_input(project)
    assert_reported(check(project), gap)
    clinics = [argument for slug in gap.clinics for argument in ("--clinic", slug)]
    assert_reported(build(project, "--document", "consent", *clinics), gap)
    for slug in gap.clinics:
        assert not (project / "output" / slug / "consent.en.pdf").exists()


def test_the_seed_screening_gap_names_the_contraindication(project: Path) -> None:
    contraindication_without_question(project)
    result = check(project)
    assert result.exit_code == 1
    assert "contraindications.items[0].question" in result.output
    assert "'pregnancy'" in result.output


def test_the_brochure_builds_when_only_the_consent_is_incomplete(project: Path) -> None:
    gap = no_voluntary_statement(project)
    result = build(project, "--clinic", HARBOR)
    assert_reported(result, Gap(gap.file, gap.line, gap.element, (HARBOR,)))
    brochure = project / "output" / HARBOR / "brochure.en.pdf"
    assert brochure.is_file(), result.output
    assert len(PdfReader(brochure).pages) > 1
    assert not (project / "output" / HARBOR / "consent.en.pdf").exists()
    assert "2 built, 1 failed" in result.output  # the brochure and the aftercare sheet


def test_check_of_an_unknown_clinic_is_a_usage_error(shipped: Built) -> None:
    result = check(shipped.root, "--clinic", "nope")
    assert result.crash is None, result.crash
    assert result.exit_code == 2, result.output
    assert "nope" in result.output
    assert all(slug in result.output for slug in CLINICS)


def test_check_of_one_clinic_reports_only_that_clinic(shipped: Built, project: Path) -> None:
    passed = check(shipped.root, "--clinic", LUMEN)
    assert passed.exit_code == 0, passed.output
    assert passed.output.rstrip().endswith("in 1 clinic"), passed.output

    gap = no_voluntary_statement(project)
    assert gap.clinics == CLINICS
    result = check(project, "--clinic", LUMEN)
    assert_reported(result, Gap(gap.file, gap.line, gap.element, (LUMEN,)))
    assert HARBOR not in result.output
    assert result.output.rstrip().endswith("in 1 clinic"), result.output


def test_a_release_refuses_an_incomplete_consent_form(project: Path) -> None:
    """`build --release` builds nothing at all, not even the documents that pass."""
    gap = no_no_treatment_alternative(project)
    result = build(project, "--release")
    assert_reported(result, gap)
    assert "release refused" in result.output
    out = project / "output"
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def test_a_release_of_approved_complete_documents_builds(shipped: Built, tmp_path: Path) -> None:
    out = tmp_path / "release"
    result = build(shipped.root, "--release", "--clinic", HARBOR, "--document", "consent",
                   "--out", out)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    assert (out / HARBOR / "consent.en.pdf").read_bytes() == \
        shipped.pdf(HARBOR, "consent").read_bytes()
