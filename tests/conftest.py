"""Shared fixtures and helpers: project copies, the CLI, and reading PDFs.

The shipped example project is copied and built once per session (``shipped``);
tests that need a changed project copy it with :func:`copy_project` and build
only the clinic and document they look at.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from brochure.cli import main
from brochure.digests import DigestCache
from brochure.project import Project, load_project
from brochure.request import DocumentRequest, Job
from brochure.theme import markdown_inline

REPO = Path(__file__).resolve().parent.parent
"""The repository: only ever read, never written."""

CLINICS = ("harbor-hair-clinic", "lumen-dermatology")
DOCUMENTS = ("aftercare", "brochure", "consent")
PAIRS = [(slug, document) for slug in CLINICS for document in DOCUMENTS]
"""Every shipped document, as (clinic, document kind)."""
"""Every document a clinic builds, in the order of their file names."""
PAPER_POINTS = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
"""Page sizes in PDF points, as the print shop expects them."""


# --- the project and the command line ---------------------------------------------------------


def copy_project(destination: Path) -> Path:
    """Copy content.yaml, clinics/ and templates/ of the repository into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "content.yaml", destination / "content.yaml")
    for folder in ("clinics", "templates"):
        shutil.copytree(REPO / folder, destination / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "output"))
    return destination


@dataclass(frozen=True)
class CliResult:
    """What one run of the ``brochure`` command did."""

    exit_code: int
    stdout: str
    stderr: str
    output: str
    """stdout and stderr as a terminal shows them."""
    crash: str | None
    """The traceback of an exception the command did not handle, else None."""


def request_for(project: Project, slug: str, document: str, language: str = "en"
                ) -> DocumentRequest:
    """The request a build makes for one document, its inputs fingerprinted afresh."""
    return DocumentRequest.for_job(project, Job(slug, document, language),  # type: ignore[arg-type]
                                   DigestCache())


def run_cli(*args: str | Path) -> CliResult:
    """Run ``brochure ARGS`` in this process and return its exit code and output."""
    result = CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=True)
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = "".join(traceback.format_exception(result.exception))
    return CliResult(result.exit_code, result.stdout, result.stderr, result.output, crash)


def build(root: Path, *args: str | Path) -> CliResult:
    """``brochure build --project ROOT ARGS``."""
    return run_cli("build", "--project", root, *args)


def edit(path: Path, pattern: str, replacement: str) -> int:
    """Replace the first match of the regex ``pattern`` (multi-line mode) in ``path``.

    Returns the 1-based line where the match started, so that tests can
    compute the line an error must point at instead of guessing it.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"test set-up: {pattern!r} not found in {path}"
    path.write_text(text[: match.start()] + match.expand(replacement) + text[match.end():],
                    encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


def line_of(path: Path, pattern: str) -> int:
    """The 1-based line of the first match of the regex ``pattern`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"test set-up: {pattern!r} not found in {path}"
    return text.count("\n", 0, match.start()) + 1


def delete_key(path: Path, pattern: str, after: str | None = None) -> int:
    """Delete the first YAML line matching the regex ``pattern`` (below the first line
    matching ``after``, if given) and the lines of its value (those indented deeper).

    Returns the 1-based line the key was on.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    begin = 0
    if after is not None:
        begin = next((index for index, line in enumerate(lines) if re.search(after, line)), -1)
        assert begin >= 0, f"test set-up: {after!r} not found in {path}"
    start = next((index for index in range(begin, len(lines))
                  if re.search(pattern, lines[index])), -1)
    assert start >= 0, f"test set-up: {pattern!r} not found in {path}"

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    end = start + 1
    while end < len(lines) and (not lines[end].strip()
                                or indent(lines[end]) > indent(lines[start])):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    return start + 1


def override_template(root: Path, slug: str, name: str, text: str) -> Path:
    """Write ``clinics/<slug>/templates/<name>`` in the project at ``root``."""
    path = root / "clinics" / slug / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def minimal_brochure(body: str) -> str:
    """A brochure template that renders fast: the theme's page set-up and ``body``."""
    return '{% extends "base.html" %}{% block body %}<p>Test page</p>' + body + "{% endblock %}"


# --- reading PDFs ----------------------------------------------------------------------------

_SQUASH = re.compile(r"[\s\-\u00ad\u2010\u2011]+")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """``text`` without whitespace and hyphens, to search across line breaks and hyphenation.

    The en dash of ranges (as in 2 to 3 months) is kept: it is part of what is printed.
    """
    return _SQUASH.sub("", text)


def contains(text: str, needle: str, ignore_case: bool = False) -> bool:
    """Whether ``needle`` appears in ``text`` wherever lines were broken or hyphenated."""
    haystack, wanted = squash(text), squash(needle)
    if ignore_case:
        haystack, wanted = haystack.casefold(), wanted.casefold()
    return wanted in haystack


def printed(markdown: str) -> str:
    """A content string as a reader sees it: its inline Markdown rendered, tags dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(markdown_inline(markdown))))


def pdf_text(path: Path) -> str:
    """The text of every page, whitespace collapsed."""
    status = path.stat()
    return _pdf_text(str(path), status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=32)
def _pdf_text(path: str, mtime: int, size: int) -> str:
    reader = PdfReader(path)
    return normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def outline_titles(path: Path) -> list[str]:
    """Every bookmark title of the PDF, depth first, whitespace collapsed."""
    titles: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(normalise(str(item.title)))

    walk(PdfReader(path).outline)
    return titles


def iter_fonts(path: Path) -> Iterator[DictionaryObject]:
    """Every font dictionary used by the pages, their form XObjects and annotations."""
    reader = PdfReader(path)
    seen: set[int] = set()

    def from_resources(resources: object) -> Iterator[DictionaryObject]:
        if resources is None:
            return
        resources = resources.get_object()  # type: ignore[attr-defined]
        for font in (resources.get("/Font") or {}).values():
            yield font.get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            if isinstance(xobject, IndirectObject):
                if xobject.idnum in seen:
                    continue
                seen.add(xobject.idnum)
            xobject = xobject.get_object()
            yield from from_resources(xobject.get("/Resources"))

    for page in reader.pages:
        yield from from_resources(page.get("/Resources"))
        for annotation in page.get("/Annots") or []:
            appearances = annotation.get_object().get("/AP") or {}
            for stream in appearances.values():
                stream = stream.get_object()
                if isinstance(stream, DictionaryObject) and "/Resources" in stream:
                    yield from from_resources(stream["/Resources"])
                elif isinstance(stream, DictionaryObject):  # states: /On, /Off...
                    for state in stream.values():
                        yield from from_resources(state.get_object().get("/Resources"))


def font_is_embedded(font: DictionaryObject) -> bool:
    """Whether the font program is inside the PDF (Type 3 glyphs always are)."""
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def font_name(font: DictionaryObject) -> str:
    """The /BaseFont without the subset tag: ``ABCDEF+Open-Sans-Bold`` -> ``Open-Sans-Bold``."""
    return re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "")).lstrip("/"))


def compact(name: str) -> str:
    """A family or font name without spaces, hyphens and case, to compare PDF and CSS names."""
    return re.sub(r"[\s\-_]+", "", name).casefold()


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) of every page's media box, in points."""
    return [(float(page.mediabox.width), float(page.mediabox.height))
            for page in PdfReader(path).pages]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``#12355B`` (or ``#135``) as an (r, g, b) tuple."""
    value = colour.lstrip("#")
    if len(value) in (3, 4):
        value = "".join(digit * 2 for digit in value[:3])
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def dominant_colour(path: Path, page: int = 0) -> tuple[int, int, int]:
    """The most common colour of a rendered page, leaving out white and near-white tints."""
    document = pdfium.PdfDocument(str(path))
    try:
        image = document[page].render(scale=0.5).to_pil().convert("RGB")
    finally:
        document.close()
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    coloured = [(count, rgb) for count, rgb in colours if min(rgb) < 235]
    assert coloured, f"page {page + 1} of {path} is blank"
    return max(coloured)[1]


def colour_distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """The largest difference of one channel."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


# --- the shipped project, built once ---------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """The shipped project copied to a temporary folder and built with ``brochure build``."""

    root: Path
    result: CliResult
    finished: float
    """time.time() when the build ended."""

    @property
    def out(self) -> Path:
        return self.root / "output"

    def pdf(self, slug: str, document: str = "brochure") -> Path:
        return self.out / slug / f"{document}.en.pdf"


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Both shipped clinics, every document, built once for the whole session."""
    root = copy_project(tmp_path_factory.mktemp("shipped"))
    result = build(root)
    return Built(root, result, time.time())


@pytest.fixture(scope="session")
def shipped_project(shipped: Built) -> Project:
    """The models of the shipped project, as the build read them."""
    return load_project(shipped.root)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the shipped project that the test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def built_project(shipped: Built, tmp_path: Path) -> Path:
    """A copy of the shipped project together with its built output/: a first build, done."""
    root = tmp_path / "project"
    shutil.copytree(shipped.root, root)  # copy2: mtimes kept, the manifest stays true
    return root
