"""Print one job: HTML to PDF (or the HTML itself), checked against its page limit, written
atomically. Every failure becomes the job's :class:`Outcome`; nothing here raises."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.consent import consent_problems
from ..checks.document import source_files, source_index
from ..documents.context import MAX_PAGES
from ..documents.html import HtmlRenderer
from ..errors import (
    BrochureError,
    LayoutOverflow,
    Location,
    MissingCharacters,
    os_reason,
    relative_name,
    shorten,
)
from ..files import write_atomic
from ..project import Project
from ..request import DocumentRequest, Job
from .outcome import Outcome, OutputFormat

if TYPE_CHECKING:
    from ..pdf.render import FontConfigs

_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass(frozen=True)
class Task:
    """A job to print, its inputs' fingerprint and, in a release, the HTML that was checked."""

    job: Job
    inputs: str
    html: str | None = None


class Printer:
    """Prints the tasks of one project into ``out``; owns this process's font configurations.

    WeasyPrint is imported on the first PDF, not before: a build that finds every
    document up to date, or writes HTML, never pays for it.
    """

    def __init__(self, project: Project, out: Path, output_format: OutputFormat) -> None:
        self.project = project
        self.out = out
        self.output_format = output_format
        self._html = HtmlRenderer()
        self._fonts: FontConfigs | None = None

    def print(self, task: Task) -> Outcome:
        """Render ``task`` and write its file atomically; a failure is returned, not raised."""
        started = time.perf_counter()
        job = task.job
        path = self.out / job.filename(self.output_format)
        request = DocumentRequest(self.project, self.project.clinics[job.slug], job.document,
                                  job.language, task.inputs)
        gaps = (consent_problems(self.project, request.site) if job.document == "consent"
                else [])
        if gaps:
            return Outcome(job, inputs=task.inputs, error="the consent form is incomplete:\n" +
                           "\n".join(f"    {gap}" for gap in gaps))
        pages = None
        try:
            html = task.html if task.html is not None else self._html.render(request)
            if self.output_format == "html":
                data = with_base(html, path.parent, self.project.root).encode("utf-8")
            else:
                data, pages = self._pdf(request, html)
            write_atomic(path, data)
        except LayoutOverflow as error:
            return Outcome(job, inputs=task.inputs, error=_overflow_message(request, error))
        except MissingCharacters as error:
            places = [f"{place}" for character in error.characters[:8]
                      if (place := _first_use(request, character)) is not None]
            where = f" (first written at {', '.join(dict.fromkeys(places))})" if places else ""
            return Outcome(job, inputs=task.inputs, error=error.format_message() + where)
        except BrochureError as error:
            return Outcome(job, inputs=task.inputs, error=error.format_message())
        except OSError as error:
            return Outcome(job, inputs=task.inputs, error=f"cannot write {path}: "
                           f"{os_reason(error)}; the earlier file is kept")
        except Exception:  # a fault of ours must fail this document, not the build
            logging.getLogger(__name__).exception("unexpected fault printing %s", job)
            return Outcome(job, inputs=task.inputs, error=(
                "an unexpected fault in brochure itself stopped this document; the earlier "
                "file is kept. Please report it, with the input files"))
        return Outcome(job, path, len(data), pages, hashlib.sha256(data).hexdigest(),
                       task.inputs, seconds=time.perf_counter() - started)

    def _pdf(self, request: DocumentRequest, html: str) -> tuple[bytes, int]:
        """The PDF and its page count; a document over its page limit is set once more with
        tighter spacing (the same text and type), and refused if it still runs over."""
        data, pages = self._render(request, html)
        limit = MAX_PAGES.get(request.document)
        if limit is None or pages <= limit:
            return data, pages
        data, pages = self._render(request, self._html.render(request, compact=True))
        if pages > limit:
            raise BrochureError(
                f"the {request.document} sheet must fit on {limit} page, and even with "
                f"tighter spacing it takes {pages}: shorten its steps in content.yaml or the "
                "clinic's hours and out-of-hours text; the earlier file is kept")
        return data, pages

    def _render(self, request: DocumentRequest, html: str) -> tuple[bytes, int]:
        from ..pdf.render import FontConfigs, render_pdf  # WeasyPrint is slow to import

        if self._fonts is None:
            self._fonts = FontConfigs()
        site = request.site
        return render_pdf(html, self.project.root, site.theme, request.control.effective,
                          self._fonts, [site.directory, self.project.templates])

    def close(self) -> None:
        """Free the font configurations (before the interpreter unloads Pango)."""
        if self._fonts is not None:
            self._fonts.close()


def _overflow_message(request: DocumentRequest, error: LayoutOverflow) -> str:
    """Each text that does not fit, with its pages and the file and line it was written at."""
    index = source_index(request.project, request.site)
    fallback = Location(f"templates/{request.document}.html")
    pages: dict[tuple[str, str], list[int]] = {}
    for page, text, where in error.overflows:
        pages.setdefault((text, where), []).append(page)
    lines = [f"{index.locate(text, fallback)}: \"{shorten(text, 60)}\" runs out of {where} "
             f"on page{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
             for (text, where), numbers in pages.items()]
    return ("text does not fit; shorten it, or break a long word or address with spaces; "
            "the earlier file is kept:\n" + "\n".join(f"    {line}" for line in lines[:8]))


def _first_use(request: DocumentRequest, character: str) -> Location | None:
    """Where ``character`` is first written in the files the document is made from."""
    project = request.project
    for path in source_files(project, request.site):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            column = line.find(character)
            if column >= 0:
                return Location(relative_name(path, project.root), number, column + 1)
    return None


def with_base(html: str, folder: Path, root: Path) -> str:
    """``html`` with a ``<base>`` so that its project-relative assets resolve from ``folder``."""
    target = os.path.relpath(root.resolve(), folder.resolve()).replace(os.sep, "/")
    base = f'<base href="{html_escape(target.rstrip("/"))}/">'
    return _HEAD.sub(lambda match: f"{match.group(0)}\n{base}", html, count=1)
