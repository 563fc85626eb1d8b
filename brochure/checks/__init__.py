"""``brochure check``: everything that must hold before documents go to patients."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..digests import DigestCache
from ..documents.html import HtmlRenderer
from ..errors import InputError, Location, RenderError, relative_name
from ..project import Project
from ..request import DocumentRequest, Job
from .consent import consent_problems
from .document import check_document, source_index
from .findings import CheckReport, Finding
from .wording import WordLists

Render = Callable[[DocumentRequest], str]
"""Turns a request into the HTML that is printed; a release passes one that keeps it."""


def check_project(project: Project, slugs: Iterable[str], digests: DigestCache | None = None,
                  render: Render | None = None) -> CheckReport:
    """Check the given clinics: valid input, complete consent forms, then every document,
    each read from the HTML ``render`` gives for it (by default, a new renderer's)."""
    digests = digests or DigestCache()
    render = render or HtmlRenderer().render
    report = CheckReport()
    lists = WordLists.for_content(project.content.wording)
    for slug in slugs:
        if slug in project.broken:
            report.findings.extend(Finding.from_problem(problem, "input.invalid", slug)
                                   for problem in project.broken[slug].problems)
            continue
        site = project.clinics[slug]
        documents = list(site.clinic.documents)
        gaps = consent_problems(project, site) if "consent" in documents else []
        if gaps:  # an incomplete form is not built, so its text is not read either
            report.findings.extend(Finding.from_problem(gap, "consent.element", slug)
                                   for gap in gaps)
            documents.remove("consent")
        index = source_index(project, site)
        for document in documents:
            for language in site.clinic.languages:
                request = DocumentRequest.for_job(project, Job(slug, document, language),
                                                  digests)
                try:
                    score, findings = check_document(request, render(request), lists, index)
                except RenderError as error:
                    report.findings.append(Finding(
                        Location(relative_name(request.template, project.root)), "render.failed",
                        error.format_message(), clinic=slug, document=f"{document}.{language}"))
                    continue
                report.scores.append(score)
                report.findings.extend(findings)
    report.findings.sort(key=Finding.sort_key)
    return report


def input_report(error: InputError) -> CheckReport:
    """The report of a project whose shared files are invalid: nothing else can be checked."""
    return CheckReport([Finding.from_problem(problem, "input.invalid")
                        for problem in error.problems])
