"""Broken output locations, a damaged manifest, a clinic template reaching beyond its clinic,
and temporary files: each answered in plain words, nothing left behind, earlier PDFs kept."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import build, edit, minimal_brochure, override_template, run_cli
from corpus import Expected, assert_refused, snapshot

from brochure.documents import html
from brochure.release import workers

HARBOR, LUMEN = "harbor-hair-clinic", "lumen-dermatology"


@pytest.fixture
def built(built_project: Path) -> Path:
    """A copy of the shipped project with its output, as a clinic manager has it."""
    return built_project


# --- output locations ------------------------------------------------------------------------


def test_an_output_folder_inside_a_file_is_one_plain_message(built: Path) -> None:
    before = snapshot(built / "output")
    (built / "notes.txt").write_text("not a folder", encoding="utf-8")
    target = built / "notes.txt" / "out"
    result = build(built, "--out", target)
    assert_refused(result, Expected(str(target), None, "part of that path is a file"),
                   built / "output", before)
    assert "--out" in result.output


def test_an_output_folder_that_cannot_be_made_is_one_plain_message(built: Path) -> None:
    before = snapshot(built / "output")
    target = Path("/proc/brochure-output")
    result = build(built, "--out", target)
    assert_refused(result, Expected(str(target), None, "cannot be made"), built / "output",
                   before)


def test_an_output_path_that_is_a_file_is_a_usage_error(built: Path) -> None:
    (built / "out.pdf").write_bytes(b"%PDF-1.7\n")
    result = build(built, "--out", built / "out.pdf")
    assert_refused(result, Expected("out.pdf", None, "is a file"), status=2)


def test_a_damaged_manifest_says_what_to_do(built: Path) -> None:
    out = built / "output"
    before = snapshot(out)
    (out / "manifest.json").write_text('{"documents": [{"path": 3}', encoding="utf-8")
    result = build(built)
    assert_refused(result, Expected(str(out / "manifest.json"), None, "is damaged"), out,
                   before)
    assert "Delete it and build again with --force" in result.output


def test_a_failed_manifest_write_names_the_reason(built: Path) -> None:
    out = built / "output"
    (out / "manifest.json").unlink()
    (out / "manifest.json").mkdir()  # a folder where the manifest goes
    before = snapshot(out)
    result = build(built, "--force", "--clinic", HARBOR, "--document", "aftercare")
    assert_refused(result, Expected(str(out / "manifest.json"), None, "folder, not a file"))
    assert snapshot(out).keys() == before.keys()


# --- a clinic's template may read its own folder, the theme, and nothing else -----------------


REACHING = {
    "another clinic's logo": (f'<img src="clinics/{LUMEN}/assets/logo.svg" alt="">',
                              f"clinics/{LUMEN}/assets/logo.svg"),
    "another clinic's font": ("{% raw %}<style>@font-face { font-family: x; src: url("
                              f'"clinics/{LUMEN}/fonts/Lato-Regular.ttf"); }}</style>'
                              "{% endraw %}", f"clinics/{LUMEN}/fonts/Lato-Regular.ttf"),
    "its own clinic.yaml attached": (
        f'<link rel="attachment" href="clinics/{HARBOR}/clinic.yaml">', "a .yaml file"),
    "content.yaml attached": ('<a rel="attachment" href="content.yaml">sources</a>',
                              "content.yaml"),
    "another clinic's settings attached": (
        f'<link rel="attachment" href="clinics/{LUMEN}/clinic.yaml">',
        f"clinics/{LUMEN}/clinic.yaml"),
    "the package's code attached": ('<link rel="attachment" href="brochure/cli.py">',
                                    "brochure/cli.py"),
}


@pytest.mark.parametrize("case", sorted(REACHING))
def test_a_clinic_template_cannot_reach_beyond_its_clinic(built: Path, case: str) -> None:
    tag, named = REACHING[case]
    (built / "brochure").mkdir(exist_ok=True)
    (built / "brochure/cli.py").write_text("print('code')\n", encoding="utf-8")
    out = built / "output"
    before = snapshot(out)
    override_template(built, HARBOR, "brochure.html", minimal_brochure(tag))
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected(f"{HARBOR}/brochure.en", None, named), out, before)
    assert "refused to load" in result.output


def test_a_clinic_template_may_use_its_own_files_and_the_theme(built: Path) -> None:
    own = f'<img src="clinics/{HARBOR}/assets/logo.svg" alt="Harbor">'
    theme = ('{% raw %}<style>@font-face { font-family: spare; src: url('
             '"templates/fonts/Inter-Regular.otf"); }</style>{% endraw %}')
    override_template(built, HARBOR, "brochure.html", minimal_brochure(own + theme))
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert result.exit_code == 0, result.output


def test_a_clinic_template_cannot_include_another_clinics_template(built: Path) -> None:
    override_template(built, LUMEN, "partials/secret.html", "<p>Lumen only</p>")
    override_template(built, HARBOR, "brochure.html", minimal_brochure(
        f'{{% include "../../{LUMEN}/templates/partials/secret.html" %}}'))
    out = built / "output"
    before = snapshot(out)
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected(f"{HARBOR}/brochure.en", None, "secret.html"), out, before)


# --- nothing left behind ---------------------------------------------------------------------


@pytest.mark.parametrize(("jobs", "method"), [("1", None), ("2", "forkserver"), ("2", "spawn")])
def test_no_temporary_file_is_left_behind(built: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, jobs: str,
                                          method: str | None) -> None:
    """WeasyPrint copies fonts into temporary folders; every one goes when the build ends."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(workers, "START_METHOD", method)
    result = build(built, "--force", "-j", jobs, "--document", "aftercare")
    assert result.exit_code == 0, result.output
    assert list(scratch.iterdir()) == []
    assert [path for path in (built / "output").rglob("*") if path.name.endswith(".tmp")] == []


def test_no_temporary_file_is_left_behind_after_a_failure(built: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    override_template(built, HARBOR, "brochure.html",
                      minimal_brochure('<img src="https://example.com/x.png" alt="">'))
    result = build(built, "--force", "-j", "1", "--clinic", HARBOR)
    assert result.exit_code == 1, result.output
    assert list(scratch.iterdir()) == []


# --- text that does not fit --------------------------------------------------------------------


TOO_LONG = {
    "a word longer than the page": (r"^tagline: .*$", "tagline: " + "W" * 85, "WWWWWWWW"),
    "a web address with no spaces": (r"^tagline: .*$", "tagline: www." + "a" * 80 + ".com",
                                     "www.aaaa"),
}


def test_a_clinic_name_too_long_for_a_page_header_is_refused_before_rendering(
        built: Path) -> None:
    """The name is printed on one line at the top of every page: 400 characters ran off it."""
    clinic = built / "clinics" / HARBOR / "clinic.yaml"
    name = " ".join(["Harbor Hair Clinic and Dermatology Partners"] * 9)
    line = edit(clinic, r"^name: .*$", f"name: {name}")
    out = built / "output"
    before = snapshot(out)
    for command in (build(built), run_cli("check", "--project", built)):
        assert_refused(command, Expected(f"clinics/{HARBOR}/clinic.yaml", line, name[:40]),
                       out, before)
        assert "at most 60 characters" in command.output


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(TOO_LONG))
def test_text_that_runs_out_of_its_box_fails_the_document(built: Path, case: str) -> None:
    """Found in the laid-out boxes, named with the file and line it was written at."""
    pattern, replacement, printed = TOO_LONG[case]
    clinic = built / "clinics" / HARBOR / "clinic.yaml"
    line = edit(clinic, pattern, replacement)
    out = built / "output"
    before = snapshot(out)
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected(f"clinics/{HARBOR}/clinic.yaml", line, printed), out,
                   before)
    assert "runs out of" in result.output


def test_a_long_word_in_the_content_is_placed_in_content_yaml(built: Path) -> None:
    content = built / "content.yaml"
    word = "Trichologicalmicroinjectionsessionsupervision" * 8
    line = edit(content, r"^(  tagline|  subtitle|  title): (.*)$", rf"\1: \2 {word}")
    out = built / "output"
    before = snapshot(out)
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected("content.yaml", line, word[:20]), out, before)


def test_a_character_the_brand_fonts_lack_is_named_with_its_place(built: Path) -> None:
    """Printed in a fallback font, it would break the brand's look: the document fails, naming
    the character and where it was written."""
    clinic = built / "clinics" / HARBOR / "clinic.yaml"
    line = edit(clinic, r"^(tagline: .*)$", "\\1 \u2603")
    out = built / "output"
    before = snapshot(out)
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected(f"clinics/{HARBOR}/clinic.yaml", line, "U+2603 SNOWMAN"),
                   out, before)


def test_a_template_linked_to_another_clinics_template_is_refused(built: Path) -> None:
    """A symbolic link inside a clinic's templates that points into another clinic's."""
    secret = override_template(built, LUMEN, "partials/secret.html", "<p>Lumen only</p>")
    link = built / "clinics" / HARBOR / "templates" / "partials" / "secret.html"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    override_template(built, HARBOR, "brochure.html",
                      minimal_brochure('{% include "partials/secret.html" %}'))
    out = built / "output"
    before = snapshot(out)
    result = build(built, "--clinic", HARBOR, "--document", "brochure")
    assert_refused(result, Expected(f"{HARBOR}/brochure.en", None,
                                    f"clinics/{LUMEN}/templates/partials/secret.html"),
                   out, before)


# --- templates that never end, or reach too far -----------------------------------------------


RUNAWAY = {
    "a template that includes itself": ('{% include "brochure.html" %}', "includes or calls "
                                        "itself"),
    "a loop of a billion rounds": ("{% for i in range(10**9) %}x{% endfor %}",
                                   "at most 100,000 rounds"),
    "a template reaching into Python": ('{{ "".__class__.__mro__ }}', "program's own objects"),
    "two loops that take hours": ("{% for i in range(99999) %}{% for j in range(99999) %}"
                                  "{% endfor %}{% endfor %}", "took more than 1 s"),
}


@pytest.mark.parametrize("case", sorted(RUNAWAY))
def test_a_runaway_or_reaching_template_fails_in_plain_words(
        built: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    body, said = RUNAWAY[case]
    monkeypatch.setattr(html, "RENDER_SECONDS", 1)
    override_template(built, HARBOR, "brochure.html", body)
    out = built / "output"
    before = snapshot(out)
    checked = run_cli("check", "--project", built, "--clinic", HARBOR)
    for command in (build(built, "--clinic", HARBOR, "--document", "brochure", "-j", "1"),
                    checked):
        assert_refused(command, Expected("brochure", None, said), out, before)
    assert f"clinics/{HARBOR}/templates/brochure.html: error render.failed" in checked.output


# --- clinic folders ----------------------------------------------------------------------------


def test_a_misnamed_settings_file_is_named_not_skipped(built: Path) -> None:
    folder = built / "clinics" / HARBOR
    (folder / "clinic.yaml").rename(folder / "clinic.yml")
    out = built / "output"
    before = snapshot(out)
    result = build(built)
    assert_refused(result, Expected(f"clinics/{HARBOR}/clinic.yml", None, "clinic.yaml"), out,
                   before)


def test_a_clinic_folder_linked_from_outside_the_project_is_refused(built: Path,
                                                                    tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(built / "clinics" / LUMEN, outside)
    (built / "clinics" / "elsewhere").symlink_to(outside)
    out = built / "output"
    before = snapshot(out)
    result = build(built)
    assert_refused(result, Expected("clinics/elsewhere", None, str(outside)), out, before)
    assert "outside the project" in result.output
