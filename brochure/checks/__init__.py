"""``brochure check``: everything that must hold before documents go to patients."""

from __future__ import annotations

from collections.abc import Iterable

from ..build.plan import Job
from ..errors import InputError, Location, Problem, RenderError
from ..project import Project
from .consent import consent_problems
from .document import check_document, source_index
from .findings import CheckReport, Finding
from .wording import WordLists


def check_project(project: Project, slugs: Iterable[str]) -> CheckReport:
    """Check the given clinics: valid input, complete consent forms, then every document."""
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
                try:
                    score, findings = check_document(project, site, document, language,
                                                     lists, index)
                except RenderError as error:
                    report.findings.append(Finding(
                        Location(f"templates/{document}.html"), "render.failed", str(error),
                        clinic=slug, document=f"{document}.{language}"))
                    continue
                report.scores.append(score)
                report.findings.extend(findings)
    report.findings.sort(key=Finding.sort_key)
    return report


def input_report(error: InputError) -> CheckReport:
    """The report of a project whose shared files are invalid: nothing else can be checked."""
    return CheckReport([Finding.from_problem(problem, "input.invalid")
                        for problem in error.problems])


def draft_problems(project: Project, jobs: Iterable[Job]) -> list[Problem]:
    """One problem per document of ``jobs`` that is still a draft: a release refuses them."""
    problems = []
    for job in sorted(set(jobs)):
        site = project.clinics[job.slug]
        control = site.clinic.documents[job.document]
        if control.status == "draft":
            problems.append(site.source.problem(
                ("documents", job.document, "status"),
                f"[{job.slug}] {control.id} ({job.document}) is a draft; a release needs "
                "every document approved (status: approved, approved_by)"))
    return problems
