"""A clinic's look, read from its ``_brand.yml`` (brand.yml format) over the theme's defaults.

The brand file is validated by the ``brand-yml`` package. What it leaves open is
checked here, because the values end up in CSS and in the PDF: colours must be
real colours, sizes real lengths, and every font must be a file in the project
that loads. A font that is named but cannot be used is an error, never a silent
fallback to whatever the machine has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from brand_yml import Brand
from brand_yml.file import FileLocationLocal
from brand_yml.typography import BrandTypographyFontFiles, font_weight_map
from pydantic import ValidationError

from ..errors import InputError, Problem
from ..source import KeyPath, SourceFile, load_yaml
from ..validation import problems_from

BRAND_FILE = "_brand.yml"
COLOR_ROLES = ("foreground", "background", "primary", "secondary", "tertiary", "success",
               "info", "warning", "danger", "light", "dark")
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20}"
                    r"|(rgb|rgba|hsl|hsla)\(\s*[0-9.%\s,/]+\))$")
_LENGTH = re.compile(r"^(?P<number>\d+(\.\d+)?)(?P<unit>pt|px|mm)$")
POINTS_PER_UNIT = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4}
MIN_BODY_POINTS = 12.0
"""Clear-print guidance (RNIB): body text of 12 pt at least; 14 pt is better."""
LINE_HEIGHTS = (1.3, 2.0)
"""Line spacing that clear-print guidance allows: open enough to follow, not so open that
lines fall apart."""
_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")


def css_family(family: str) -> str:
    """The name a brand family is loaded under: its own, so no installed font can match it."""
    return f"{family} brand"


@dataclass(frozen=True)
class FontFace:
    """One font file and the family, weight and style it provides."""

    family: str
    path: str
    weight: int
    style: str

    @property
    def css_family(self) -> str:
        return css_family(self.family)


@dataclass(frozen=True)
class Logo:
    path: str
    alt: str


@dataclass(frozen=True)
class Theme:
    """What templates need of a brand: colours by role, fonts, type settings, logos.

    Paths are relative to the project root, which is the base URL of every render.
    """

    name: str
    colors: dict[str, str]
    fonts: tuple[FontFace, ...]
    base_family: str
    base_size: str
    line_height: float
    headings_family: str
    headings_weight: int
    headings_color: str
    logos: dict[str, Logo] = field(default_factory=dict)

    @property
    def base_css_family(self) -> str:
        return css_family(self.base_family)

    @property
    def headings_css_family(self) -> str:
        return css_family(self.headings_family)

    @property
    def form_css_family(self) -> str:
        """The family of form fields: the base font cut down (see ``documents/form_font.py``)."""
        return css_family(f"{self.base_family} form")

    @property
    def form_face(self) -> FontFace | None:
        """The regular face of the base family, which form fields are set in."""
        return next((face for face in self.fonts if face.family == self.base_family
                     and face.weight == 400 and face.style == "normal"), None)

    @property
    def font_names(self) -> set[str]:
        """The family names the theme's fonts appear under in a PDF: their CSS names.

        A font found any other way (an installed font) appears under its own name.
        """
        return {face.css_family for face in self.fonts} | {self.form_css_family}

    @property
    def logo(self) -> Logo | None:
        """The logo for light backgrounds: ``medium``, else the first image."""
        return self.logos.get("medium") or next(iter(self.logos.values()), None)


def load_brand(path: Path, root: Path) -> tuple[Brand, SourceFile]:
    """Read and validate one ``_brand.yml``."""
    source = load_yaml(path, root)
    data = source.data if isinstance(source.data, dict) else {}
    try:
        brand = Brand.model_validate({**data, "path": path.resolve()})
    except ValidationError as error:
        raise InputError(problems_from(error, Brand, source)) from None
    except ValueError as error:
        raise InputError([source.problem((), str(error))]) from None
    return brand, source


class _ThemeBuilder:
    """Reads a clinic brand over the default brand, collecting every problem."""

    def __init__(self, root: Path, default: tuple[Brand, SourceFile],
                 clinic: tuple[Brand, SourceFile] | None) -> None:
        self.root = root.resolve()
        self.layers = [default] if clinic is None else [clinic, default]
        self.problems: list[Problem] = []

    def build(self) -> Theme:
        fonts = [face for brand, source in reversed(self.layers)
                 for face in self._fonts(brand, source)]
        colors = self._colors()
        base_family = self._pick(("typography", "base", "family"))
        headings_family = self._pick(("typography", "headings", "family"),
                                     ("typography", "base", "family"))
        theme = Theme(
            name=_text(self._pick(("meta", "name", "full"))),
            colors=colors,
            fonts=tuple(fonts),
            base_family=_text(base_family),
            base_size=self._base_size(),
            line_height=self._line_height(),
            headings_family=_text(headings_family),
            headings_weight=_weight(self._pick(("typography", "headings", "weight"))) or 700,
            headings_color=self._heading_color(colors),
            logos=self._logos(),
        )
        self._check_faces(theme)
        if self.problems:
            raise InputError(self.problems)
        return theme

    def _pick(self, *paths: tuple[str, ...]) -> object:
        """The first value found at ``paths``, looking in the clinic's brand first."""
        for brand, _source in self.layers:
            for path in paths:
                value: object = brand
                for part in path:
                    value = getattr(value, part, None)
                if value is not None:
                    return value
        return None

    def _problem(self, path: tuple[str, ...], message: str) -> None:
        """Note a problem in the file that set the value at ``path``."""
        source = self.layers[-1][1]
        for brand, layer_source in self.layers:
            value: object = brand
            for part in path:
                value = getattr(value, part, None)
            if value is not None:
                source = layer_source
                break
        self.problems.append(source.problem(path, message))

    def _colors(self) -> dict[str, str]:
        colors: dict[str, str] = {}
        for role in COLOR_ROLES:
            value = self._pick(("color", role))
            if value is None:
                continue
            if not _COLOR.match(str(value)):
                self._problem(("color", role), f"'{value}' is not a colour: use a hex value "
                                               "such as '#12355B' or a palette name")
                continue
            colors[role] = str(value)
        return colors

    def _heading_color(self, colors: dict[str, str]) -> str:
        value = self._pick(("typography", "headings", "color"))
        if value is None:
            return colors.get("primary", colors.get("foreground", "#000000"))
        value = colors.get(str(value), str(value))
        if not _COLOR.match(value):
            self._problem(("typography", "headings", "color"), f"'{value}' is not a colour")
        return value

    def _base_size(self) -> str:
        """The body size: an absolute length of at least :data:`MIN_BODY_POINTS`."""
        path = ("typography", "base", "size")
        value = self._pick(path)
        if value is None:
            return f"{MIN_BODY_POINTS:g}pt"
        match = _LENGTH.match(str(value))
        if not match:
            self._problem(path, f"'{value}' is not a size such as '12pt' (pt, px or mm)")
            return f"{MIN_BODY_POINTS:g}pt"
        points = float(match["number"]) * POINTS_PER_UNIT[match["unit"]]
        if points < MIN_BODY_POINTS - 0.01:
            self._problem(path, f"'{value}' is {points:.3g}pt: body text must be at least "
                                f"{MIN_BODY_POINTS:g}pt for older readers (clear-print "
                                "guidance; 14pt is better). Use '12pt' or more")
        return f"{points:.4g}pt"

    def _line_height(self) -> float:
        path = ("typography", "base", "line_height")
        value = self._pick(path)
        if value is None:
            return 1.5
        try:
            number = float(str(value))
        except ValueError:
            number = 0.0
        low, high = LINE_HEIGHTS
        if not low <= number <= high:
            self._problem(path, f"'{value}' is not a line spacing between {low:g} and {high:g}"
                                " (clear-print guidance; 1.5 suits most fonts)")
            return 1.5
        return number

    def _fonts(self, brand: Brand, source: SourceFile) -> list[FontFace]:
        if brand.typography is None or not brand.typography.fonts:
            return []
        faces = []
        for index, font in enumerate(brand.typography.fonts):
            path: KeyPath = ("typography", "fonts", index)
            if not isinstance(font, BrandTypographyFontFiles):
                self.problems.append(source.problem(
                    (*path, "source"), f"font '{font.family}' must be 'source: file' with its "
                    "files in the project, so output does not depend on the machine or network"))
                continue
            if not _FAMILY.match(font.family):
                self.problems.append(source.problem((*path, "family"),
                                                    f"'{font.family}' is not a usable family name"))
                continue
            for number, file in enumerate(font.files):
                where = (*path, "files", number, "path")
                if not isinstance(file.path, FileLocationLocal):
                    self.problems.append(source.problem(
                        where, "a font file must be a file in the project, not a web address"))
                    continue
                relative = self._project_file(file.path.absolute(), source, where)
                if relative is None:
                    continue
                if not _is_font_file(self.root / relative):
                    self.problems.append(source.problem(
                        where, "not a usable font file (expected TrueType, OpenType or WOFF)"))
                    continue
                weight = _weight(file.weight.root)
                if weight is None:
                    self.problems.append(source.problem(
                        (*path, "files", number, "weight"), "give one weight per font file: "
                        "a number such as 400 or 700, or normal or bold"))
                    continue
                faces.append(FontFace(font.family, relative, weight, file.style))
        return faces

    def _project_file(self, path: Path, source: SourceFile, where: KeyPath) -> str | None:
        """The project-relative path of an existing file, or None after noting a problem."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            self.problems.append(source.problem(where, f"'{path}' is outside the project"))
            return None
        if not resolved.is_file():
            self.problems.append(source.problem(
                where, f"file not found: {resolved.relative_to(self.root).as_posix()}"))
            return None
        return resolved.relative_to(self.root).as_posix()

    def _logos(self) -> dict[str, Logo]:
        for brand, source in self.layers:
            logo = brand.logo
            images = getattr(logo, "images", None) or {}
            if not images:
                continue
            logos = {}
            for name, image in images.items():
                if not hasattr(image, "path"):
                    continue
                where = ("logo", "images", name, "path")
                if not hasattr(image.path, "absolute"):
                    self.problems.append(source.problem(where, "the logo must be a file in the "
                                                               "project, not a web address"))
                    continue
                relative = self._project_file(image.path.absolute(), source, where)
                if relative is None:
                    continue
                if not image.alt:
                    self.problems.append(source.problem(("logo", "images", name),
                                                        "give the logo 'alt' text"))
                logos[name] = Logo(relative, image.alt or "")
            medium = getattr(logo, "medium", None)
            if isinstance(medium, str) and medium in logos:
                logos["medium"] = logos[medium]
            return logos
        return {}

    def _check_faces(self, theme: Theme) -> None:
        declared = {face.family for face in theme.fonts}
        wanted = ((("typography", "base", "family"), theme.base_family, 400),
                  (("typography", "headings", "family"), theme.headings_family,
                   theme.headings_weight))
        for path, family, weight in wanted:
            if family not in declared:
                self._problem(path, f"font family '{family}' is not declared in typography.fonts"
                                    " with its files")
            elif not any(face.family == family and face.weight == weight
                         for face in theme.fonts):
                self._problem(path, f"font family '{family}' has no file of weight {weight}")


FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2")


def _is_font_file(path: Path) -> bool:
    """Whether the file starts like a font: cheap enough to check every font on every run.

    (A file that looks like a font but does not load still fails its document: WeasyPrint's
    "cannot be loaded" warning is an error there.)
    """
    with path.open("rb") as stream:
        return stream.read(4) in FONT_SIGNATURES


def build_theme(root: Path, default: tuple[Brand, SourceFile],
                clinic: tuple[Brand, SourceFile] | None) -> Theme:
    """Combine a clinic's brand with the theme's default brand into a :class:`Theme`."""
    return _ThemeBuilder(root, default, clinic).build()


def _text(value: object) -> str:
    """A brand setting as text; nothing set is ``""``."""
    return "" if value is None else str(value)


def _weight(value: object) -> int | None:
    """A font weight as a number (``auto`` and ``normal`` are 400, ``bold`` 700); ``None``
    for a range, which names no single weight."""
    if value == "auto":
        return 400
    if isinstance(value, str):
        return font_weight_map.get(value)
    if isinstance(value, int):
        return value
    return None
