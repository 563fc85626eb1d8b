"""Run a build: skip what is up to date, render the rest (in parallel), keep the manifest.

A document is rendered again only when the digest of its inputs differs from
the one the manifest recorded for its file (or the file changed since): a
no-op build reads files and hashes, and never imports WeasyPrint. Rendering
runs in long-lived worker processes, each importing WeasyPrint once; the
output does not depend on how many there are.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Literal

from ..digests import DIGEST_CACHE_FILE, load_digests, save_digests
from ..errors import BrochureError, InputError
from ..project import Project
from .inputs import input_digest
from .lock import output_lock
from .manifest import MANIFEST_FILE, Entry, file_sha256, read_manifest, write_manifest
from .output import write_atomic
from .plan import Job, in_shard, plan_jobs

OutputFormat = Literal["pdf", "html"]
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What became of one job: the file written or found up to date, or why it failed."""

    job: Job
    path: Path | None = None
    size: int = 0
    pages: int | None = None
    sha256: str | None = None
    inputs: str | None = None
    error: str | None = None
    skipped: bool = False
    seconds: float = 0.0


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    broken: dict[str, InputError] = field(default_factory=dict)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.error]

    @property
    def skipped(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.skipped]

    @property
    def built(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if not outcome.error and not outcome.skipped]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.broken


@dataclass(frozen=True)
class BuildOptions:
    """How to build: which documents, in what form, how many at once."""

    clinics: Sequence[str] = ()
    documents: Sequence[str] = ()
    output_format: OutputFormat = "pdf"
    release: bool = False
    force: bool = False
    jobs: int = 1
    shard: tuple[int, int] | None = None


_WORKER_PROJECT: Project | None = None
"""The project a worker process renders from, set in the parent just before the fork."""


class ReleaseRefused(InputError):
    """A release build found drafts or failed checks: nothing was built."""


def build(project: Project, out: Path, options: BuildOptions = BuildOptions(),
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
    if options.release:
        from ..checks import check_project, draft_problems

        slugs = sorted({job.slug for job in jobs} | set(broken))
        checked = check_project(project, slugs)
        refused = [finding.as_problem() for finding in checked.findings
                   if finding.severity == "error"] + draft_problems(project, jobs)
        if refused:
            raise ReleaseRefused(refused)
    report = BuildReport(broken={slug: project.broken[slug] for slug in broken})
    on_plan(len(jobs))
    with output_lock(out):
        if not options.release:  # a release hashes every input afresh
            load_digests(out / DIGEST_CACHE_FILE)
        manifest = read_manifest(out / MANIFEST_FILE)
        pending: list[tuple[Job, str]] = []
        for job in jobs:
            inputs = input_digest(project, project.clinics[job.slug], job.document,
                                  job.language)
            current = _up_to_date(out, job.filename(options.output_format), inputs, manifest)
            if current is not None and not options.force:
                report.outcomes.append(current)
                on_outcome(current)
            else:
                pending.append((job, inputs))
        try:
            for outcome in _render_all(project, out, options, pending):
                report.outcomes.append(outcome)
                on_outcome(outcome)
        finally:  # also after Ctrl-C: record the documents that were written
            report.outcomes.sort(key=lambda outcome: outcome.job)
            _update_manifest(project, out, manifest, report.outcomes)
            save_digests(out / DIGEST_CACHE_FILE)
    return report


def _up_to_date(out: Path, name: str, inputs: str, manifest: dict[str, Entry]) -> Outcome | None:
    entry = manifest.get(name)
    path = out / name
    if entry is None or entry.inputs != inputs or not path.is_file():
        return None
    if path.stat().st_size != entry.bytes or file_sha256(path) != entry.sha256:
        return None
    job = Job(entry.clinic, entry.document, entry.language)
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
        raise BrochureError(f"cannot write {out / MANIFEST_FILE}: {error.strerror}") from None


WORKER_DIED = ("the worker process rendering this document stopped, also when tried again alone "
               "(it ran out of memory, or the renderer crashed on this document)")


def _render_all(project: Project, out: Path, options: BuildOptions,
                pending: list[tuple[Job, str]]) -> Iterable[Outcome]:
    """Render the pending jobs, in this process or in a pool of worker processes.

    When a worker dies, the pool stops: the jobs it left unfinished are tried
    again one at a time, each in a worker of its own, so that only the document
    that kills its worker fails.
    """
    workers = min(options.jobs, len(pending))
    if workers <= 1:
        for job, inputs in pending:
            yield render_job(project, job, out, options.output_format, inputs)
        return
    global _WORKER_PROJECT
    _WORKER_PROJECT = project  # handed to the workers by fork, not pickled
    context = multiprocessing.get_context("fork")
    unfinished: list[tuple[Job, str]] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        futures: dict[Future[Outcome], tuple[Job, str]] = {
            pool.submit(_render_in_worker, job, out, options.output_format, inputs): (job, inputs)
            for job, inputs in pending}
        try:
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    unfinished.append(futures[future])
                    continue
                yield outcome
        except BaseException:
            for future in futures:  # Ctrl-C: start nothing new, let running jobs finish
                future.cancel()
            raise
    for job, inputs in sorted(unfinished):
        yield _render_alone(context, job, out, options.output_format, inputs)


def _render_alone(context: multiprocessing.context.BaseContext, job: Job, out: Path,
                  output_format: OutputFormat, inputs: str) -> Outcome:
    """Render one job in a worker of its own; the worker's death fails this job only."""
    with ProcessPoolExecutor(1, mp_context=context, initializer=_start_worker) as pool:
        try:
            return pool.submit(_render_in_worker, job, out, output_format, inputs).result()
        except BrokenProcessPool:
            return Outcome(job, inputs=inputs, error=WORKER_DIED)


def _start_worker() -> None:
    """Ignore Ctrl-C (the parent stops the build) and import WeasyPrint once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..pdf import render  # noqa: F401  (the import is the point: pay for it once)


def _render_in_worker(job: Job, out: Path, output_format: OutputFormat, inputs: str) -> Outcome:
    assert _WORKER_PROJECT is not None
    return render_job(_WORKER_PROJECT, job, out, output_format, inputs)


def render_job(project: Project, job: Job, out: Path, output_format: OutputFormat,
               inputs: str) -> Outcome:
    """Render one job and write it atomically; every failure is returned, not raised."""
    from ..checks.consent import consent_problems  # the rendering side: not needed for a no-op
    from ..documents.context import MAX_PAGES
    from ..documents.html import render_html

    started = time.perf_counter()
    path = out / job.filename(output_format)
    site = project.clinics[job.slug]
    gaps = consent_problems(project, site) if job.document == "consent" else []
    if gaps:
        return Outcome(job, inputs=inputs, error="the consent form is incomplete:\n" +
                       "\n".join(f"    {gap}" for gap in gaps))
    pages = None
    try:
        html = render_html(project, site, job.document, job.language, inputs)
        if output_format == "html":
            data = with_base(html, path.parent, project.root).encode("utf-8")
        else:
            from ..pdf.render import render_pdf  # WeasyPrint is slow to import: only when needed

            released = site.clinic.documents[job.document].effective
            data, pages = render_pdf(html, project.root, site.theme, released)
            limit = MAX_PAGES.get(job.document)
            if limit is not None and pages > limit:  # try once more with tighter spacing
                html = render_html(project, site, job.document, job.language, inputs,
                                   compact=True)
                data, pages = render_pdf(html, project.root, site.theme, released)
            if limit is not None and pages > limit:
                return Outcome(job, inputs=inputs, error=(
                    f"the {job.document} sheet must fit on {limit} page, and even with tighter "
                    f"spacing it takes {pages}: shorten its steps in content.yaml or the "
                    "clinic's hours and out-of-hours text; the earlier file is kept"))
        write_atomic(path, data)
    except BrochureError as error:
        return Outcome(job, inputs=inputs, error=str(error))
    except OSError as error:
        return Outcome(job, inputs=inputs, error=f"cannot write {path}: {error.strerror}")
    return Outcome(job, path, len(data), pages, hashlib.sha256(data).hexdigest(), inputs,
                   seconds=time.perf_counter() - started)


def with_base(html: str, folder: Path, root: Path) -> str:
    """``html`` with a ``<base>`` so that its project-relative assets resolve from ``folder``."""
    target = os.path.relpath(root.resolve(), folder.resolve()).replace(os.sep, "/")
    base = f'<base href="{html_escape(target.rstrip("/"))}/">'
    return _HEAD.sub(lambda match: f"{match.group(0)}\n{base}", html, count=1)
