"""Find the project, load and validate every input once, and cross-check the ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brand_yml import Brand

from .errors import InputError, Location, Problem, ProjectNotFound
from .models.brand import BRAND_FILE, Theme, build_theme, load_brand
from .models.clinic import Clinic
from .models.content import Content
from .scoping import (
    content_for,
    missing_for,
    scope_problems,
    treatment_of,
    unusable_message,
    usable,
)
from .source import KeyPath, SourceFile, format_key, load_yaml
from .validation import validate

CONTENT_FILE = "content.yaml"
CLINICS_DIR = "clinics"
CLINIC_FILE = "clinic.yaml"
MISNAMED_CLINIC_FILE = "clinic.yml"
TEMPLATES_DIR = "templates"


@dataclass(frozen=True)
class ClinicSite:
    """A clinic folder, loaded and checked: its settings, its look, where it lives."""

    slug: str
    directory: Path
    clinic: Clinic
    theme: Theme
    source: SourceFile

    @property
    def templates(self) -> Path:
        return self.directory / TEMPLATES_DIR


@dataclass
class Project:
    """Everything the commands need, validated once.

    ``clinics`` holds the clinics that loaded; ``broken`` the problems of those
    that did not, so that one bad clinic does not stop the others.
    """

    root: Path
    content: Content
    content_source: SourceFile
    clinics: dict[str, ClinicSite]
    broken: dict[str, InputError] = field(default_factory=dict)

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES_DIR

    def template_folders(self, site: ClinicSite) -> list[Path]:
        """Where a clinic's templates are looked up: its own folder first, then the theme."""
        return [site.templates, self.templates]

    @property
    def slugs(self) -> list[str]:
        """Every clinic folder, loaded or not, in a stable order."""
        return sorted({*self.clinics, *self.broken})


def find_root(directory: Path) -> Path:
    """Return ``directory`` if it holds a project, else raise :class:`ProjectNotFound`."""
    root = directory.resolve()
    if not (root / CONTENT_FILE).is_file():
        raise ProjectNotFound(f"{root} has no {CONTENT_FILE}: run the command in the project "
                              "folder or pass --project DIR")
    return root


def load_project(directory: Path) -> Project:
    """Load content.yaml and every clinic folder under ``directory``.

    Raises :class:`InputError` when the shared content or the theme is invalid;
    problems of single clinics are kept in ``Project.broken``.
    """
    root = find_root(directory)
    shared: list[Problem] = []
    content = content_source = default_brand = None
    try:
        content_source = load_yaml(root / CONTENT_FILE, root)
        content = validate(Content, content_source)
        shared.extend(_content_problems(content, content_source)
                      or scope_problems(content, content_source))
    except InputError as error:
        shared.extend(error.problems)
    try:
        default_brand = load_brand(root / TEMPLATES_DIR / BRAND_FILE, root)
    except InputError as error:
        shared.extend(error.problems)
    clinics: dict[str, ClinicSite] = {}
    broken: dict[str, InputError] = {}
    for directory in _clinic_dirs(root):
        try:
            clinics[directory.name] = _load_clinic(root, directory, content, default_brand,
                                                   whole=not shared)
        except InputError as error:
            broken[directory.name] = error
    if shared:  # nothing can be built: report the clinics' problems too, all at once
        raise InputError(shared + [problem for error in broken.values()
                                   for problem in error.problems])
    if not clinics and not broken:
        raise ProjectNotFound(f"{root / CLINICS_DIR} has no clinic folders with a {CLINIC_FILE}")
    assert content is not None and content_source is not None
    return Project(root, content, content_source, clinics, broken)


def _clinic_dirs(root: Path) -> Iterator[Path]:
    folder = root / CLINICS_DIR
    if folder.is_dir():
        for directory in sorted(folder.iterdir()):
            if directory.is_dir() and ((directory / CLINIC_FILE).is_file()
                                       or (directory / MISNAMED_CLINIC_FILE).is_file()):
                yield directory


def _folder_problem(root: Path, directory: Path) -> Problem | None:
    """A clinic folder that leads out of the project, or whose settings file is misnamed."""
    name = directory.relative_to(root).as_posix()  # as listed, before following a link
    if not directory.resolve().is_relative_to(root):
        return Problem(Location(name), "", f"the folder is a link to {directory.resolve()}, "
                       "outside the project: copy the clinic's folder into clinics/ instead",
                       value=str(directory.resolve()))
    if not (directory / CLINIC_FILE).is_file():
        return Problem(Location(f"{name}/{MISNAMED_CLINIC_FILE}"), "",
                       f"the settings file must be called {CLINIC_FILE}: rename it",
                       value=MISNAMED_CLINIC_FILE, allowed=(CLINIC_FILE,))
    return None


def _load_clinic(root: Path, directory: Path, content: Content | None,
                 default_brand: tuple[Brand, SourceFile] | None, whole: bool) -> ClinicSite:
    unusable = _folder_problem(root, directory)
    if unusable is not None:
        raise InputError([unusable])
    problems: list[Problem] = []
    source = load_yaml(directory / CLINIC_FILE, root)
    clinic = None
    try:
        clinic = validate(Clinic, source)
    except InputError as error:
        problems.extend(error.problems)
    brand_path = directory / BRAND_FILE
    theme = None
    try:
        brand = load_brand(brand_path, root) if brand_path.is_file() else None
        if default_brand is not None:
            theme = build_theme(root, default_brand, brand)
    except InputError as error:
        problems.extend(error.problems)
    if clinic is not None and content is not None:
        problems.extend(_clinic_problems(clinic, source, content, whole))
    if problems or clinic is None or theme is None:  # no theme: the default brand is broken
        raise InputError(problems)
    return ClinicSite(directory.name, directory, clinic, theme, source)


def _clinic_problems(clinic: Clinic, source: SourceFile, content: Content, whole: bool,
                     ) -> list[Problem]:
    """What is wrong with a clinic given the content; with ``whole`` (the content has no
    problem of its own), also the parts its documents would lack."""
    problems = []
    protocol = content.protocols.get(clinic.protocol)
    if protocol is None:
        problems.append(_unknown(source, ("protocol",), "protocol", clinic.protocol,
                                 content.protocols))
    elif len(clinic.overrides.phases) > len(protocol.phases):
        problems.append(source.problem(
            ("overrides", "phases"), f"protocol '{clinic.protocol}' has "
            f"{len(protocol.phases)} phases; {len(clinic.overrides.phases)} overrides given",
            value=f"{len(clinic.overrides.phases)} phases",
            allowed=(f"at most {len(protocol.phases)} phases",)))
    for index, name in enumerate(clinic.overrides.ingredients or []):
        if name not in content.ingredients:
            problems.append(_unknown(source, ("overrides", "ingredients", index), "ingredient",
                                     name, content.ingredients))
        elif protocol is not None and not usable(content.ingredients[name], protocol):
            problems.append(source.problem(("overrides", "ingredients", index),
                                           unusable_message(content, name, protocol),
                                           value=name))
    for index, language in enumerate(clinic.languages):
        if language != content.meta.language:
            problems.append(source.problem(("languages", index),
                                           f"no content in language '{language}' "
                                           f"(content.yaml is in '{content.meta.language}')",
                                           value=language, allowed=(content.meta.language,)))
    if protocol is not None and protocol.without_numbing is None and clinic.numbing is None:
        problems.append(source.problem(
            ("numbing",), f"protocol '{clinic.protocol}' numbs the scalp before each session: "
            "set numbing.product (e.g. 'EMLA cream (lidocaine and prilocaine)') and "
            "numbing.wait (how long it must work, as its product information says, e.g. "
            "'1 hour')", value=""))
    if protocol is not None and not problems and whole:
        effective, treatment = treatment_of(content, clinic)
        for path in content_for(content, treatment, effective)[1]:
            where = ("overrides", "ingredients") if clinic.overrides.ingredients else ("numbing",)
            problems.append(source.problem(where, f"content.yaml {format_key(path)}: "
                                                  f"{missing_for(clinic.protocol)}",
                                           "scope.missing", value=clinic.protocol))
    return problems


def _content_problems(content: Content, source: SourceFile) -> list[Problem]:
    """Every id that is cited but not defined."""
    targets: dict[str, dict[str, Any]] = {
        "sources": content.sources, "protocols": content.protocols,
        "ingredients": content.ingredients}
    problems = []
    for path, kind, ids in _references(source.data, ()):
        for index, name in enumerate(ids):
            if name not in targets[kind]:
                problems.append(_unknown(source, (*path, index), kind.removesuffix("s"), name,
                                         targets[kind]))
    return problems


def _references(data: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str, list[str]]]:
    """Yield (path, kind, ids) for each list of ids below the top level of ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, key)
            if path and key in ("sources", "protocols", "ingredients") and isinstance(value, list):
                yield child, key, [str(item) for item in value]
            else:
                yield from _references(value, child)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _references(item, (*path, index))


def _unknown(source: SourceFile, path: KeyPath, kind: str, name: str, known: dict[str, Any]
             ) -> Problem:
    return source.problem(path, f"unknown {kind} id '{name}'; defined ids: "
                                f"{', '.join(sorted(known))}", value=name,
                          allowed=tuple(sorted(known)))
