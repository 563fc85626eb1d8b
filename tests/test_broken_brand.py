"""Broken brands: colours, contrast, fonts and logos, refused before anything is rendered.

Each case copies the shipped project as the session built it (``shipped``; copying keeps the
files' times, so its PDFs are up to date), breaks one thing in a brand, and runs ``brochure
build`` (and, for some, ``brochure check``): both must refuse in plain words naming the file,
the line and the value, and leave the earlier PDFs as they were (see ``corpus.py``).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Built, CliResult, build, edit, line_of, run_cli
from corpus import Expected, assert_refused, snapshot
from PIL import Image

HARBOR = "harbor-hair-clinic"
LUMEN = "lumen-dermatology"
HARBOR_BRAND = f"clinics/{HARBOR}/_brand.yml"
LUMEN_BRAND = f"clinics/{LUMEN}/_brand.yml"
THEME_BRAND = "templates/_brand.yml"


@pytest.fixture
def copy(shipped: Built, tmp_path: Path) -> Path:
    """The shipped project with its built PDFs, for one case to break."""
    assert shipped.result.exit_code == 0, shipped.result.output
    root = tmp_path / "project"
    shutil.copytree(shipped.root, root, symlinks=True)
    return root


def refused(root: Path, expected: Expected, *, check: bool = False,
            clinic: str | None = HARBOR) -> CliResult:
    """Build (and check) the broken copy: every command refuses as the corpus requires."""
    out = root / "output"
    before = snapshot(out)
    assert before, "the copy has no earlier PDFs"
    only = ("--clinic", clinic) if clinic else ()
    result = build(root, *only)
    assert_refused(result, expected, out, before)
    if check:
        assert_refused(run_cli("check", "--project", root, *only), expected, out, before)
    return result


def set_key(root: Path, file: str, pattern: str, replacement: str) -> int:
    """Replace ``pattern`` in ``file`` of the copy; the line where it was."""
    return edit(root / file, pattern, replacement)


# --- colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "words"), [
    ("blueish", "is not a colour"),
    ("inherit", "takes its colour from where it is used"),
    ('"rgb(300, 0, 0)"', "out of range"),
    ('"rgba(18, 53, 91, 0.5)"', "see-through"),
    ('"oklch(40% 0.1 250)"', "hex, rgb() or hsl()"),
])
def test_colour_role_not_a_colour(copy: Path, value: str, words: str) -> None:
    line = set_key(copy, HARBOR_BRAND, r"^  primary: navy$", f"  primary: {value}")
    result = refused(copy, Expected(HARBOR_BRAND, line, value.strip('"')))
    assert words in result.output
    assert 'such as "#1f4e79" or "rgb(31, 78, 121)"' in result.output


def test_currentcolor_foreground_refused_by_check_and_build(copy: Path) -> None:
    """Once a render failure cut off mid-sentence ("'NoneType' object is not subscriptable")."""
    line = set_key(copy, HARBOR_BRAND, r"^  foreground: ink$", "  foreground: currentcolor")
    refused(copy, Expected(HARBOR_BRAND, line, "currentcolor"), check=True)


def test_transparent_box_refused(copy: Path) -> None:
    line = set_key(copy, HARBOR_BRAND, r"^  tertiary: sand$", "  tertiary: transparent")
    result = refused(copy, Expected(HARBOR_BRAND, line, "transparent"))
    assert "would not print" in result.output


def test_palette_entry_named_at_its_own_line(copy: Path) -> None:
    """A broken palette entry is reported where it is written, once, not at each role."""
    line = set_key(copy, HARBOR_BRAND, r'navy: "#12355B"', 'navy: "#12345"')
    result = refused(copy, Expected(HARBOR_BRAND, line, "#12345"), check=True)
    assert "3 or 6 digits" in result.output
    assert result.output.count("'#12345'") == 1, result.output


def test_heading_colour_keyword_refused(copy: Path) -> None:
    line = set_key(copy, HARBOR_BRAND, r"color: primary\}", "color: unset}")
    refused(copy, Expected(HARBOR_BRAND, line, "unset"))


def test_theme_colour_refuses_every_clinic(copy: Path) -> None:
    line = set_key(copy, THEME_BRAND, r'^  danger: "#B42318"$', "  danger: revert")
    result = refused(copy, Expected(THEME_BRAND, line, "revert"), clinic=None)
    assert HARBOR in result.output and LUMEN in result.output


# --- contrast -----------------------------------------------------------------------------------


def test_pale_primary_names_both_colours_ratio_and_shade(copy: Path) -> None:
    """The cover band, headings and labels: white on a pale primary cannot be read."""
    line = set_key(copy, HARBOR_BRAND, r"^  primary: navy$", '  primary: "#8FA8C8"')
    result = refused(copy, Expected(HARBOR_BRAND, line, "#8FA8C8"), check=True)
    output = " ".join(result.output.split())
    for words in ("color.background #FFFFFF", "2.44:1", "4.5:1", "the cover band",
                  "such as #5e6e83"):
        assert words in output, (words, output)


def test_decorative_teal_as_secondary_refused(copy: Path) -> None:
    """The palette says teal-bright is for large shapes only (4.15:1): as timings' text, no."""
    line = set_key(copy, HARBOR_BRAND, r"^  secondary: teal$", "  secondary: teal-bright")
    result = refused(copy, Expected(HARBOR_BRAND, line, "#1F8A8A"))
    output = " ".join(result.output.split())
    assert "the white page, 4.15:1" in output and "timings of the steps" in output


def test_pale_muted_text_refused(copy: Path) -> None:
    line = set_key(copy, HARBOR_BRAND, r"^  dark: navy-deep$", '  dark: "#AAAAAA"')
    result = refused(copy, Expected(HARBOR_BRAND, line, "#AAAAAA"))
    assert "such as #6c6c6c" in result.output


def test_dark_box_blamed_on_the_box(copy: Path) -> None:
    """Dark text in a box too dark: the box's colour is the one to change, lighter."""
    line = set_key(copy, HARBOR_BRAND, r"^  tertiary: sand$", '  tertiary: "#556677"')
    result = refused(copy, Expected(HARBOR_BRAND, line, "#556677"))
    assert "too dark" in result.output and "lighter" in result.output


def test_heading_colour_too_pale(copy: Path) -> None:
    line = set_key(copy, HARBOR_BRAND, r"color: primary\}", "color: sand-deep}")
    refused(copy, Expected(HARBOR_BRAND, line, "#D9B77E"))


def test_danger_needs_more_under_semibold_headings(copy: Path) -> None:
    """Lumen's headings are semibold (600): a 15pt heading is not large, so 4.5:1 holds."""
    line = set_key(copy, LUMEN_BRAND, r"^  danger: crimson$", "  danger: coral")
    result = refused(copy, Expected(LUMEN_BRAND, line, "#D9776B"), clinic=LUMEN)
    assert "rare risks" in result.output


# --- fonts --------------------------------------------------------------------------------------


def break_file(root: Path, relative: str, damage: Callable[[bytes], bytes]) -> None:
    path = root / relative
    path.write_bytes(damage(path.read_bytes()))


def png_bytes(size: tuple[int, int] = (64, 32)) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", size, (18, 53, 91)).save(stream, "PNG")
    return stream.getvalue()


FONT_DAMAGE = {
    "truncated to half": ("OpenSans-Regular.ttf", lambda data: data[: len(data) // 2]),
    "random bytes": ("OpenSans-Italic.ttf", lambda data: b"\x00\x01\x00\x00" + bytes(
        (index * 7919) % 251 for index in range(5000))),
    "a PNG renamed": ("RobotoSlab-Bold.otf", lambda data: png_bytes()),
    "bytes changed": ("OpenSans-Bold.ttf", lambda data: data[:100_000] + b"\xff" * 64
                      + data[100_064:]),
}


@pytest.mark.parametrize("damage", list(FONT_DAMAGE))
def test_damaged_font_named_by_its_file(copy: Path, damage: str) -> None:
    name, change = FONT_DAMAGE[damage]
    relative = f"clinics/{HARBOR}/fonts/{name}"
    break_file(copy, relative, change)
    line = line_of(copy / HARBOR_BRAND, name.replace(".", r"\."))
    result = refused(copy, Expected(HARBOR_BRAND, line, relative), check=damage == "a PNG renamed")
    assert "brand' cannot be loaded" not in result.output


def test_damaged_theme_font(copy: Path) -> None:
    relative = "templates/fonts/Inter-Bold.otf"
    break_file(copy, relative, lambda data: data[:30_000])
    line = line_of(copy / THEME_BRAND, r"Inter-Bold\.otf")
    refused(copy, Expected(THEME_BRAND, line, relative), clinic=None)


def test_font_linking_outside_the_project(copy: Path, tmp_path: Path) -> None:
    """A link is reported by where it leads, and refused when that is outside the project."""
    outside = tmp_path / "elsewhere" / "OpenSans-Regular.ttf"
    outside.parent.mkdir()
    font = copy / "clinics" / HARBOR / "fonts" / "OpenSans-Regular.ttf"
    shutil.move(font, outside)
    font.symlink_to(outside)
    line = line_of(copy / HARBOR_BRAND, r"OpenSans-Regular\.ttf")
    result = refused(copy, Expected(HARBOR_BRAND, line, str(outside)))
    assert "outside the project" in result.output


# --- logos --------------------------------------------------------------------------------------

LOGO = f"clinics/{HARBOR}/assets/logo.svg"
SVG_DAMAGE = {
    "cut short": (lambda data: data[: len(data) // 2], "not well-formed XML"),
    "an ENTITY": (lambda data: b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "b">\n]>\n'
                  + data, "DOCTYPE"),
    "a script": (lambda data: data.replace(b"</svg>", b"<script>alert(1)</script></svg>"),
                 "script"),
    "an outside picture": (lambda data: data.replace(
        b"</svg>", b'<image href="https://example.com/x.png" width="1" height="1"/></svg>'),
        "outside itself"),
}


@pytest.mark.parametrize("damage", list(SVG_DAMAGE))
def test_bad_svg_logo(copy: Path, damage: str) -> None:
    change, words = SVG_DAMAGE[damage]
    break_file(copy, LOGO, change)
    line = line_of(copy / HARBOR_BRAND, r"mark: \{path: assets/logo\.svg")
    result = refused(copy, Expected(HARBOR_BRAND, line, LOGO), check=damage == "cut short")
    assert words in result.output
    assert "Failed to load image" not in result.output


def use_logo(root: Path, name: str, data: bytes) -> tuple[str, int]:
    """Make the clinic's logo a file ``name`` holding ``data``; its path and brand line."""
    (root / "clinics" / HARBOR / "assets" / name).write_bytes(data)
    line = set_key(root, HARBOR_BRAND, r"mark: \{path: assets/logo\.svg",
                   f"mark: {{path: assets/{name}")
    return f"clinics/{HARBOR}/assets/{name}", line


def jpeg_bytes() -> bytes:
    stream = io.BytesIO()
    Image.effect_noise((400, 200), 60).convert("RGB").save(stream, "JPEG")
    return stream.getvalue()


def test_png_logo_cut_short(copy: Path) -> None:
    """Such a logo once printed half black: WeasyPrint fills in what is missing."""
    data = png_bytes((400, 200))
    relative, line = use_logo(copy, "logo.png", data[: len(data) - 40])
    result = refused(copy, Expected(HARBOR_BRAND, line, relative))
    assert "damaged or cut short" in result.output


def test_jpeg_logo_cut_short(copy: Path) -> None:
    data = jpeg_bytes()
    relative, line = use_logo(copy, "logo.jpg", data[: len(data) // 2])
    refused(copy, Expected(HARBOR_BRAND, line, relative))


def test_huge_logo_refused(copy: Path) -> None:
    relative, line = use_logo(copy, "logo.png", png_bytes((8000, 6000)))
    result = refused(copy, Expected(HARBOR_BRAND, line, relative))
    assert "8000 x 6000 pixels" in result.output and "40 megapixels" in result.output


def test_text_file_as_logo(copy: Path) -> None:
    relative, line = use_logo(copy, "logo.png", b"This is not a picture.\n")
    result = refused(copy, Expected(HARBOR_BRAND, line, relative), check=True)
    assert "not an image file" in result.output
