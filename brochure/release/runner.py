"""Run a build: plan the jobs, skip what is up to date, print the rest, keep the manifest.

A document is printed again only when the fingerprint of its inputs differs from
the one the manifest recorded for its file (or the file changed since): a no-op
build reads files and hashes, and never imports WeasyPrint. A release first
renders and checks every document of the chosen clinics, and then prints the very
HTML it checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..checks import check_project
from ..digests import DIGEST_CACHE_FILE, DigestCache
from ..documents.html import HtmlRenderer
from ..errors import OutputError, ReleaseRefused, os_reason
from ..project import Project
from ..request import DocumentRequest, Job, input_digest
from .jobs import draft_problems, in_shard, plan_jobs
from .lock import output_lock
from .manifest import MANIFEST_FILE, Entry, file_sha256, read_manifest, write_manifest
from .outcome import BuildOptions, BuildReport, Outcome, OutputFormat
from .render import Task
from .workers import print_all

DEFAULT_OPTIONS = BuildOptions()


def build(project: Project, out: Path, options: BuildOptions = DEFAULT_OPTIONS,
          on_outcome: Callable[[Outcome], None] = lambda outcome: None,
          on_plan: Callable[[int], None] = lambda count: None) -> BuildReport:
    """Build the chosen documents into ``out``; one failure does not stop the others.

    A release builds nothing unless every chosen clinic passes ``check`` and every
    chosen document is approved. ``on_plan`` hears how many jobs there are, and
    ``on_outcome`` hears of each as it ends; the report lists them in job order.
    """
    jobs, broken = plan_jobs(project, options.clinics, options.documents)
    if options.shard is not None:
        jobs = [job for job in jobs if in_shard(job, options.shard)]
    digests = DigestCache()  # a release hashes every input afresh
    checked = _checked_html(project, jobs, broken, digests) if options.release else {}
    report = BuildReport(broken={slug: project.broken[slug] for slug in broken})
    on_plan(len(jobs))
    with output_lock(out):
        if not options.release:
            digests = DigestCache.load(out / DIGEST_CACHE_FILE)
        manifest = read_manifest(out / MANIFEST_FILE)
        tasks: list[Task] = []
        for job in jobs:
            inputs = input_digest(project, project.clinics[job.slug], job, digests)
            current = _up_to_date(out, job, options.output_format, inputs, manifest)
            if current is not None and not options.force:
                report.outcomes.append(current)
                on_outcome(current)
            else:
                tasks.append(Task(job, inputs, checked.get(job)))
        try:
            for outcome in print_all(project, out, options.output_format, tasks, options.jobs):
                report.outcomes.append(outcome)
                on_outcome(outcome)
        finally:  # also after Ctrl-C: record the documents that were written
            report.outcomes.sort(key=lambda outcome: outcome.job)
            _update_manifest(project, out, manifest, report.outcomes)
            digests.save(out / DIGEST_CACHE_FILE)
    return report


def _checked_html(project: Project, jobs: list[Job], broken: list[str], digests: DigestCache
                  ) -> dict[Job, str]:
    """Render and check every document of the jobs' clinics; the HTML of each, by job.

    Raises :class:`ReleaseRefused` when a check finds an error or a document is a draft.
    """
    rendered: dict[Job, str] = {}
    renderer = HtmlRenderer()

    def render_and_keep(request: DocumentRequest) -> str:
        html = rendered[request.job] = renderer.render(request)
        return html

    slugs = sorted({job.slug for job in jobs} | set(broken))
    report = check_project(project, slugs, digests, render_and_keep)
    refused = [finding.as_problem() for finding in report.findings
               if finding.severity == "error"] + draft_problems(project, jobs)
    if refused:
        raise ReleaseRefused(refused)
    return rendered


def _up_to_date(out: Path, job: Job, output_format: OutputFormat, inputs: str,
                manifest: dict[str, Entry]) -> Outcome | None:
    """The outcome of ``job`` when its file is as the manifest recorded it, from these inputs."""
    name = job.filename(output_format)
    entry = manifest.get(name)
    path = out / name
    if entry is None or entry.inputs != inputs or not path.is_file():
        return None
    if path.stat().st_size != entry.bytes or file_sha256(path) != entry.sha256:
        return None
    return Outcome(job, path, entry.bytes, entry.pages, entry.sha256, inputs, skipped=True)


def _update_manifest(project: Project, out: Path, manifest: dict[str, Entry],
                     outcomes: Iterable[Outcome]) -> None:
    """Record what was built; keep the entries of files this build did not touch."""
    entries = dict(manifest)
    for outcome in outcomes:
        if outcome.error or outcome.path is None:
            continue
        job = outcome.job
        control = project.clinics[job.slug].clinic.documents[job.document]
        name = outcome.path.relative_to(out).as_posix()
        entries[name] = Entry(name, job.slug, job.document, job.language, control.version,
                              control.status, outcome.sha256 or "", outcome.size,
                              outcome.pages, outcome.inputs or "")
    kept = [entry for name, entry in entries.items() if (out / name).is_file()]
    try:
        write_manifest(out / MANIFEST_FILE, kept)
    except OSError as error:
        raise OutputError(f"cannot write {out / MANIFEST_FILE}: {os_reason(error)}") from None
