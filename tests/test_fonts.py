"""Font configurations: a PDF's fonts depend on its own clinic only.

WeasyPrint registers @font-face files in a fontconfig configuration, which
the renderer reuses across documents to keep memory flat. These tests pin
what that reuse must not change: which file a family name means, and which
process writes a configuration's files.
"""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from conftest import build, iter_fonts
from fontTools.ttLib import TTFont

from brochure.pdf.render import FontConfigs
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_font_file_changed_on_disk_is_read_again(project: Path) -> None:
    """Replacing a font file between two builds in one process renders with the new file."""
    assert build(project, "--clinic", LUMEN, "--document", "brochure").exit_code == 0
    assert "Open Sans" not in _embedded_families(_lumen_brochure(project))
    shutil.copyfile(project / "clinics/harbor-hair-clinic/fonts/OpenSans-Regular.ttf",
                    project / "clinics" / LUMEN / "fonts/Lato-Regular.ttf")

    changed = build(project, "--clinic", LUMEN, "--document", "brochure", "--force")
    assert changed.exit_code == 0, changed.output
    assert "Open Sans" in _embedded_families(_lumen_brochure(project))


def test_font_configurations_are_reused_per_owner_and_font_contents(project: Path) -> None:
    """A printer's configurations are its own: reused across its renders (memory stays flat),
    never shared with another printer, as a worker process has its own; and a font set with
    other contents gets a configuration of its own."""
    loaded = load_project(project)
    lumen, harbor = loaded.clinics[LUMEN].theme, loaded.clinics["harbor-hair-clinic"].theme
    first, second = FontConfigs(), FontConfigs()
    mine = first.for_theme(project, lumen)
    assert first.for_theme(project, lumen) is mine
    assert second.for_theme(project, lumen) is not mine
    assert first.for_theme(project, harbor) is not mine
    assert first.for_theme(project, lumen) is mine  # kept while others come and go
