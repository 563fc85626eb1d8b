"""A clinic's look, read from its ``_brand.yml`` (brand.yml format) over the theme's defaults.

The brand file is validated by the ``brand-yml`` package. What it leaves open is
checked here, because the values end up in CSS and in the PDF: colours must be
real colours (:mod:`.colours`) that leave printed text readable where the templates
put them together (:data:`CONTRAST_PAIRS`, :mod:`.contrast`), sizes real lengths, and
every font and logo must be a file in the project that reads to its end
(:mod:`.assets`). A font that is named but cannot be used is an error, never a silent
fallback to whatever the machine has. All of it is checked when the project loads, so
``brochure check`` and ``brochure build`` refuse a bad brand before rendering anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from brand_yml import Brand
from brand_yml._defs import CircularReferenceError
from brand_yml.file import FileLocationLocal
from brand_yml.typography import BrandTypographyFontFiles, font_weight_map
from pydantic import ValidationError

from ..errors import InputError, Problem
from ..source import KeyPath, SourceFile, format_key, load_yaml
from ..validation import problems_from
from . import contrast
from .assets import font_problem, image_problem
from .colours import EXAMPLE, NotAColour
from .colours import parse as parse_colour

BRAND_FILE = "_brand.yml"
COLOR_ROLES = ("foreground", "background", "primary", "secondary", "tertiary", "success",
               "info", "warning", "danger", "light", "dark")
_LENGTH = re.compile(r"^(?P<number>\d+(\.\d+)?)(?P<unit>pt|px|mm)$")
POINTS_PER_UNIT = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4}
MIN_BODY_POINTS = 12.0
"""Clear-print guidance (RNIB): body text of 12 pt at least; 14 pt is better."""
MAX_BODY_POINTS = 18.0
"""Larger body text leaves too few words a page for the documents' tables and forms."""
LINE_HEIGHTS = (1.3, 2.0)
"""Line spacing that clear-print guidance allows: open enough to follow, not so open that
lines fall apart."""
_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$")


PAPER = "paper"
"""The page itself: documents set no page background, so text on the page is on white."""
HEADINGS = "headings"
"""The colour of headings: ``typography.headings.color``, else ``color.primary``."""
WHITE: contrast.RGB = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class ContrastPair:
    """Text of one colour role on a backdrop of another, as the theme's templates set it.

    ``size`` is the smallest text of the pair, in rem (times the base size), and ``weight``
    its weight; ``HEADINGS`` as the weight means the headings' weight.
    """

    text: str
    backdrop: str
    size: float
    weight: int | str
    where: str


CONTRAST_PAIRS = (
    ContrastPair("foreground", PAPER, 1.0, 400, "body text"),
    ContrastPair(HEADINGS, PAPER, 1.05, HEADINGS, "headings (the smallest, h4, is 1.05 times "
                                                  "the body size)"),
    ContrastPair("primary", PAPER, 0.75, 600, "key sentences, table headings, labels, facts "
                                             "on the cover and the running header"),
    ContrastPair("secondary", PAPER, 1.0, 700, "timings of the steps and the chapter "
                                              "numbers of the contents"),
    ContrastPair("dark", PAPER, 0.7, 400, "muted text: captions, notes, footers, citation "
                                         "numbers, the timeline's months and the QR code"),
    ContrastPair("danger", PAPER, 1.25, HEADINGS, "headings of the rare risks"),
    ContrastPair("background", "primary", 0.75, 400, "the cover band, the back page and its "
                                                    "footer, tags and step numbers"),
    ContrastPair("foreground", "tertiary", 1.0, 400, "text in the evidence box"),
    ContrastPair(HEADINGS, "tertiary", 1.05, HEADINGS, "headings in the evidence box"),
    ContrastPair("dark", "tertiary", 0.7, 400, "citation numbers in the evidence box"),
    ContrastPair("foreground", "background", 1.0, 400, "text in the warning boxes (red flags, "
                                                      "see a doctor)"),
    ContrastPair("danger", "background", 1.25, HEADINGS, "headings of the warning boxes"),
    ContrastPair("dark", "background", 0.7, 400, "citation numbers in the warning boxes"),
    ContrastPair("foreground", "light", 1.0, 400, "text on panels"),
    ContrastPair("dark", "light", 1.0, 700, "the dash of days with nothing to do in the "
                                           "day-by-day table"),
)
"""Every pair of colours the theme's stylesheets (``templates/css/``) print text in. A new
rule that sets text of a brand colour on a brand colour belongs here."""


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
    except CircularReferenceError as error:
        raise InputError([source.problem(
            ("color", "palette"), "the palette names colours in a circle "
            f"({' -> '.join(map(str, error.seen))}): give each "
            "palette entry a colour such as '#1f4e79', or the name of an entry that has one")
        ]) from None
    return brand, source


class _ThemeBuilder:
    """Reads a clinic brand over the default brand, collecting every problem."""

    def __init__(self, root: Path, default: tuple[Brand, SourceFile],
                 clinic: tuple[Brand, SourceFile] | None) -> None:
        self.root = root.resolve()
        self.layers = [default] if clinic is None else [clinic, default]
        self.problems: list[Problem] = []
        self.rgb: dict[str, contrast.RGB] = {}
        """The channels of each usable colour role, and of ``HEADINGS``."""
        self.paths: dict[str, tuple[str, ...]] = {}
        """Where each of them is set."""
        self.palette_rgb: dict[tuple[int, str], contrast.RGB] = {}
        """The channels of each usable palette entry, by (id of its file, name)."""

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
        self._contrast(theme)
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

    def _layer(self, path: tuple[str, ...]) -> SourceFile:
        """The file that sets the value at ``path``: the clinic's brand, else the theme's."""
        for brand, layer_source in self.layers:
            value: object = brand
            for part in path:
                value = getattr(value, part, None)
            if value is not None:
                return layer_source
        return self.layers[-1][1]

    def _problem(self, path: tuple[str, ...], message: str, value: str | None = None) -> None:
        """Note a problem in the file that set the value at ``path``."""
        self.problems.append(self._layer(path).problem(path, message, value=value))

    def _colour(self, source: SourceFile, path: KeyPath, value: object) -> contrast.RGB | None:
        """The channels of a colour the brand gives, or None after noting why it is none."""
        try:
            return parse_colour(str(value))
        except NotAColour as error:
            self.problems.append(source.problem(
                path, f"{error}. Give {EXAMPLE}, a colour name such as 'navy', or the name of "
                      "an entry of color.palette", value=str(value),
                allowed=(EXAMPLE, "a palette name")))
            return None

    def _colors(self) -> dict[str, str]:
        """Every colour role as given (for CSS). Every palette entry and role of each file
        that is not a usable colour is a problem, used or not; the channels of each role the
        theme uses go to ``self.rgb``."""
        layer_rgb: dict[tuple[int, str], contrast.RGB] = {}
        for brand, source in self.layers:
            palette = getattr(brand.color, "palette", None) or {}
            for name, value in palette.items():
                channels = self._colour(source, ("color", "palette", name), value)
                if channels is not None:
                    self.palette_rgb[id(source), name] = channels
            for role in COLOR_ROLES:
                path = ("color", role)
                value = getattr(brand.color, role, None)
                if value is None:
                    continue
                named = _palette_name(source, path)
                if named is not None:  # the palette entry was checked on its own line
                    channels = self.palette_rgb.get((id(source), named))
                else:
                    channels = self._colour(source, path, value)
                if channels is not None:
                    layer_rgb[id(source), role] = channels
        colors: dict[str, str] = {}
        for role in COLOR_ROLES:
            path = ("color", role)
            value = self._pick(path)
            channels = layer_rgb.get((id(self._layer(path)), role))
            if value is None or channels is None:
                continue
            colors[role] = str(value)
            self.rgb[role] = channels
            self.paths[role] = path
        return colors

    def _heading_color(self, colors: dict[str, str]) -> str:
        path = ("typography", "headings", "color")
        value = self._pick(path)
        if value is None:
            role = "primary" if "primary" in colors else "foreground"
            if role in self.rgb:
                self.rgb[HEADINGS], self.paths[HEADINGS] = self.rgb[role], ("color", role)
            return colors.get(role, "#000000")
        source = self._layer(path)
        written = _written(source, path)
        text = colors.get(str(value), str(value))
        where: tuple[str, ...] = path
        if written in COLOR_ROLES:  # a role: checked on its own line, and blamed there
            where = ("color", str(written))
            channels = self.rgb.get(str(written))
        elif (named := _palette_name(source, path)) is not None:
            channels = self.palette_rgb.get((id(source), named))
        else:
            channels = self._colour(source, path, text)
        if channels is not None:
            self.rgb[HEADINGS], self.paths[HEADINGS] = channels, where
        return text

    def _contrast(self, theme: Theme) -> None:
        """Every pair of :data:`CONTRAST_PAIRS` has the contrast its text needs (WCAG 2.x).

        A failing pair is blamed on the colour that needs the smaller change: the darker one
        made darker or the lighter one lighter (never the white page). Each colour gets one
        problem, listing every pair it fails, with the nearest shade that passes them all.
        """
        base_points = float(theme.base_size.removesuffix("pt"))
        given = {**theme.colors, HEADINGS: theme.headings_color}
        failures: dict[tuple[tuple[str, ...], bool], list[tuple[str, contrast.RGB]]] = {}
        blamed: dict[tuple[tuple[str, ...], bool], str] = {}
        for pair in CONTRAST_PAIRS:
            text = self.rgb.get(pair.text)
            backdrop = WHITE if pair.backdrop == PAPER else self.rgb.get(pair.backdrop)
            if text is None or backdrop is None:
                continue
            weight = theme.headings_weight if pair.weight == HEADINGS else int(pair.weight)
            needed = contrast.minimum(base_points * pair.size, weight)
            ratio = contrast.ratio(text, backdrop)
            if ratio >= needed:
                continue
            roles = {pair.text: text, pair.backdrop: backdrop}
            darker, lighter = sorted(roles, key=lambda role: contrast.luminance(roles[role]))
            options = [(role, darken, shade) for role, darken, shade in (
                (darker, True, contrast.darker_shade(roles[darker], roles[lighter], needed)),
                (lighter, False, contrast.lighter_shade(roles[lighter], roles[darker], needed)))
                if role != PAPER and shade is not None]
            if options:
                role, darken, shade = min(options, key=lambda option: _distance(
                    roles[option[0]], option[2]))
            else:  # no shade of either will do: the text's colour must change
                role, darken, shade = pair.text, True, None
            other = lighter if role == darker else darker
            place = "the white page" if other == PAPER else self._described(other, given)
            relation = "on" if role == pair.text else "under text in"
            key = (self.paths[role], darken)
            blamed[key] = role
            failures.setdefault(key, []).append(
                (f"{relation} {place}, {contrast.shown(ratio, needed)} where {needed:g}:1 is "
                 f"needed, for {pair.where}",
                 shade if shade is not None else (-1.0, -1.0, -1.0)))
        for (path, darken), found in failures.items():
            role = blamed[path, darken]
            shades = [shade for _text, shade in found]
            if any(shade[0] < 0 for shade in shades):
                advice = "No shade of it is enough: choose other colours for this pair"
            else:
                nearest = (min if darken else max)(shades, key=contrast.luminance)
                advice = (f"Use a {'darker' if darken else 'lighter'} colour, such as "
                          f"{contrast.hex_colour(nearest)}, the nearest "
                          f"{'darker' if darken else 'lighter'} shade that passes every use")
            self._problem(path, f"{self._described(role, given)} is too "
                                f"{'pale' if darken else 'dark'}: printed text would be hard "
                                f"to read (WCAG 2.x contrast: text of body size needs "
                                f"{contrast.BODY_MINIMUM:g}:1, large headings "
                                f"{contrast.LARGE_MINIMUM:g}:1): "
                                + "; ".join(text for text, _shade in found) + f". {advice}",
                          value=given[role])

    def _described(self, role: str, given: dict[str, str]) -> str:
        """A colour as the brand file has it: ``color.primary #12355B``."""
        described = f"{format_key(self.paths[role])} {given[role]}"
        if role == HEADINGS and self.paths[role][0] == "color":  # headings in a role's colour
            described += " (the headings' colour)"
        return described

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
        if points > MAX_BODY_POINTS:
            self._problem(path, f"'{value}' is {points:.3g}pt: body text of more than "
                                f"{MAX_BODY_POINTS:g}pt does not fit the pages (a page holds "
                                "few words and tables run over). Use 12pt to 16pt")
        elif points < MIN_BODY_POINTS - 0.01:
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
                reason = font_problem(self.root / relative)
                if reason is not None:
                    self.problems.append(source.problem(
                        where, f"{relative}: {reason}. Replace it with a good copy of the font "
                               "file (download it again from where the font came from)",
                        value=relative, allowed=("a TrueType, OpenType or WOFF font file",)))
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
        """The project-relative path of an existing file, or None after noting a problem.

        A link is followed: the file it leads to is the one used, and must be in the project.
        """
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            given = source.value_at(where)
            if path.is_symlink() or any(parent.is_symlink() for parent in path.parents):
                self.problems.append(source.problem(
                    where, f"'{given}' links to {resolved}, which is outside the project: "
                           "copy the file itself into the clinic's folder", value=str(resolved)))
            else:
                self.problems.append(source.problem(
                    where, f"'{given}' is outside the project: copy the file into the "
                           "clinic's folder"))
            return None
        home = (self.root / source.name).parent  # the folder of the _brand.yml naming it
        if not resolved.is_relative_to(home):
            given = source.value_at(where)
            self.problems.append(source.problem(
                where, f"'{given}' is {resolved.relative_to(self.root).as_posix()}, outside "
                       f"{home.relative_to(self.root).as_posix()}/: a brand may use its own "
                       "folder's files only; copy the file into it"))
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
                reason = image_problem(self.root / relative)
                if reason is not None:
                    self.problems.append(source.problem(
                        where, f"{relative}: {reason}", value=relative,
                        allowed=("an SVG, PNG, JPEG, GIF or WebP file",)))
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


def build_theme(root: Path, default: tuple[Brand, SourceFile],
                clinic: tuple[Brand, SourceFile] | None) -> Theme:
    """Combine a clinic's brand with the theme's default brand into a :class:`Theme`."""
    return _ThemeBuilder(root, default, clinic).build()


def _distance(first: contrast.RGB, second: contrast.RGB) -> float:
    """How far apart two colours are: their largest difference of one channel."""
    return max(abs(a - b) for a, b in zip(first, second, strict=True))


def _written(source: SourceFile, path: KeyPath) -> object:
    """The value at ``path`` as the file has it (before brand-yml resolves palette names)."""
    data: object = source.data
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _palette_name(source: SourceFile, path: KeyPath) -> str | None:
    """The palette entry the value at ``path`` names in its own file, if it names one."""
    written = _written(source, path)
    palette = _written(source, ("color", "palette"))
    if isinstance(written, str) and isinstance(palette, dict) and written in palette:
        return written
    return None


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
