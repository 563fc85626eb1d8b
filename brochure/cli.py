"""The ``brochure`` command: a thin shell over the functions that do the work.

Exit codes: 0 everything built; 1 invalid input, a failed check, a document that failed or
a mismatch found by verify; 2 wrong usage; 130 interrupted.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import click

from .checks import check_project, input_report
from .checks.formats import format_json, format_sarif, format_text, summary_line
from .errors import InputError, UnknownClinic
from .models.clinic import DOCUMENT_KINDS, DocumentKind
from .progress import Reporter
from .project import load_project
from .release.manifest import merge_manifests, read_manifest, verify, write_manifest
from .release.outcome import BuildOptions, BuildReport, OutputFormat
from .release.runner import build


class ShardType(click.ParamType):  # type: ignore[type-arg]
    """``K/N``: the K-th of N slices, K from 1 to N."""

    name = "shard"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        try:
            number, count = (int(part) for part in str(value).split("/"))
        except ValueError:
            self.fail(f"'{value}' is not K/N, such as 1/4", param, ctx)
        if not 1 <= number <= count:
            self.fail(f"'{value}': K must be between 1 and N", param, ctx)
        return number, count


SHARD = ShardType()

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("."), show_default="current folder",
    help="The project folder: content.yaml, clinics/ and templates/.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("clinic-brochure"), prog_name="brochure")
def main() -> None:
    """Branded patient brochures and consent forms for mesotherapy clinics."""


@main.command("build")
@project_option
@click.option("--clinic", "clinics", multiple=True, metavar="SLUG",
              help="Build only this clinic (repeatable). Default: every clinic.")
@click.option("--document", "documents", multiple=True,
              type=click.Choice(DOCUMENT_KINDS),
              help="Build only this document (repeatable). Default: the clinic's list.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: output/ in the project.")
@click.option("--format", "output_format", type=click.Choice(["pdf", "html"]), default="pdf",
              show_default=True,
              help="pdf, or html: the exact HTML given to the PDF renderer, for template work.")
@click.option("--release", is_flag=True,
              help="Refuse to build anything unless every check passes and no document is a "
                   "draft.")
@click.option("--force", is_flag=True, help="Render every document, even those up to date.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
              show_default="the number of cores", help="Documents rendered at once.")
@click.option("--shard", type=SHARD, metavar="K/N",
              help="Build only the K-th of N stable slices of the documents (CI matrices).")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print documents that were up to date, and render times.")
def build_command(project_dir: Path, clinics: tuple[str, ...],
                  documents: tuple[DocumentKind, ...], out_dir: Path | None,
                  output_format: OutputFormat, release: bool, force: bool, jobs: int,
                  shard: tuple[int, int] | None, quiet: bool, verbose: bool) -> None:
    """Build every clinic's documents into output/<clinic>/<document>.<lang>.pdf.

    Documents whose inputs did not change since the last build are kept as they are;
    output/manifest.json records what was built.
    """
    project = load_project(project_dir)
    out = out_dir if out_dir is not None else project.root / "output"
    options = BuildOptions(clinics, documents, output_format, release, force, jobs, shard)
    try:
        with Reporter(quiet, verbose) as reporter:
            report = build(project, out, options, reporter.outcome, reporter.plan)
    except KeyboardInterrupt:
        click.secho("interrupted: finished documents are written, no partial file is left",
                    fg="red", err=True)
        raise SystemExit(130) from None
    _print_summary(report)
    if not report.ok:
        raise SystemExit(1)


@main.command("verify")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="The output folder to verify.")
def verify_command(out_dir: Path) -> None:
    """Re-hash every output against output/manifest.json; exit 1 on any difference."""
    problems = verify(out_dir)
    if problems:
        click.secho(f"error: {len(problems)} output(s) do not match the manifest:", fg="red",
                    err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    click.secho(f"every output in {out_dir} matches its manifest", fg="green")


@main.group("manifest")
def manifest_group() -> None:
    """Work with build manifests."""


@manifest_group.command("merge")
@click.argument("manifests", nargs=-1, required=True,
                type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", "target", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the merged manifest.")
def merge_command(manifests: tuple[Path, ...], target: Path) -> None:
    """Merge the manifests of several shards into one."""
    entries = merge_manifests(read_manifest(path) for path in manifests)
    write_manifest(target, entries)
    click.echo(f"{len(entries)} document(s) from {len(manifests)} manifest(s) -> {target}")


@main.command("check")
@project_option
@click.option("--clinic", "clinics", multiple=True, metavar="SLUG",
              help="Check only this clinic (repeatable). Default: every clinic.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]),
              default="text", show_default=True,
              help="text for people, json for scripts, sarif for code-scanning tools.")
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on errors.")
def check_command(project_dir: Path, clinics: tuple[str, ...], output_format: str,
                  strict: bool) -> None:
    """Check what each document prints: input, consent elements, reading grade, claims,
    prescription-only medicines and PEMAT-P. Exit 1 on any error (and warning, with --strict).
    """
    try:
        project = load_project(project_dir)
    except InputError as error:
        project, report, slugs = None, input_report(error), list(clinics)
    if project is not None:
        unknown = sorted(set(clinics) - set(project.slugs))
        if unknown:
            raise UnknownClinic(f"no clinic folder named {', '.join(unknown)}; clinics: "
                                f"{', '.join(project.slugs)}")
        slugs = list(clinics) or project.slugs
        report = check_project(project, slugs)
    tool_version = version("clinic-brochure")
    if output_format == "json":
        click.echo(format_json(report, tool_version, strict))
    elif output_format == "sarif":
        click.echo(format_sarif(report, tool_version))
    else:
        click.echo(format_text(report, len(slugs)))
    if report.failed(strict):
        if output_format != "text":
            click.secho(f"check failed: {summary_line(report, len(slugs))}", fg="red", err=True)
        raise SystemExit(1)


@main.command("list")
@project_option
def list_command(project_dir: Path) -> None:
    """Show the clinics, their protocol, paper and documents."""
    project = load_project(project_dir)
    for slug in project.slugs:
        site = project.clinics.get(slug)
        if site is None:
            click.echo(f"{slug}  (invalid: run 'brochure build --clinic {slug}' for details)")
            continue
        clinic = site.clinic
        documents = ", ".join(f"{name} ({control.id} v{control.version}, {control.status})"
                              for name, control in clinic.documents.items())
        click.echo(f"{slug}  {clinic.name}\n"
                   f"    protocol:  {clinic.protocol} "
                   f"({project.content.protocols[clinic.protocol].name})\n"
                   f"    paper:     {clinic.paper}\n"
                   f"    languages: {', '.join(clinic.languages)}\n"
                   f"    documents: {documents}")


def _print_summary(report: BuildReport) -> None:
    failed = len(report.failed) + len(report.broken)
    current = f", {len(report.skipped)} up to date" if report.skipped else ""
    click.secho(f"{len(report.built)} built{current}, {failed} failed",
                fg="green" if report.ok else "red", err=not report.ok)
    for slug, error in report.broken.items():
        click.secho(f"  {slug}: invalid clinic, nothing built", fg="red", err=True)
        for problem in error.problems:
            click.echo(f"    {problem}", err=True)
    for outcome in report.failed:
        click.secho(f"  {outcome.job}: {outcome.error}", fg="red", err=True)
