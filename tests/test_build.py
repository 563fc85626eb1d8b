"""End to end: ``brochure build`` on the shipped project and on changed copies of it.

What a clinic hands to the print shop is checked in the PDF itself: text,
metadata, bookmarks, page size, embedded fonts and the colours on the page.
Expected facts are read from the models, so the tests follow content edits.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import (
    CLINICS,
    DOCUMENTS,
    PAIRS,
    PAPER_POINTS,
    Built,
    build,
    colour_distance,
    compact,
    contains,
    dominant_colour,
    edit,
    font_is_embedded,
    font_name,
    hex_rgb,
    iter_fonts,
    minimal_brochure,
    outline_titles,
    override_template,
    page_sizes,
    pdf_text,
    printed,
)
from pypdf import PdfReader

from brochure.models.clinic import Clinic
from brochure.models.content import Protocol
from brochure.project import Project, load_project
from brochure.scoping import effective_protocol
from brochure.theme import long_date, short_date


def _near(value: float, expected: float, tolerance: float = 0.5) -> bool:
    return abs(value - expected) <= tolerance


def _plan_says(text: str, sessions: str, cadence: str) -> bool:
    """Whether ``text`` pairs a session count with its interval ("3 to 4 ... every week")."""
    count = r"(?<![\d\u2013])" + re.escape(sessions) + r"(?![\d\u2013])"  # \u2013: en dash
    pattern = rf"{count}.{{0,40}}?\bevery {re.escape(cadence)}\b"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def _temporary_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp"))


# --- the shipped project ---------------------------------------------------------------------


def test_build_writes_every_document_of_both_clinics(shipped: Built) -> None:
    """`brochure build` exits 0 and writes output/<clinic>/<document>.en.pdf for both clinics."""
    assert shipped.result.crash is None, shipped.result.crash
    assert shipped.result.exit_code == 0, shipped.result.output
    for slug, document in PAIRS:
        path = shipped.pdf(slug, document)
        assert path.is_file(), f"{path} missing; output:\n{shipped.result.output}"
        assert path.read_bytes().startswith(b"%PDF-")
        assert len(PdfReader(path).pages) >= 1
    assert _temporary_files(shipped.out) == []


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_every_page_has_the_clinic_paper_size(shipped: Built, shipped_project: Project,
                                              slug: str, document: str) -> None:
    """Harbor prints on US Letter, Lumen on A4: every page of every document."""
    seed = {"harbor-hair-clinic": "letter", "lumen-dermatology": "a4"}
    paper = shipped_project.clinics[slug].clinic.paper
    assert paper == seed[slug]
    width, height = PAPER_POINTS[paper]
    sizes = page_sizes(shipped.pdf(slug, document))
    wrong = [(number, size) for number, size in enumerate(sizes, 1)
             if not (_near(size[0], width) and _near(size[1], height))]
    assert not wrong, f"pages not {paper} ({width} x {height} pt): {wrong}"


@pytest.mark.parametrize("slug", CLINICS)
def test_brochure_states_the_clinic_protocol(shipped: Built, shipped_project: Project,
                                             slug: str) -> None:
    """The clinic's name, phone and effective protocol, as the models give them, are printed."""
    site = shipped_project.clinics[slug]
    protocol = effective_protocol(shipped_project.content.protocols[site.clinic.protocol],
                                  site.clinic.overrides)
    text = pdf_text(shipped.pdf(slug))
    expected = [site.clinic.name, site.clinic.phone, protocol.name, *_numbing(site.clinic,
                                                                              protocol)]
    if protocol.session_length is not None:
        expected.append(str(protocol.session_length))
    expected += [str(review) for review in site.clinic.review.at]
    missing = [item for item in expected if not contains(text, item)]
    assert not missing, f"not in the brochure of {slug}: {missing}"
    for phase in protocol.phases:
        assert _plan_says(text, str(phase.sessions), phase.interval.cadence), (
            f"{phase.name}: '{phase.sessions}' sessions every '{phase.interval.cadence}' "
            "is not printed")
    if protocol.minimum_sessions is not None:
        assert contains(text, f"at least {protocol.minimum_sessions}", ignore_case=True)


def _numbing(clinic: Clinic, protocol: Protocol) -> list[str]:
    """What a document must say of numbing: the clinic's product and its time, or the
    protocol's words for a clinic that does not numb."""
    if clinic.numbing is not None:
        return [clinic.numbing.product, str(clinic.numbing.wait)]
    assert protocol.without_numbing is not None
    return [printed(protocol.without_numbing)]


def test_harbor_brochure_states_the_injection_facts(shipped: Built) -> None:
    """Seed facts: 20-minute sessions every 2 weeks, no numbing; the clinic's reviews at 3 and 6
    months; 10 to 11 sessions at $350 make $3,500 to $3,850. Not the seed's "minimum of 10
    sessions", which no source supports and which the stop rule at 6 months contradicts."""
    text = pdf_text(shipped.pdf("harbor-hair-clinic"))
    for fact in ("Harbor Hair Clinic", "+1 (207) 555-0142", "20 minutes",
                 "3 months and 6 months", "$3,500\N{EN DASH}$3,850", "$350"):
        assert contains(text, fact), fact
    assert contains(text, "every 2 weeks", ignore_case=True)
    assert not contains(text, "at least 10", ignore_case=True)
    assert contains(text, "We do not use a numbing cream")
    assert not contains(text, "2\N{EN DASH}3 months results"), "a milestone no study supports"


def test_lumen_brochure_states_the_microneedling_facts(shipped: Built) -> None:
    """Seed facts: 3 to 4 weekly, then 3 to 4 every 2 weeks; the clinic's EMLA cream and its
    hour; 6 to 8 sessions at £180 make £1,080 to £1,440. Not the seed's "10 to 15 minutes" of
    numbing, nor its "change after 2 to 3 sessions", nor "no downtime"."""
    text = pdf_text(shipped.pdf("lumen-dermatology"))
    for fact in ("Lumen Dermatology", "+44 117 496 0123", "EMLA", "1 hour",
                 "\N{POUND SIGN}1,080\N{EN DASH}\N{POUND SIGN}1,440"):
        assert contains(text, fact), fact
    assert contains(text, "numbing cream", ignore_case=True)
    assert _plan_says(text, "3\N{EN DASH}4", "week")
    assert _plan_says(text, "3\N{EN DASH}4", "2 weeks")
    for wrong in ("20 minutes", "10\N{EN DASH}15 minutes", "2\N{EN DASH}3 sessions",
                  "no downtime"):
        assert not contains(text, wrong, ignore_case=True), wrong


def test_dates_follow_the_clinic_locale(shipped: Built, shipped_project: Project) -> None:
    """Dates are printed the way each clinic's readers write them: written out on the
    brochure's back page, short in every footer."""
    effective = shipped_project.content.meta.effective
    for slug, written, short in (("harbor-hair-clinic", "December 1, 2026", "Dec 1, 2026"),
                                 ("lumen-dermatology", "1 December 2026", "1 Dec 2026")):
        clinic = shipped_project.clinics[slug].clinic
        assert long_date(effective, clinic.locale or "en") == written
        assert contains(pdf_text(shipped.pdf(slug, "brochure")), written), slug
        for document in DOCUMENTS:
            assert short_date(clinic.documents[document].effective,
                              clinic.locale or "en") == short
            assert contains(pdf_text(shipped.pdf(slug, document)), short), (slug, document)


@pytest.mark.parametrize("slug", CLINICS)
def test_consent_names_the_clinic_and_its_plan(shipped: Built, shipped_project: Project,
                                               slug: str) -> None:
    site = shipped_project.clinics[slug]
    protocol = effective_protocol(shipped_project.content.protocols[site.clinic.protocol],
                                  site.clinic.overrides)
    text = pdf_text(shipped.pdf(slug, "consent"))
    for item in (site.clinic.name, site.clinic.phone, *_numbing(site.clinic, protocol)):
        assert contains(text, item), item
    assert contains(text, protocol.name, ignore_case=True)
    for phase in protocol.phases:
        assert _plan_says(text, str(phase.sessions), phase.interval.cadence), phase.name


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_pdf_metadata(shipped: Built, shipped_project: Project, slug: str,
                      document: str) -> None:
    """Title, author, subject, the content's date (not the clock) and the language."""
    clinic = shipped_project.clinics[slug].clinic
    meta = shipped_project.content.meta
    reader = PdfReader(shipped.pdf(slug, document))
    info = reader.metadata
    assert info is not None
    assert clinic.name in info["/Title"]
    if document == "brochure":
        assert meta.title in info["/Title"]
    assert info["/Author"] == clinic.name
    assert str(info.get("/Subject", "")).strip()
    assert str(info["/CreationDate"]).startswith("D:" + meta.effective.strftime("%Y%m%d"))
    assert meta.effective.strftime("%Y%m%d") == "20261201"
    catalog = reader.trailer["/Root"]
    assert catalog.get("/Lang") == meta.language == "en"


@pytest.mark.parametrize("slug", CLINICS)
def test_brochure_bookmarks_follow_the_content_headings(shipped: Built,
                                                         shipped_project: Project,
                                                         slug: str) -> None:
    content = shipped_project.content
    headings = [content.overview.heading, "Is it for me?", content.diagnosis.heading,
                content.hair_loss.heading, content.how_it_works.heading,
                content.preparation.heading, content.aftercare.heading,
                content.contraindications.heading, content.risks.heading,
                content.evidence.heading, content.alternatives.heading,
                "Your plan and its cost", content.red_flags.heading, "Sources"]
    titles = outline_titles(shipped.pdf(slug))
    missing = [heading for heading in headings if " ".join(heading.split()) not in titles]
    assert not missing, f"no bookmark for {missing}; bookmarks: {titles}"


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_every_font_is_embedded(shipped: Built, slug: str, document: str) -> None:
    fonts = list(iter_fonts(shipped.pdf(slug, document)))
    assert fonts, "no fonts found: the walk over the resources is broken"
    loose = sorted({font_name(font) for font in fonts if not font_is_embedded(font)})
    assert not loose, f"fonts not embedded: {loose}"


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_fonts_are_the_clinic_brand_fonts(shipped: Built, shipped_project: Project,
                                          slug: str, document: str) -> None:
    """Every font in the PDF was loaded from the theme's files; the brand's own are used.

    Brand fonts are loaded under their CSS names ("Lato brand"), which no installed
    font carries, so a name without it would mean a fallback to a machine font.
    """
    theme = shipped_project.clinics[slug].theme
    seed = {"harbor-hair-clinic": {"opensans", "robotoslab"},
            "lumen-dermatology": {"lato", "ebgaramond"}}
    assert seed[slug] <= {compact(face.family) for face in theme.fonts}
    families = {compact(name) for name in theme.font_names}
    used = {font_name(font) for font in iter_fonts(shipped.pdf(slug, document))}
    foreign = sorted(name for name in used
                     if not any(compact(name).startswith(family) for family in families))
    assert not foreign, f"fonts outside the brand {sorted(theme.font_names)}: {foreign}"
    base = compact(theme.base_css_family)
    assert any(compact(name).startswith(base) for name in used), (
        f"the base family {theme.base_css_family} is not used: {sorted(used)}")
    if document == "brochure":
        heading = compact(theme.headings_family)
        assert any(compact(name).startswith(heading) for name in used), (
            f"the headings family {theme.headings_family} is not used: {sorted(used)}")


@pytest.mark.parametrize("slug", CLINICS)
def test_cover_is_printed_in_the_clinic_primary_colour(shipped: Built,
                                                       shipped_project: Project,
                                                       slug: str) -> None:
    primary = hex_rgb(shipped_project.clinics[slug].theme.colors["primary"])
    found = dominant_colour(shipped.pdf(slug), page=0)
    assert colour_distance(found, primary) <= 6, f"cover band {found}, primary {primary}"


def test_the_two_covers_differ_in_brand_colour(shipped: Built) -> None:
    harbor = dominant_colour(shipped.pdf("harbor-hair-clinic"))
    lumen = dominant_colour(shipped.pdf("lumen-dermatology"))
    assert colour_distance(harbor, lumen) >= 40, (harbor, lumen)


def test_rebuilding_gives_identical_bytes(shipped: Built, tmp_path: Path) -> None:
    """The same input, built again later in the same process, gives the same PDF."""
    time.sleep(max(0.0, shipped.finished + 1.1 - time.time()))  # let the clock move on
    out = tmp_path / "again"
    result = build(shipped.root, "--clinic", "harbor-hair-clinic", "--document", "brochure",
                   "--out", out)
    assert result.exit_code == 0, result.output
    again = out / "harbor-hair-clinic" / "brochure.en.pdf"
    assert again.read_bytes() == shipped.pdf("harbor-hair-clinic").read_bytes()


@pytest.mark.slow
def test_building_in_a_new_process_gives_identical_bytes(shipped: Built,
                                                         tmp_path: Path) -> None:
    """`python -m brochure build` in a fresh process, from another folder, gives the same bytes
    as the session's build (which also built the other clinic first)."""
    time.sleep(max(0.0, shipped.finished + 1.1 - time.time()))
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    out = tmp_path / "fresh"
    process = subprocess.run(
        [sys.executable, "-m", "brochure", "build", "--project", str(shipped.root),
         "--clinic", "lumen-dermatology", "--document", "brochure", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    fresh = out / "lumen-dermatology" / "brochure.en.pdf"
    assert fresh.read_bytes() == shipped.pdf("lumen-dermatology").read_bytes()


# --- changed copies of the project -----------------------------------------------------------


def test_a_broken_clinic_does_not_stop_the_others(project: Path) -> None:
    edit(project / "clinics/harbor-hair-clinic/clinic.yaml", r"^paper:.*$", "paper: tabloid")
    result = build(project, "--document", "brochure")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert (project / "output/lumen-dermatology/brochure.en.pdf").is_file()
    assert not (project / "output/harbor-hair-clinic/brochure.en.pdf").exists()
    summary = result.output[result.output.rindex("built,"):]
    assert "harbor-hair-clinic" in summary
    assert "clinics/harbor-hair-clinic/clinic.yaml:" in result.output
    assert "lumen-dermatology" not in summary


@pytest.mark.slow
def test_a_third_clinic_needs_only_a_folder(project: Path) -> None:
    """Copy a clinic folder, change its identity, protocol, paper and overrides: it builds."""
    folder = project / "clinics/third-clinic"
    shutil.copytree(project / "clinics/lumen-dermatology", folder)
    shutil.rmtree(folder / "templates", ignore_errors=True)
    clinic_yaml = folder / "clinic.yaml"
    edit(clinic_yaml, r"^name:.*$", "name: Third Street Hair Studio")
    edit(clinic_yaml, r"^phone:.*$", 'phone: "+1 (555) 010-7788"')
    edit(clinic_yaml, r"^protocol:.*$", "protocol: injection")
    edit(clinic_yaml, r"^paper:.*$", "paper: letter")
    edit(clinic_yaml, r"^overrides:\n(  .*\n)+",
         "overrides:\n  minimum_sessions: 12\n  session_length: 35 minutes\n")

    result = build(project, "--clinic", "third-clinic", "--document", "brochure")
    assert result.exit_code == 0, result.output
    pdf = project / "output/third-clinic/brochure.en.pdf"
    text = pdf_text(pdf)
    loaded = load_project(project)
    site = loaded.clinics["third-clinic"]
    protocol = effective_protocol(loaded.content.protocols["injection"], site.clinic.overrides)
    assert protocol.minimum_sessions == 12
    for item in ("Third Street Hair Studio", "+1 (555) 010-7788", protocol.name,
                 "35 minutes", "at least 12"):
        assert contains(text, item, ignore_case=True), item
    assert not contains(text, "Lumen Dermatology")
    assert all(_near(w, 612.0) and _near(h, 792.0) for w, h in page_sizes(pdf))
    assert not (project / "output/lumen-dermatology").exists()
    assert not (project / "output/harbor-hair-clinic").exists()


def test_a_clinic_without_a_brand_file_uses_the_theme_defaults(project: Path) -> None:
    folder = project / "clinics/plain-clinic"
    shutil.copytree(project / "clinics/lumen-dermatology", folder)
    shutil.rmtree(folder / "templates", ignore_errors=True)
    (folder / "_brand.yml").unlink()
    edit(folder / "clinic.yaml", r"^name:.*$", "name: Plain Clinic")

    result = build(project, "--clinic", "plain-clinic", "--document", "brochure")
    assert result.exit_code == 0, result.output
    pdf = project / "output/plain-clinic/brochure.en.pdf"
    fonts = list(iter_fonts(pdf))
    assert fonts and all(font_is_embedded(font) for font in fonts)
    names = sorted({font_name(font) for font in fonts})
    assert all(compact(name).startswith("inter") for name in names), names
    theme = load_project(project).clinics["plain-clinic"].theme
    assert colour_distance(dominant_colour(pdf), hex_rgb(theme.colors["primary"])) <= 6
    assert contains(pdf_text(pdf), "Plain Clinic")


@pytest.mark.slow
def test_a_template_override_applies_to_its_clinic_only(project: Path) -> None:
    marker = "Harbor back page override"
    theme_partial = (project / "templates/partials/back_page.html").read_text(encoding="utf-8")
    override_template(project, "harbor-hair-clinic", "partials/back_page.html",
                      f"<p>{marker}</p>\n{theme_partial}")
    result = build(project, "--document", "brochure")
    assert result.exit_code == 0, result.output
    harbor = pdf_text(project / "output/harbor-hair-clinic/brochure.en.pdf")
    lumen = pdf_text(project / "output/lumen-dermatology/brochure.en.pdf")
    assert contains(harbor, marker)
    assert contains(harbor, "+1 (207) 555-0142")  # the rest of the partial is still there
    assert not contains(lumen, marker)


@pytest.mark.slow
def test_content_is_printed_as_data(project: Path) -> None:
    """Template syntax and HTML in YAML are printed as written, never run or interpreted."""
    name = "Clinic {{ 7*7 }} <b>Bold</b>"
    subtitle = "Data {{ 7*7 }} <script>alert(1)</script> {% if true %}kept{% endif %}"
    edit(project / "clinics/harbor-hair-clinic/clinic.yaml", r"^name:.*$",
         "name: " + yaml.safe_dump(name, default_style='"').strip())
    content_file = project / "content.yaml"
    content = yaml.safe_load(content_file.read_text(encoding="utf-8"))
    content["meta"]["subtitle"] = subtitle
    content["overview"]["summary"] = subtitle
    content_file.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")

    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    assert result.exit_code == 0, result.output
    pdf = project / "output/harbor-hair-clinic/brochure.en.pdf"
    text = pdf_text(pdf)
    assert contains(text, name)
    assert contains(text, "Data {{ 7*7 }} <script>alert(1)</script>")
    assert contains(text, "{% if true %}kept{% endif %}")
    assert not contains(text, "Clinic 49")
    assert not contains(text, "Data 49")
    metadata = PdfReader(pdf).metadata
    assert metadata is not None and metadata["/Author"] == name

    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure",
                   "--format", "html")
    assert result.exit_code == 0, result.output
    html = (project / "output/harbor-hair-clinic/brochure.en.html").read_text(encoding="utf-8")
    assert "Clinic {{ 7*7 }} &lt;b&gt;Bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html
    assert "<script>" not in html
    assert "Clinic 49" not in html


def test_a_failed_render_keeps_the_previous_pdf(shipped: Built, project: Path) -> None:
    """A template error fails the document; the PDF of the last good build stays as it was."""
    previous = project / "output/harbor-hair-clinic/brochure.en.pdf"
    previous.parent.mkdir(parents=True)
    shutil.copy2(shipped.pdf("harbor-hair-clinic"), previous)  # the last good build
    before = previous.read_bytes()
    override_template(project, "harbor-hair-clinic", "brochure.html",
                      '{% extends "base.html" %}\n{% block body %}\n{% if %}\n{% endblock %}\n')

    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "clinics/harbor-hair-clinic/templates/brochure.html:3" in result.output
    assert previous.read_bytes() == before
    assert _temporary_files(project / "output") == []


def test_a_failed_write_keeps_the_previous_pdf(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the new PDF is written: the old one is kept, no debris is left."""
    previous = project / "output/harbor-hair-clinic/brochure.en.pdf"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"%PDF-1.7 the previous build")

    def render_pdf(*args: object, **kwargs: object) -> tuple[bytes, int]:
        return b"%PDF-1.7 the new build", 1

    def fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("brochure.pdf.render.render_pdf", render_pdf)
    monkeypatch.setattr(os, "fsync", fsync)
    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    monkeypatch.undo()
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.output
    assert previous.read_bytes() == b"%PDF-1.7 the previous build"
    assert _temporary_files(project / "output") == []


def test_text_in_a_font_outside_the_brand_fails_the_document(project: Path) -> None:
    """A template naming a font the brand does not ship fails, instead of a silent fallback."""
    override_template(project, "harbor-hair-clinic", "brochure.html", minimal_brochure(
        '<p style="font-family: \'DejaVu Sans\', serif">Foreign font</p>'))
    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "not a brand or theme font" in result.output
    assert not (project / "output/harbor-hair-clinic/brochure.en.pdf").exists()
