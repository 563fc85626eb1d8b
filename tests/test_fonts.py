"""Font configurations: a PDF's fonts depend on its own clinic only.

WeasyPrint registers @font-face files in a fontconfig configuration, which
the renderer reuses across documents to keep memory flat. These tests pin
what that reuse must not change: which file a family name means, and which
process writes a configuration's files.
"""

from __future__ import annotations

import multiprocessing
import shutil
from io import BytesIO
from pathlib import Path

from conftest import build, iter_fonts
from fontTools.ttLib import TTFont

from brochure.pdf import render
from brochure.project import load_project

LUMEN = "lumen-dermatology"


def _lumen_brochure(root: Path) -> Path:
    return root / "output" / LUMEN / "brochure.en.pdf"


def _embedded_families(path: Path) -> set[str]:
    """The family names inside the font programs a PDF embeds: they tell which file it was."""
    families = set()
    for font in iter_fonts(path):
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        program = next(descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3")
                       if key in descriptor)
        with TTFont(BytesIO(program.get_object().get_data())) as parsed:
            families.add(parsed["name"].getDebugName(1))
    return families


def _name_lumen_fonts_open_sans(root: Path) -> None:
    """Give Lumen's Lato files the family name of Harbor's Open Sans files."""
    brand = root / "clinics" / LUMEN / "_brand.yml"
    brand.write_text(brand.read_text(encoding="utf-8").replace("family: Lato", "family: Open Sans"),
                     encoding="utf-8")


def test_a_clinic_pdf_does_not_depend_on_the_clinic_built_before_it(project: Path) -> None:
    """Two clinics use one family name for different files: each PDF gets its own files,
    and Lumen's bytes are the same whether Harbor was rendered first in the process or not."""
    _name_lumen_fonts_open_sans(project)
    alone = build(project, "--clinic", LUMEN, "--document", "brochure", "--jobs", "1")
    assert alone.exit_code == 0, alone.output
    expected = _lumen_brochure(project).read_bytes()

    assert _embedded_families(_lumen_brochure(project)) == {"Lato", "EB Garamond",
                                                             "EB Garamond SemiBold"}

    after_harbor = build(project, "--document", "brochure", "--jobs", "1", "--force")
    assert after_harbor.exit_code == 0, after_harbor.output
    assert "Open Sans" in _embedded_families(project / "output/harbor-hair-clinic/brochure.en.pdf")
    assert _embedded_families(_lumen_brochure(project)) == {"Lato", "EB Garamond",
                                                             "EB Garamond SemiBold"}
    assert _lumen_brochure(project).read_bytes() == expected


def test_a_font_file_changed_on_disk_is_read_again(project: Path) -> None:
    """Replacing a font file between two builds in one process renders with the new file."""
    assert build(project, "--clinic", LUMEN, "--document", "brochure").exit_code == 0
    assert "Open Sans" not in _embedded_families(_lumen_brochure(project))
    shutil.copyfile(project / "clinics/harbor-hair-clinic/fonts/OpenSans-Regular.ttf",
                    project / "clinics" / LUMEN / "fonts/Lato-Regular.ttf")

    changed = build(project, "--clinic", LUMEN, "--document", "brochure", "--force")
    assert changed.exit_code == 0, changed.output
    assert "Open Sans" in _embedded_families(_lumen_brochure(project))


def _configuration_identity(root: str) -> tuple[int, int]:
    """In a forked child: the id of the configuration the child gets, twice."""
    theme = load_project(Path(root)).clinics[LUMEN].theme
    return id(render._font_config(Path(root), theme)), id(render._font_config(Path(root), theme))


def test_a_forked_worker_makes_its_own_font_configuration(project: Path) -> None:
    """A build's workers are forked from a process that may have rendered already: sharing
    its configuration made two workers write the same font files at once (a font then
    failed to load at random)."""
    theme = load_project(project).clinics[LUMEN].theme
    parents = id(render._font_config(project, theme))
    assert id(render._font_config(project, theme)) == parents  # reused within a process

    with multiprocessing.get_context("fork").Pool(1) as pool:
        first, second = pool.apply(_configuration_identity, (str(project),))
    assert first != parents
    assert second == first
